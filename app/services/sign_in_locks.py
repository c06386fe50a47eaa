"""Sign-in locks: the failed-attempt counts that stop an account, and lifting them for support.

An account is locked when failed sign-ins from one address reach the allowance per account
and address (web/throttles.py), or wrong current passwords reach theirs; and signing in to it
from browsers and addresses new to it pauses when failed sign-ins from every address together
reach its ceiling (sign_in_ceiling.py). The counts live in
the rate limiter's store, under keys sign_in_counting.py names (the throttles count by them).
Lifting deletes the account's counts there, audited. It leaves the counts per address, for
everyone there, which are not the account's: while one stops sign-in from an address the
account's failures came from, its page says so (sign_in_store.py remembers the address).
Only a store every process shares (Redis) can be reached from the command line: counts kept
in a server's own memory (the development default, and each worker's fallback while Redis
is down) cannot. An
administrator's page reads and lifts them from the server: in Redis, or with `memory://` in
the serving process's own memory. A password reset lifts them too, from the server: in Redis,
or in the memory of the process it runs in.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from limits.storage import MemoryStorage, RedisStorage, Storage

from app import db
from app.models import User
from app.rate_limits import limiter
from app.services import audit, sign_in_store
from app.services.accounts import user_by_email
from app.services.sign_in_store import Count

__all__ = ["Count", "Lifted", "NoAccount", "StoreUnreachable", "lift", "lift_on_reset", "standing"]

_log = logging.getLogger("linkwise.rate_limits")
# Counts from one address each that stop nothing are listed one by one up to this many;
# more (failures spread over many addresses) are said together.
LISTED_FROM_FEW_ADDRESSES = 3


class StoreUnreachable(RuntimeError):
    """The counts cannot be reached from here; the message says why, in one sentence."""

    @property
    def where(self) -> str:
        """Return the store's address as configured, without its password."""
        return _shown_uri()


class NoAccount(LookupError):
    """No account has the email address given."""


@dataclass(frozen=True)
class Lifted:
    """What lifting found and deleted, and per-address limits it leaves (not the account's)."""

    email: str
    counts: tuple[Count, ...]
    addresses_at_limit: tuple[Count, ...] = ()

    @property
    def shown(self) -> tuple[Count, ...]:
        """Return the counts as a page lists them: the one from every address first (its
        pause reaches furthest), the others as found."""
        return tuple(sorted(self.counts, key=lambda count: not count.every_address))

    @property
    def listed(self) -> tuple[Count, ...]:
        """Return the counts said one by one, as `shown` orders them: all of them, unless
        many addresses each have a few failures (a spread-out attack), which `others` groups."""
        return self._apart(self.shown)

    @property
    def listed_as_found(self) -> tuple[Count, ...]:
        """Return the counts said one by one in the order found (lifting tells them so)."""
        return self._apart(self.counts)

    def _apart(self, counts: tuple[Count, ...]) -> tuple[Count, ...]:
        grouped = set(map(id, self.others))
        return tuple(count for count in counts if id(count) not in grouped)

    @property
    def others(self) -> tuple[Count, ...]:
        """Return the counts from one address each that stop nothing, grouped when there are
        more than LISTED_FROM_FEW_ADDRESSES of them (else none: each is listed)."""
        few = tuple(count for count in self.shown if count.address and not count.locked)
        return few if len(few) > LISTED_FROM_FEW_ADDRESSES else ()

    @property
    def others_said(self) -> str:
        """Say the grouped counts, as a page lists them: '48 other addresses with 1 to 4
        failed sign-ins each; none stops sign-in' ('' when none is grouped)."""
        return f"{self._others_counted()}; none stops sign-in" if self.others else ""

    @property
    def others_lifted(self) -> str:
        """Say the grouped counts, as lifting tells of them: '48 other addresses with 1 to 4
        failed sign-ins each (none stopping sign-in)' ('' when none is grouped)."""
        return f"{self._others_counted()} (none stopping sign-in)" if self.others else ""

    def _others_counted(self) -> str:
        least = min(count.failures for count in self.others)
        most = max(count.failures for count in self.others)
        many = f"{least} to {most}" if least != most else str(least)
        other = "other " if len(self.others) < len(self.counts) else ""
        plural = "s" if most != 1 else ""
        return f"{len(self.others)} {other}addresses with {many} failed sign-in{plural} each"

    @property
    def was_locked(self) -> bool:
        """Say whether any count deleted was stopping the account."""
        return any(count.locked for count in self.counts)


