"""Register, sign in, sign out and change password."""

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.domain.accounts import normalise_email, safe_next
from app.login import SignedInUser
from app.models import utcnow
from app.security import client_address, limiter
from app.services import accounts
from app.web.forms import ChangePasswordForm, RegisterForm, SignInForm
from app.web.gate import confirmation_required, remember_confirmation, require_confirmation

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__, url_prefix="/account")
require_confirmation(account_bp)

FAILED_SIGN_INS = "5 per 15 minutes"


def _account_key() -> str:
    return "sign-in:" + normalise_email(request.form.get("email", ""))


def _sign_in_failed(_response) -> bool:
    return g.get("sign_in_failed", False)


@bp.route("/register", methods=["GET", "POST"])
@confirmation_required
def register():
    """Create a learner account for a confirmed healthcare professional."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                accounts.Registration(
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
            getattr(form, error.field).errors.append(error.message)
        else:
            _start_session(user)
            flash("Your account has been created", "success")
            return redirect(url_for("pages.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(FAILED_SIGN_INS, methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    FAILED_SIGN_INS, methods=["POST"], key_func=_account_key, deduct_when=_sign_in_failed
)
def sign_in():
    """Sign a user in and send them where they were going."""
    form = SignInForm()
    target = safe_next(request.values.get("next"), default=url_for("pages.home"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, address=client_address())
        if user is not None:
            _start_session(user)
            return remember_confirmation(redirect(target))
        g.sign_in_failed = True
        form.email.errors.append("Enter a correct email address and password")
    status = 401 if g.get("sign_in_failed") else 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form, next=target), status


@bp.post("/sign-out")
def sign_out():
    """End the user's sessions everywhere and sign them out here."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user.db_id)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("pages.home"))


@account_bp.route("/", methods=["GET", "POST"])
@login_required
def account():
    """Show the account and let the user change their password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                current_user.db_id, form.current_password.data, form.new_password.data
            )
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            _start_session(user)
            flash("Your password has been changed. Other devices have been signed out", "success")
            return redirect(url_for("account.account"))
    row = accounts.account(current_user.db_id)
    return render_template("auth/account.html", form=form, row=row), 400 if form.errors else 200


def _start_session(user) -> None:
    # A fresh session (new contents, new CSRF token) so nothing from before sign-in carries over.
    session.clear()
    session.permanent = True
    login_user(SignedInUser(user))
