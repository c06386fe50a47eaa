"""The signed-in user's own account: details, password, email, organisation, their data."""

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from app import mail
from app.content import catalogue
from app.login import session_user_id
from app.security import client_address
from app.services import (
    accounts,
    data_rights,
    email_changes,
    erasure,
    mail_preferences,
    password_changes,
    profile,
)
from app.web import email_limits, throttles, unsent
from app.web.account_forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    DetailsForm,
)
from app.web.auth import start_session
from app.web.forms import ChangePasswordForm
from app.web.gate import require_confirmation

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
def _deleted_meanwhile():
    """Answer a deletion sent from a session that the account's erasure has since ended (a
    double click, another tab) as the deletion it asked for: the account is deleted."""
    if request.endpoint != "account.delete" or request.method != "POST":
        return None
    if current_user.is_authenticated or not erasure.erased(session_user_id()):
        return None
    return _deleted()


require_confirmation(bp)
bp.before_request(login_required(lambda: None))


def form_status(form) -> int:
    """Answer 400 when the form came back with mistakes, else 200."""
    return 400 if form.errors else 200


@bp.route("/", methods=["GET", "POST"])
@throttles.password_checks
def account():
    """Show the account and let the user change their password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = password_changes.change_password(
                current_user.db_id,
                form.current_password.data,
                form.new_password.data,
                session_token=current_user.session_token,
                address=client_address(),
            )
        except accounts.AccountError as error:
            _failed_check(error)
            getattr(form, error.field).errors.append(error.message)
        else:
            start_session(user)
            flash("Your password has been changed. Other devices have been signed out", "success")
            return redirect(url_for("account.account"))
    page = accounts.account_page(current_user.db_id)
    return render_template(
        "account/index.html",
        form=form,
        row=page.row,
        failing=page.failing,
        emails_on=page.emails_on,
        emails_named=mail_preferences.emails_named(page.row.role),
        idle_limits=account_idle.choices(page.row.long_idle_limit),
    ), form_status(form)


@bp.post("/emails")
def emails():
    """Turn reminders and summaries on or off: the state the form asked for, so a second
    click (or another tab) that asks for the same changes nothing."""
    wanted = request.form.get("reminders")
    if wanted not in ("on", "off"):
        return redirect(url_for("account.account"))  # a form from another page, or none
    on = wanted == "on"
    changed = mail_preferences.set_reminders(current_user.db_id, on=on, address=client_address())
    named = mail_preferences.emails_named(current_user.role)
    state = "on" if on else "off"
    if changed:
        flash(f"{named} are now {state}", "success")
    else:
        flash(f"{named} were already {state}: nothing was changed", "warning")
    return redirect(url_for("account.account") + "#emails")


@bp.route("/details", methods=["GET", "POST"])
def details():
    """Change name, profession and registration number: those the form changed."""
    row = accounts.account(current_user.db_id)
    form = DetailsForm(obj=row)
    if not form.is_submitted():
        form.draw({name: getattr(row, name) for name in form.FIELDS})
    elif form.validate():
        saved = profile.update_details(
            current_user.db_id, **form.entered(), shown=form.shown(request.form)
        )
        if not saved.conflicts:
            flash("Your details have been saved", "success")
            return redirect(url_for("account.account"))
        form.draw(saved.current, keep=saved.conflicts)
        for name, now in saved.conflicts.items():
            form[name].errors = [profile.changed_elsewhere(name, now)]
        page = render_template("account/details.html", form=form, saved=saved.changed)
        return page, 409
    return render_template("account/details.html", form=form), form_status(form)


@bp.route("/email", methods=["GET", "POST"])
@throttles.password_checks
def change_email():
    """Send a confirmation link to the new address; the change happens when it is followed."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        wait = email_limits.wait_before_sending(current_user.db_id, form.email.data)
        if wait:
            form.email.errors.append(email_limits.too_many(wait))
            page = render_template("account/email.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        try:
            sent_to = email_changes.request_email_change(
                current_user.db_id,
                form.email.data,
                form.current_password.data,
                address=client_address(),
            )
        except accounts.AccountError as error:
            _failed_check(error)
            getattr(form, error.field).errors.append(error.message)
        except mail.MailError:
            unsent.mark(form.email)
            return unsent.answer(render_template("account/email.html", form=form, unsent=True))
        else:
            email_limits.count_sent(current_user.db_id, sent_to)
            return render_template("auth/check_email.html", purpose="email", email=sent_to)
    return render_template("account/email.html", form=form), form_status(form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Confirm the new address (a button, so following the link alone changes nothing)."""
    if request.method == "GET":
        new_email = email_changes.email_change_for(current_user.db_id, token)
        if new_email is None:
            return render_template("auth/link_spent.html", purpose="email"), 404
        return render_template("account/confirm_email.html", new_email=new_email, token=token)
    try:
        changed = email_changes.confirm_email_change(
            current_user.db_id, token, address=client_address()
        )
    except accounts.AccountError as error:
        flash(error.message, "error")
        return redirect(url_for("account.account"))
    if changed is None:
        return render_template("auth/link_spent.html", purpose="email"), 404
    flash(_email_changed(changed), "success")
    return redirect(url_for("account.account"))


def _email_changed(changed: email_changes.EmailChanged) -> str:
    if changed.already:
        return (
            f"Your email address was changed to {changed.email} a moment ago, from this or "
            "another tab or window"
        )
    return f"Your email address is now {changed.email}"


@bp.get("/data")
def your_data():
    """Explain what the download holds."""
    return render_template("account/data.html")


@bp.post("/data")
def download_data():
    """Download everything Linkwise holds about you, with your certificates."""
    archive = data_rights.export_archive(
        current_user.db_id, catalogue(), actor_id=current_user.db_id, address=client_address()
    )
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="linkwise-your-data.zip"'},
    )


@bp.route("/delete", methods=["GET", "POST"])
@throttles.password_checks
def delete():
    """Erase the account after the password is entered again."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            erasure.erase_own_account(
                current_user.db_id, form.current_password.data, address=client_address()
            )
        except accounts.AccountError as error:
            _failed_check(error)
            form.current_password.errors.append(error.message)
        else:
            # Erased now, or by a request before this one (a double click, another tab).
            return _deleted()
    return render_template("account/delete.html", form=form), form_status(form)


def _deleted():
    logout_user()
    session.clear()
    flash("Your account has been deleted", "success")
    return redirect(url_for("pages.home"))


def _failed_check(error: accounts.AccountError) -> None:
    if error.field == "current_password":
        throttles.mark_failed()


# The organisation's and the idle limit's routes on this blueprint, in their own modules.
from app.web import account_idle, account_organisation  # noqa: E402, F401
