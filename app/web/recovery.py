"""Forgotten passwords: ask for a link by email, then set a new password from it."""

from flask import Blueprint, flash, redirect, render_template, url_for

from app import mail
from app.security import client_address
from app.services import accounts, recovery
from app.web import sign_in_ceiling, throttles, unsent
from app.web.account_forms import ForgotPasswordForm, ResetPasswordForm
from app.web.auth import start_session
from app.web.gate import remember_confirmation

bp = Blueprint("recovery", __name__)


@bp.route("/forgot-password", methods=["GET", "POST"])
@throttles.emails(throttles.RESET_REQUESTS_PER_ADDRESS)
def forgot_password():
    """Email a reset link; the answer is the same whether or not the address has an account
    (and when the email cannot be sent, the same 503 for both)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.request_reset(form.email.data, address=client_address())
        except mail.MailError:
            unsent.mark(form.email)
            return unsent.answer(render_template("recovery/forgot_password.html", form=form))
        return render_template("auth/check_email.html", purpose="reset", email=form.email.data)
    return render_template("recovery/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@throttles.resets
def reset_password(token: str):
    """Set a new password from a link that is unused and less than an hour old."""
    account = recovery.user_for_reset(token)
    if account is None:
        return render_template("auth/link_spent.html", purpose="reset"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = recovery.reset_password(token, form.new_password.data, address=client_address())
        except accounts.AccountError as error:
            form.new_password.errors.append(error.message)
        except recovery.LinkJustUsed:
            return render_template("recovery/link_just_used.html"), 409
        else:
            if user is None:
                return render_template("auth/link_spent.html", purpose="reset"), 404
            start_session(user)
            flash(
                "Your password has been changed. Any other devices have been signed out", "success"
            )
            # The link proved the inbox: this browser is known to the account from now on.
            page = remember_confirmation(redirect(url_for("pages.home")))
            return sign_in_ceiling.remember_browser(page, user.email)
    # The account's address, for a password manager to save the new password under.
    page = render_template("recovery/reset_password.html", form=form, account_email=account.email)
    return page, 400 if form.errors else 200
