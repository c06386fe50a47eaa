"""How often a visitor may try what guesses at accounts or sends email.

Failed sign-ins count per account and address together, plus per address: someone who
fails at an account from their own address is stopped, yet cannot lock its owner out of
it from another; past a ceiling from every address, only browsers and addresses it knows
may try (web/sign_in_ceiling.py). Every 429 carries Retry-After (web/errors.py). Support lifts
a lock with `linkwise unlock-sign-in` (services/sign_in_locks.py, sign_in_counting.py: keys).

An address is often a whole workplace: NHS organisations reach the internet through a few
shared addresses. From a network the deployment lists as shared (LINKWISE_SHARED_NETWORKS)
each per-address allowance is LINKWISE_SHARED_NETWORK_SCALE times larger; what is counted
per account or per recipient stays as it is.
"""

import logging
from functools import wraps

from flask import abort, current_app, g, has_request_context, request
from flask_login import current_user
from limits import parse

from app.domain.accounts import normalise_email
from app.rate_limits import in_shared_network, limit_reads, limiter
from app.security import client_address
from app.services.sign_in_counting import (
    ACCOUNT,
    ADDRESS,
    account_key,
    give_back,
    sign_in_key,
    wait_for_password_checks,
)
from app.web import sign_in_ceiling

_log = logging.getLogger("linkwise.rate_limits")
EMAILS = "emails:"  # a count of the emails one signed-in account asked for starts so
RECIPIENT = "recipient:"  # and a count of the emails sent to one address

SIGN_IN_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
SIGN_IN_PER_ADDRESS = "20 per 15 minutes"
REGISTRATIONS_PER_ADDRESS = "10 per hour"
RESET_REQUESTS_PER_ADDRESS = "5 per 15 minutes"
RESETS_PER_ADDRESS = "10 per 15 minutes"
# Emails one form may send to one address: nobody's inbox gets flooded through us.
EMAILS_PER_RECIPIENT = "3 per hour"
PASSWORD_CHECKS_PER_ACCOUNT = "5 per 15 minutes"
# Join codes that name no organisation, typed or followed as a link, by one signed-in account:
# room for a few typing slips, not for walking through codes to find whose they are.
JOIN_CODE_GUESSES_PER_ACCOUNT = "10 per 15 minutes"


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


def counted_by() -> str:
    """Say what this request's 429 counted, for the page to say whose attempts they were:
    "address", "join-code" (codes not recognised, per account), "emails" (emails asked for,
    per recipient or per account), "account", or "device" (an account from one address)."""
    current = limiter.current_limit
    args = [str(a) for a in current.request_args] if current is not None else []
    if any(a.startswith(ADDRESS) for a in args):
        return "address"
    if any(a.startswith((RECIPIENT, EMAILS)) for a in args):
        return "emails"
    if any(a.startswith(ACCOUNT) for a in args):
        return "join-code" if "join-code" in args else "account"
    return "device"


def _account_and_address() -> str:
    email = normalise_email(request.form.get("email", ""))[:254]
    return sign_in_key(email, client_address())


def recipient_key(email: str) -> str:
    """Return the key that counts the emails sent to one address, whichever form sent them."""
    return RECIPIENT + normalise_email(email)[:254]


def _recipient() -> str:
    return recipient_key(request.form.get("email", ""))


def _signed_in_account() -> str:
    return account_key(current_user.db_id if current_user.is_authenticated else client_address())


def sign_in(view):
    """Limit failed sign-ins per account and address, per address, and per account (a ceiling).

    A sign-in takes its place in both counts before its password is checked, and gives it
    back unless the password was wrong: so sign-ins sent at once are checked only while
    each has room to fail (counted after the check, they all passed it), and one that
    succeeds, or is refused, counts for nothing.
    """
    view = _reserving(sign_in_ceiling.counted(view))
    view = limiter.limit(
        SIGN_IN_PER_ACCOUNT_AND_ADDRESS,
        methods=["POST"],
        key_func=_account_and_address,
        deduct_when=_counted_by_the_view,
    )(view)
    return limit_per_address(
        SIGN_IN_PER_ADDRESS, methods=["POST"], deduct_when=_counted_by_the_view
    )(view)


def _counted_by_the_view(_response) -> bool:
    # With a deduct_when the limiter only reads a count before the view; _reserving counts.
    return False


def _reserving(view):
    """Wrap a view whose limits the limiter has read (each had room): take a place in each,
    atomically, and refuse with a 429 if another request took the last one meanwhile.
    Unless the request marks a failure (mark_failed), every place taken is given back,
    however it ended: the fixed window (the limiter's strategy) counts a hit it refuses.

    The limiter still reads first: a Redis that has stopped answering is found by a read,
    and the request counts in the worker's memory instead of by a count that may or may
    not have reached Redis (tests/service/test_rate_limit_outage.py).
    """

    @wraps(view)
    def reserving(*args, **kwargs):
        taken = []
        try:
            for limit in limiter.current_limits:
                room = _take(limit)
                if room is None:
                    continue
                taken.append(limit)
                if not room:
                    abort(429)
            return view(*args, **kwargs)
        finally:
            if not g.get("attempt_failed", False):
                for limit in taken:
                    _give_back(limit)

    return reserving


def _take(limit) -> bool | None:
    """Count one against a limit; say whether it had room (None: the store did not answer,
    and the limiter's read stands)."""
    try:
        return limit.limiter.hit(limit.limit, *limit.request_args)
    except Exception as error:
        _log.warning("rate limits: could not count (%s: %s)", type(error).__name__, error)
        return None


def _give_back(limit) -> None:
    try:
        give_back(limit.limiter.storage, limit.key)
    except Exception as error:  # the count lapses by itself
        _log.warning(
            "rate limits: could not give back a count (%s: %s)", type(error).__name__, error
        )


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
    """Limit wrong current passwords per account, across every page that asks for one.

    An account's checks run one at a time, and each takes its place in the count (as a
    sign-in does) only once the one before has ended: a wrong password's place is then
    kept, a right one's given back. Ten deletions sent at once with the right password
    used to take the five places together, and the other five were refused.
    """
    return limiter.shared_limit(
        PASSWORD_CHECKS_PER_ACCOUNT,
        scope="password-check",
        methods=["POST"],
        key_func=_signed_in_account,
        deduct_when=_counted_by_the_view,
    )(_one_check_at_a_time(_reserving(view)))


def _one_check_at_a_time(view):
    """Wrap a view that checks the current password: wait for the account's other checks
    first (until their transactions end: services/sign_in_counting.py)."""

    @wraps(view)
    def waiting(*args, **kwargs):
        if request.method == "POST" and current_user.is_authenticated:
            wait_for_password_checks(current_user.db_id)
        return view(*args, **kwargs)

    return waiting


def join_code_guesses(*methods: str):
    """Limit the join codes a signed-in person tries that name no organisation, per account,
    across every way of trying one (Your organisation's field, its confirmation, a join
    link): `methods` are those of the view that look a code up. Only a wrong code counts
    (mark_failed); the page itself stays open to them."""
    shared = limiter.shared_limit(
        JOIN_CODE_GUESSES_PER_ACCOUNT,
        scope="join-code",
        methods=list(methods),
        key_func=_signed_in_account,
        deduct_when=_failed,
    )
    if "GET" not in methods:
        return shared
    return lambda view: limit_reads(shared(view))
