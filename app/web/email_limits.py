"""How many confirmation emails an email change may send: per recipient, as every form that
sends email is limited (throttles.EMAILS_PER_RECIPIENT), and per signed-in account.

The form is counted here, not by a limiter decorator: the view already has the limit on
wrong current passwords (throttles.password_checks), which takes a place in every limit of
the request while it checks. When the form is past either count, no email is sent, nothing
changes, and the form says so with what was typed kept.
"""

import logging
import time

from flask import current_app
from limits import parse

from app import db
from app.domain.accounts import normalise_email
from app.rate_limits import limiter
from app.security import client_address
from app.services import audit
from app.web.throttles import EMAILS, EMAILS_PER_RECIPIENT, recipient_key

# One account's email changes in an hour: each sends two emails (the link to the new
# address, a notice to the current one). Room for mistyped addresses, not for a flood.
EMAIL_CHANGES_PER_ACCOUNT = "5 per hour"
_SCOPE = "account.change_email"
_log = logging.getLogger("linkwise.rate_limits")


def _counts(user_id: int, recipient: str):
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return (
        (parse(EMAILS_PER_RECIPIENT), (prefix, recipient_key(recipient), _SCOPE)),
        (parse(EMAIL_CHANGES_PER_ACCOUNT), (prefix, f"{EMAILS}{user_id}", _SCOPE)),
    )


def wait_before_sending(user_id: int, recipient: str) -> int:
    """Return the seconds until an email change to `recipient` may send again (0: now).

    A refusal is audited as a throttled request. A store that does not answer lets the
    email go: the limit on wrong passwords still stands.
    """
    try:
        strategy = limiter.limiter
        counts = _counts(user_id, recipient)
        full = [(item, args) for item, args in counts if not strategy.test(item, *args)]
        if not full:
            return 0
        resets = [strategy.get_window_stats(item, *args).reset_time for item, args in full]
    except Exception as error:
        _log.warning("rate limits: could not read a count (%s: %s)", type(error).__name__, error)
        return 0
    session = db.session()
    audit.record(
        session,
        "request.throttled",
        actor_id=user_id,
        email=normalise_email(recipient) or None,
        address=client_address(),
        endpoint=_SCOPE,
    )
    session.commit()
    return max(1, int(max(resets) - time.time()))


def count_sent(user_id: int, recipient: str) -> None:
    """Count an email change that sent its emails."""
    try:
        strategy = limiter.limiter
        for item, args in _counts(user_id, recipient):
            strategy.hit(item, *args)
    except Exception as error:  # the email has gone; a count lost is logged
        _log.warning("rate limits: could not count (%s: %s)", type(error).__name__, error)


def too_many(wait: int) -> str:
    """Say that no email was sent, and when to try again."""
    minutes = max(1, -(-wait // 60))
    return (
        "Too many emails have been sent for email address changes from your account or to "
        f"that address. Wait {minutes} minute{'s' if minutes != 1 else ''}, then try again: "
        "no email was sent and your email address has not changed"
    )