def lift(
    email: str, *, actor_id: int | None = None, via: str = "cli", address: str | None = None
) -> Lifted:
    """Delete the failed sign-in and current-password counts of the account with this email,
    from the command line (or an administrator's page, `via` "web"); audited when any were
    found. Raises NoAccount or StoreUnreachable."""
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        raise NoAccount(email)
    store = _shared_store() if via == "cli" else _servers_store()
    try:
        found = sign_in_store.counts(store, user.email, user.id)
        at_limit = sign_in_store.addresses_at_limit(store, found, user.id)
        sign_in_store.mark_lifted(store, user.id, found)
        deleted = sign_in_store.forget(store, found, user.email)
    except store.base_exceptions as error:
        raise StoreUnreachable(_unreachable(error)) from None
    # A count given back to nothing stays at 0 in a process's memory (Redis deletes it).
    counts = tuple(count for _, count, _ in found if count.failures)
    if deleted and counts:
        session = db.session()
        audit.record(
            session,
            "sign_in.unlocked",
            subject_id=user.id,
            actor_id=actor_id,
            email=user.email,
            address=address,
            via=via,
            was_locked=any(count.locked for count in counts),
            counts=[count.said for count in counts],
        )
        session.commit()
    return Lifted(user.email, counts, tuple(at_limit))


def standing(email: str, user_id: int) -> Lifted:
    """Return the counts against the account now, as lift finds them, changing nothing (an
    administrator's page: what lifting would forget). Raises StoreUnreachable."""
    store = _servers_store()
    try:
        found = sign_in_store.counts(store, email, user_id)
        at_limit = tuple(sign_in_store.addresses_at_limit(store, found, user_id))
        return Lifted(email, tuple(count for _, count, _ in found if count.failures), at_limit)
    except store.base_exceptions as error:
        raise StoreUnreachable(_unreachable(error)) from None


def _servers_store() -> Storage:
    """Return the store the server counts in, for its own pages: Redis, which every process
    shares, or (the development default) this process's memory, the server's own counts."""
    store = limiter.storage
    if isinstance(store, MemoryStorage | RedisStorage):
        return store
    return _shared_store()  # says in one sentence that it is not one of those


def lift_on_reset(user: User) -> tuple[Count, ...]:
    """Delete the account's counts where the limiter counts now, for a password reset from
    the emailed link (whoever has the inbox may sign in at once); return those that held
    failures, for the reset's audit row.

    In Redis every process's counts go; in a process's own memory (the development
    default, a worker's while Redis is down), this process's. A store that does not answer
    leaves them to lapse, and the reset stands.
    """
    store = limiter.limiter.storage
    try:
        found = sign_in_store.counts(store, user.email, user.id)
        sign_in_store.mark_lifted(store, user.id, found)
        sign_in_store.forget(store, found, user.email)
    except store.base_exceptions as error:
        _log.warning("rate limits: a password reset left the account's counts: %s", error)
        return ()
    return tuple(count for _, count, _ in found if count.failures)


def _shared_store() -> RedisStorage:
    store = limiter.storage
    if isinstance(store, MemoryStorage):
        raise StoreUnreachable(
            "the rate limits are counted in each server process's own memory "
            f"(LINKWISE_RATELIMIT_STORAGE_URI is {_shown_uri()}), which this command cannot "
            "reach: restart the server to clear every count, or wait for them to lapse"
        )
    if not isinstance(store, RedisStorage):
        raise StoreUnreachable(
            "this command lifts locks kept in Redis, and LINKWISE_RATELIMIT_STORAGE_URI is "
            f"{_shown_uri()}: set it to the Redis the server uses"
        )
    return store


def _unreachable(error: Exception) -> str:
    return (
        f"cannot reach the rate-limit store at {_shown_uri()} ({type(error).__name__}: "
        f"{' '.join(str(error).split())[:160]}): while it is down each server process counts "
        "in its own memory, which no command can reach, and those counts lapse by themselves"
    )


def _shown_uri() -> str:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""  # never print a password
    return urlunsplit(parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host))
