"""How often a visitor may try what guesses at accounts or sends email.

Failed sign-ins count per account and address together, plus per address: someone who
fails at an account from their own address is stopped, yet cannot lock its owner out of
it from another. Every 429 carries Retry-After (web/errors.py). Support lifts an account's
lock with `linkwise unlock-sign-in` (services/sign_in_locks.py, which names the keys).

An address is often a whole workplace: NHS organisations reach the internet through a few
shared addresses. From a network the deployment lists as shared (LINKWISE_SHARED_NETWORKS)
each per-address allowance is LINKWISE_SHARED_NETWORK_SCALE times larger; what is counted
per account or per recipient stays as it is.
"""

import logging

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from limits import parse

from app.domain.accounts import normalise_email
from app.security import client_address, in_shared_network, limiter
from app.services.sign_in_locks import ADDRESS, account_key, sign_in_key

_log = logging.getLogger("linkwise.rate_limits")

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


def _refused(response) -> bool:
    return response.status_code >= 400


def _sent_or_failed(response) -> bool:
    return _sent(response) or _failed(response)


def _address() -> str:
    return ADDRESS + client_address()


def per_address(allowance: str):
    """Return the limit value for an allowance counted per address.

    From a shared network it is SHARED_NETWORK_SCALE times as many in the same time.
    """

    def value() -> str:
        # The limiter also lists its limits outside any request: the allowance as set.
        if not has_request_context() or not in_shared_network(client_address()):
            return allowance
        return _scaled(allowance, current_app.config["SHARED_NETWORK_SCALE"])

    return value


def _scaled(allowance: str, scale: int) -> str:
    item = parse(allowance)
    return f"{item.amount * scale} per {item.multiples} {item.GRANULARITY.name}"


def limit_per_address(allowance: str, **options):
    """Limit a view per address (see per_address); options as for limiter.limit."""
    return limiter.limit(per_address(allowance), key_func=_address, **options)


def report_refusal() -> bool:
    """Say whether this request's 429 is from a limit counted per address.

    One from an address not listed as shared is logged with a hint: a workplace behind one
    address reaches such a limit together, and the operator can say so.
    """
    current = limiter.current_limit
    # Its arguments are the key prefix, the key the limit counts by, and the endpoint.
    if current is None or not any(str(a).startswith(ADDRESS) for a in current.request_args):
        return False
    address = client_address()
    if not in_shared_network(address):
        _log.warning(
            "rate limits: %s reached the limit per address on %s (%s); if many people "
            "share that address, list its network in LINKWISE_SHARED_NETWORKS",
            address,
            request.endpoint,
            current.limit,
        )
    return True


def _account_and_address() -> str:
    email = normalise_email(request.form.get("email", ""))[:254]
    return sign_in_key(email, client_address())


def _recipient() -> str:
    return "recipient:" + normalise_email(request.form.get("email", ""))[:254]


def _signed_in_account() -> str:
    return account_key(current_user.db_id if current_user.is_authenticated else client_address())


def sign_in(view):
    """Limit failed sign-ins per account and address, and per address."""
    view = limiter.limit(
        SIGN_IN_PER_ACCOUNT_AND_ADDRESS,
        methods=["POST"],
        key_func=_account_and_address,
        deduct_when=_failed,
    )(view)
    return limit_per_address(SIGN_IN_PER_ADDRESS, methods=["POST"], deduct_when=_failed)(view)


def emails(allowance_per_address: str):
    """Limit a form that sends email, per recipient when an email goes; and per address
    when an email goes or the form marks a guess that failed (a join code, say), so that
    people correcting a mistake in the form do not use up their workplace's allowance."""

    def decorate(view):
        view = limiter.limit(
            EMAILS_PER_RECIPIENT, methods=["POST"], key_func=_recipient, deduct_when=_sent
        )(view)
        return limit_per_address(
            allowance_per_address, methods=["POST"], deduct_when=_sent_or_failed
        )(view)

    return decorate


def resets(view):
    """Limit failed uses of an emailed link (a password reset, finishing a sign-up), per
    address: a link that works is no guess, and a room of people finishing their sign-up
    together must not stop each other."""
    return limit_per_address(RESETS_PER_ADDRESS, methods=["POST"], deduct_when=_refused)(view)


def password_checks(view):
    """Limit wrong current passwords per account, across every page that asks for one."""
    return limiter.shared_limit(
        PASSWORD_CHECKS_PER_ACCOUNT,
        scope="password-check",
        methods=["POST"],
        key_func=_signed_in_account,
        deduct_when=_failed,
    )(view)
