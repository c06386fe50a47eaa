"""Register (finished from an emailed link), sign in and sign out."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import mail
from app.domain.accounts import linked_join_code, safe_next
from app.domain.assignment_banners import joined_message
from app.login import SignedInUser
from app.models import utcnow
from app.security import client_address
from app.services import accounts, registration
from app.web import sign_in_ceiling, throttles, unsent
from app.web.forms import RegisterForm, SignInForm
from app.web.gate import confirmation_required, remember_confirmation

bp = Blueprint("auth", __name__)

# What a second press of "Create my account" (a double click, another tab) is told.
JUST_CREATED = (
    "Your account was created a moment ago with this link, from this or another tab or window"
)

# What a new account is told when the join code its sign-up gave was replaced before the
# email was confirmed (the page that finishes signing up said so too).
CODE_REPLACED = (
    "The join code you gave was replaced by the organisation's managers, so your account is "
    "not in their organisation. Ask your manager for the new join code, then join from Your "
    "organisation"
)

# What a sign-in refused at its email's ceiling is told (web/sign_in_ceiling.py): the same
# whether or not an account has the email, and whether or not the password was right.
PAUSED = (
    "Signing in with this email address is paused on this device after too many failed "
    "attempts. Reset your password to sign in"
)

# What sign-out says while the database only reads (see sign_out).
SIGNED_OUT_HERE_ONLY = (
    "You have signed out of this browser. You could not be signed out of your other "
    "browsers and devices just now: if you used another, sign out there too"
)


@bp.route("/register", methods=["GET", "POST"])
@confirmation_required
@throttles.emails(throttles.REGISTRATIONS_PER_ADDRESS)
def register():
    """Start an account for a confirmed healthcare professional; the email finishes it."""
    form = RegisterForm()
    if not form.is_submitted():  # from a join link's sign-in page: the code filled in
        form.join_code.data = request.args.get("join_code", "")[:32]
    if form.validate_on_submit():
        try:
            confirmed = registration.register(
                registration.Registration(
                    full_name=form.full_name.data,
                    email=form.email.data,
                    password=form.password.data,
                    profession=form.profession.data,
                    professional_confirmed_at=utcnow(),
                    registration_number=form.registration_number.data or "",
                    join_code=form.join_code.data or "",
                ),
                address=client_address(),
            )
        except accounts.AccountError as error:
            if error.field == "join_code":
                throttles.mark_failed()  # a guess at a join code counts against the address
            getattr(form, error.field).errors.append(error.message)
        except mail.MailError:
            unsent.mark(form.email)
            return unsent.answer(render_template("auth/register.html", form=form, unsent=True))
        else:
            return render_template(
                "auth/check_email.html",
                purpose="register",
                email=form.email.data,
                unconfirmed=not confirmed,
            )
    page = render_template("auth/register.html", form=form, sign_in_next=_join_link_of(form))
    return page, 400 if form.errors else 200


@bp.get("/register/confirm/<token>")
def confirm_registration(token: str):
    """Show the button that finishes signing up (following a link changes nothing)."""
    pending = registration.pending_page(token)
    if pending is None:
        return _registration_link_spent(token)
    return render_template("auth/confirm_registration.html", pending=pending, token=token)


@bp.post("/register/confirm/<token>")
@throttles.resets
def finish_registration(token: str):
    """Create the account, sign it in and remember the professional confirmation."""
    confirmed = registration.confirm(token, address=client_address())
    if confirmed is None:
        return _registration_link_spent(token)
    start_session(confirmed.user)
    flash(_created(confirmed), "success")
    if confirmed.code_replaced:
        flash(CODE_REPLACED, "warning")
    page = remember_confirmation(redirect(url_for("pages.home")))
    return sign_in_ceiling.remember_browser(page, confirmed.user.email)


def _created(confirmed: registration.Confirmed) -> str:
    if confirmed.already:
        return JUST_CREATED
    if confirmed.organisation is None:
        return "Your account has been created"
    team = f", in the team {confirmed.team}" if confirmed.team else ""
    made = f"Your account has been created in {confirmed.organisation}{team}"
    return joined_message(made, confirmed.assigned)


@bp.route("/sign-in", methods=["GET", "POST"])
@throttles.sign_in
def sign_in():
    """Sign a user in and send them where they were going."""
    form = SignInForm()
    target = safe_next(request.values.get("next"), default=url_for("pages.home"))
    failed = False
    if form.validate_on_submit():
        pause = sign_in_ceiling.pause_here(form.email.data)
        if pause is not None:  # refused unchecked: the same for every email at its ceiling
            form.email.errors.append(PAUSED)
            page = _sign_in_page(form, target, pause=pause)
            return page, 429, {"Retry-After": str(max(pause.seconds_left, 1))}
        user = accounts.authenticate(form.email.data, form.password.data, address=client_address())
        if user is not None:
            start_session(user)
            return sign_in_ceiling.remember_browser(
                remember_confirmation(redirect(target)), user.email
            )
        failed = True
        throttles.mark_failed()
        form.email.errors.append("Enter a correct email address and password")
    status = 401 if failed else 400 if form.errors else 200
    return _sign_in_page(form, target), status


def _sign_in_page(form, target: str, pause=None) -> str:
    register = url_for("auth.register", join_code=linked_join_code(target) or None)
    return render_template(
        "auth/sign_in.html", form=form, next=target, register=register, pause=pause
    )


@bp.post("/sign-out")
def sign_out():
    """End the user's sessions everywhere and sign them out here.

    While the database only reads, the other browsers cannot be signed out; this one still
    is (it needs no database), so a shared computer is not left signed in.
    """
    everywhere = True
    if current_user.is_authenticated:
        everywhere = accounts.end_sessions(current_user.db_id)
    logout_user()
    session.clear()
    if everywhere:
        flash("You have signed out", "success")
    else:
        flash(SIGNED_OUT_HERE_ONLY, "warning")
    return redirect(url_for("pages.home"))


def _registration_link_spent(token: str):
    """Answer a spent or expired registration link; when it made an account whose join code
    had been replaced, say so as the page after "Create my account" did."""
    replaced = registration.spent_link_told_replaced(token)
    told = CODE_REPLACED if replaced else None
    return render_template("auth/link_spent.html", purpose="register", code_replaced=told), 404


def _join_link_of(form) -> str | None:
    """Return the join link a registration came from (its code filled in), for "Sign in"."""
    code = request.args.get("join_code", "")[:32]
    return url_for("join.link", code=code) if code and not form.is_submitted() else None


def start_session(user) -> None:
    """Sign the user in on a fresh session (new contents, new CSRF token)."""
    session.clear()
    session.permanent = True
    login_user(SignedInUser(user))
