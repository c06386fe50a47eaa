"""The ceiling on failed sign-ins at one account from every address together, and telling
the account's holder when it is reached.

Failed sign-ins are limited per account and address, and per address (web/throttles.py): a
guesser spread over many addresses (a botnet) would get five at each, without end. This
counts every failed sign-in at an email, wherever it came from. An email no account has is
counted and answered alike, so nothing here says whether an account exists.

Past the ceiling the password is checked only from a browser that has signed in to the
account before (web/sign_in_ceiling.py keeps that cookie) or from an address it signed in
from within KNOWN_FOR_DAYS (its `sign_in.success` events). Anyone else is refused before any
password is checked, so a right guess there is told nothing, and is told how to get in: reset
the password from an emailed link, which lifts the count (sign_in_locks.lift_on_reset), or
ask an administrator, who lifts it from the person's page. A lock on every address would let
anyone lock a clinician out; this pause leaves them every browser and place they use.

As with the other counts, a sign-in takes its place before its password is checked and gives
it back unless the password was wrong: sign-ins sent at once never check more than the
ceiling between them. The first failure kept at the ceiling tells the holder, once a spell: a
mark beside the count, lasting as it does, stops the others (lifting deletes both). The email
is an account notice (mail_outbox.py): written to the outbox in a transaction of its own, then
sent, and sent by `linkwise send-mail` if it could not go then (or its sender stopped).
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from limits import parse
from limits.storage import Storage
from sqlalchemy import select

from app import db
from app.domain.dates import day_time
from app.models import AuditEvent, User, utcnow
from app.rate_limits import limiter
from app.services import audit, mail_outbox
from app.services.accounts import user_by_email
from app.services.sign_in_counting import ceiling_key, give_back
from app.services.sign_in_store import plain_head, told_mark

# Failed sign-ins at one account from every address together before sign-ins from browsers
# and addresses new to it are refused (README: "Failed sign-ins are counted ...").
SIGN_IN_PER_ACCOUNT = "50 per 24 hours"
# How long a browser or address the account signed in from stays known to it.
KNOWN_FOR_DAYS = 90
# What makes an address known to an account: signing in there, and the sign-ins a password
# reset or a confirmed sign-up begin there (the emailed link proved the inbox).
KNOWN_BY = ("sign_in.success", "password.reset", "account.registered")
SCOPE = "ceiling"
NOTICE = "many_failed_sign_ins"  # mail_outbox.NOTICES

_log = logging.getLogger("linkwise.rate_limits")


@dataclass(frozen=True)
class Place:
    """One sign-in's place in its email's count from every address."""

    key: str  # as the limiter names it
    taken: int  # the count, this sign-in's place in it
    allowed: int
    seconds_left: int  # until the count lapses by itself
    store: Storage = field(compare=False, repr=False)

    @property
    def over(self) -> bool:
        """Say whether the ceiling was reached before this sign-in."""
        return self.taken > self.allowed

    @property
    def at_ceiling(self) -> bool:
        """Say whether this sign-in, if it fails, leaves the count at its ceiling or past it."""
        return self.taken >= self.allowed

    @property
    def hours_left(self) -> int:
        """Return the whole hours until the count lapses (at least 1)."""
        return max(1, -(-self.seconds_left // 3600))


def take(email: str) -> Place | None:
    """Take a place in the count of failed sign-ins at this (normalised) email from every
    address; None when the store does not answer (the other limits still hold)."""
    item = parse(SIGN_IN_PER_ACCOUNT)
    key = plain_head() + f"{ceiling_key(email)}/{SCOPE}/{item.amount}/{item.multiples}/"
    key += item.GRANULARITY.name
    store = limiter.limiter.storage
    try:
        taken = store.incr(key, item.get_expiry())
        # How long the count lasts yet matters only at the ceiling: one round trip less below.
        left = store.get_expiry(key) - time.time() if taken >= item.amount else item.get_expiry()
    except Exception as error:  # counted in no store: the limits per address still hold
        _log.warning("rate limits: could not count (%s: %s)", type(error).__name__, error)
        return None
    return Place(key, taken, item.amount, max(int(left), 0), store)


def give_place_back(place: Place) -> None:
    """Give back a place a sign-in took that was no failure (right, or never checked)."""
    try:
        give_back(place.store, place.key)
    except Exception as error:  # the count lapses by itself
        _log.warning(
            "rate limits: could not give back a count (%s: %s)", type(error).__name__, error
        )


def first_to_tell(place: Place, email: str) -> bool:
    """Say whether this failure is the first kept at the ceiling this spell: it marks the
    spell told, for as long as the count lasts."""
    try:
        marked = place.store.incr(plain_head() + told_mark(email), max(place.seconds_left, 1))
    except Exception as error:  # no mark, no email: the pause holds all the same
        _log.warning("rate limits: could not mark (%s: %s)", type(error).__name__, error)
        return False
    return marked == 1


def signed_in_from(email: str, address: str) -> bool:
    """Say whether the account with this email signed in from this address within
    KNOWN_FOR_DAYS, or reset its password or finished its sign-up there (KNOWN_BY; an email
    no account has never did)."""
    since = utcnow() - timedelta(days=KNOWN_FOR_DAYS)
    found = db.session().scalar(
        select(AuditEvent.id)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            User.email == email,
            AuditEvent.kind.in_(KNOWN_BY),
            AuditEvent.address == address,
            AuditEvent.occurred_at >= since,
        )
        .limit(1)
    )
    return found is not None


def record_pause(email: str, address: str) -> None:
    """Record a sign-in refused at the ceiling, its password unchecked."""
    session = db.session()
    audit.record(session, "sign_in.throttled", email=email, address=address, limit="ceiling")
    db.commit_or_log(session, "sign_in.throttled", address=address, limit="ceiling")


def forget_told(place: Place, email: str) -> None:
    """Take back the spell's mark: the email was not written to the outbox (the database did
    not answer), so the next sign-in at the ceiling tries again."""
    try:
        place.store.clear(plain_head() + told_mark(email))
    except Exception as error:  # the mark lapses with the count
        _log.warning("rate limits: could not unmark (%s: %s)", type(error).__name__, error)


def queue_notice(email: str, place: Place, failures: int) -> int | None:
    """Write the email telling the holder their account reached its ceiling to the outbox,
    committed in a transaction of its own; return its id for `mail_outbox.send_queued`, or
    None when no account has this email (nobody to tell)."""
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        return None
    session = db.session()
    until = utcnow() + timedelta(seconds=place.seconds_left)
    notice = mail_outbox.queue(
        session,
        user,
        NOTICE,
        failures=failures,
        until=day_time(until),
        known_days=KNOWN_FOR_DAYS,
    )
    session.commit()
    return notice
