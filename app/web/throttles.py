"""How often a visitor may try what guesses at accounts or sends email.

Failed sign-ins count per account and address together, plus per address: someone who
fails at an account from their own address is stopped, yet cannot lock its owner out of
it from another. Every 429 carries Retry-After (web/errors.py).
"""

from flask import g, request
from flask_login import current_user

from app.domain.accounts import normalise_email
from app.security import client_address, limiter

SIGN_IN_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
SIGN_IN_PER_ADDRESS = "20 per 15 minutes"
REGISTRATIONS_PER_ADDRESS = "10 per hour"
RESET_REQUESTS_PER_ADDRESS = "5 per 15 minutes"
RESETS_PER_ADDRESS = "10 per 15 minutes"
# Emails one form may send to one address: nobody's inbox gets flooded through us.
EMAILS_PER_RECIPIENT = "3 per hour"
PASSWORD_CHECKS_PER_ACCOUNT = "5 per 15 minutes"


def mark_failed() -> None:
    """Count this request against the limits that count failures."""
    g.attempt_failed = True


def _failed(_response) -> bool:
    return g.get("attempt_failed", False)


def _sent(response) -> bool:
    return response.status_code < 400


def _account_and_address() -> str:
    email = normalise_email(request.form.get("email", ""))[:254]
    return f"sign-in:{email}|{client_address()}"


def _recipient() -> str:
    return "recipient:" + normalise_email(request.form.get("email", ""))[:254]


def _signed_in_account() -> str:
    return f"account:{current_user.db_id if current_user.is_authenticated else client_address()}"


def sign_in(view):
    """Limit failed sign-ins per account and address, and per address."""
    view = limiter.limit(
        SIGN_IN_PER_ACCOUNT_AND_ADDRESS,
        methods=["POST"],
        key_func=_account_and_address,
        deduct_when=_failed,
    )(view)
    return limiter.limit(SIGN_IN_PER_ADDRESS, methods=["POST"], deduct_when=_failed)(view)


def emails(per_address: str):
    """Limit a form that sends email: per address, and per recipient when an email goes."""

    def decorate(view):
        view = limiter.limit(
            EMAILS_PER_RECIPIENT, methods=["POST"], key_func=_recipient, deduct_when=_sent
        )(view)
        return limiter.limit(per_address, methods=["POST"])(view)

    return decorate


def resets(view):
    """Limit attempts to set a password from a reset link, per address."""
    return limiter.limit(RESETS_PER_ADDRESS, methods=["POST"])(view)


def password_checks(view):
    """Limit wrong current passwords per account, across every page that asks for one."""
    return limiter.shared_limit(
        PASSWORD_CHECKS_PER_ACCOUNT,
        scope="password-check",
        methods=["POST"],
        key_func=_signed_in_account,
        deduct_when=_failed,
    )(view)
