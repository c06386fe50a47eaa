"""Sign-in locks: the failed-attempt counts that stop an account, and lifting them for support.

An account is locked when failed sign-ins from one address reach the allowance per account
and address (web/throttles.py), or wrong current passwords reach theirs. The counts live in
the rate limiter's store, under keys this module names (the throttles build them here too).
Lifting deletes the account's counts there, audited. Only a store every process shares
(Redis) can be reached from the command line: counts kept in a server's own memory (the
development default, and each worker's fallback while Redis is down) cannot. A password
reset lifts them too, from the server: in Redis, or in the memory of the process it runs in.
"""

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from limits.storage import MemoryStorage, RedisStorage, Storage

from app import db
from app.domain.numbers import whole_number
from app.models import User
from app.rate_limits import limiter
from app.services import audit, locks
from app.services.accounts import user_by_email

_log = logging.getLogger("linkwise.rate_limits")

SIGN_IN = "sign-in:"  # a count per account and address starts so
ADDRESS = "address:"  # a count per address starts so
ACCOUNT = "account:"  # a count per signed-in account (wrong current passwords) starts so
_GLOB_SPECIALS = "\\*?[]"


def sign_in_key(email: str, address: str) -> str:
    """Return what failed sign-ins at an (already normalised) email from an address count by."""
    return f"{SIGN_IN}{email}|{address}"


def account_key(user_id: int | str) -> str:
    """Return what a signed-in account's wrong current passwords count by."""
    return f"{ACCOUNT}{user_id}"


def wait_for_password_checks(user_id: int) -> None:
    """Wait for the account's other checks of its current password to end, and hold the
    next one off until this request's transaction ends.

    A check takes its place in the count of wrong passwords only once it holds this
    (web/throttles.py): checks sent at once are counted one after another, so between them
    they never try more passwords than the allowance, and a right one is never refused for
    places that checks still under way had taken.
    """
    locks.lock_name(db.session(), f"password-check:{user_id}")


# One off a count, and the count deleted when that leaves none: a count of nothing would
# be found as a lock with no failures.
_GIVE_BACK = "if redis.call('decr', KEYS[1]) <= 0 then redis.call('del', KEYS[1]) end"


def give_back(store: Storage, key: str) -> None:
    """Take one off a count a request added (the limiter's key, as it counts in `store`)."""
    if isinstance(store, RedisStorage):
        store.get_connection().eval(_GIVE_BACK, 1, store.prefixed_key(key))
    else:
        store.decr(key)


class StoreUnreachable(RuntimeError):
    """The counts cannot be reached from here; the message says why, in one sentence."""


class NoAccount(LookupError):
    """No account has the email address given."""


@dataclass(frozen=True)
class Count:
    """Failures counted: how many, of how many allowed, from which address (None: wrong
    current passwords, counted per account wherever they come from)."""

    address: str | None
    failures: int
    allowed: int
    seconds_left: int  # until the count lapses by itself

    @property
    def what(self) -> str:
        """Say what was counted: 'sign-ins from 192.0.2.7' or 'current passwords'."""
        return f"sign-ins from {self.address}" if self.address else "current passwords"

    @property
    def locked(self) -> bool:
        """Say whether this count stops the account now."""
        return self.failures >= self.allowed

    @property
    def said(self) -> str:
        """Say the count: '5 of 5 failed sign-ins from 192.0.2.7'."""
        return f"{self.failures} of {self.allowed} failed {self.what}"


@dataclass(frozen=True)
class Lifted:
    """What lifting found and deleted, and per-address limits it leaves (not the account's)."""

    email: str
    counts: tuple[Count, ...]
    addresses_at_limit: tuple[Count, ...] = ()

    @property
    def was_locked(self) -> bool:
        """Say whether any count deleted was stopping the account."""
        return any(count.locked for count in self.counts)


def lift(email: str) -> Lifted:
    """Delete the failed sign-in and current-password counts of the account with this email,
    from the command line; audited when any were found. Raises NoAccount or StoreUnreachable."""
    user = user_by_email(email)
    if user is None or user.erased_at is not None:
        raise NoAccount(email)
    store = _shared_store()
    try:
        found = _counts(store, user.email, user.id)
        at_limit = _addresses_at_limit(store, found)
        deleted = _delete(store, [key for key, _, _ in found])
    except store.base_exceptions as error:
        raise StoreUnreachable(_unreachable(error)) from None
    counts = tuple(count for _, count, _ in found)
    if deleted:
        session = db.session()
        audit.record(
            session,
            "sign_in.unlocked",
            subject_id=user.id,
            email=user.email,
            via="cli",
            was_locked=any(count.locked for count in counts),
            counts=[count.said for count in counts],
        )
        session.commit()
    return Lifted(user.email, counts, tuple(at_limit))


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
        found = _counts(store, user.email, user.id)
        _delete(store, [key for key, _, _ in found])
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


def _head(store: Storage) -> str:
    """Return how every key of this app starts in the store.

    The limiter names a count `LIMITER/<app's key prefix>/<what it counts by>/<scope>/
    <allowance>/<per so many>/<unit>`, and Redis keeps it under its own prefix.
    """
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    head = "LIMITER/" + (f"{prefix}/" if prefix else "")
    return store.prefixed_key(head) if isinstance(store, RedisStorage) else head


def _found(store: Storage, start: str):
    """Yield (key, the rest of what it counts by, scope, allowance) of every count whose key
    begins with `start`."""
    if isinstance(store, RedisStorage):
        escaped = "".join(f"\\{c}" if c in _GLOB_SPECIALS else c for c in start)
        keys = (key.decode() for key in store.get_connection().scan_iter(match=escaped + "*"))
    else:  # a process's own memory
        keys = [key for key in list(store.storage) if key.startswith(start)]
    for key in keys:
        # Neither an address nor a scope holds a "/": the last four are the limit's.
        parts = key.removeprefix(start).rsplit("/", 4)
        allowance = whole_number(parts[2]) if len(parts) == 5 else None
        if allowance is not None:
            yield key, parts[0], parts[1], allowance


def _count(store: Storage, key: str, address: str | None, allowed: int) -> Count:
    if isinstance(store, RedisStorage):
        connection = store.get_connection()
        failures, seconds_left = int(connection.get(key) or 0), int(connection.ttl(key))
    else:
        failures = store.get(key)
        seconds_left = int(store.expirations.get(key, 0) - time.time())
    return Count(address, failures, allowed, max(seconds_left, 0))


def _delete(store: Storage, keys: list[str]) -> int:
    """Delete counts by their keys as found; return how many there were."""
    if not keys:
        return 0
    if isinstance(store, RedisStorage):
        return store.get_connection().delete(*keys)
    for key in keys:
        store.clear(key)
    return len(keys)


def _counts(store: Storage, email: str, user_id: int) -> list[tuple[str, Count, str]]:
    """Return (key, count, scope) of every count against the account."""
    head, found = _head(store), []
    for key, address, scope, allowed in _found(store, head + sign_in_key(email, "")):
        if address and "|" not in address:  # not another email that goes on with a "|"
            found.append((key, _count(store, key, address, allowed), scope))
    for key, rest, scope, allowed in _found(store, head + account_key(user_id)):
        if rest == "":  # not account 12 for account 1
            found.append((key, _count(store, key, None, allowed), scope))
    return found


def _addresses_at_limit(store: RedisStorage, found) -> list[Count]:
    """Return the sign-in counts per address at their limit, for the addresses found: those
    count everyone there, so lifting one account's lock leaves them."""
    head, at_limit = _head(store), []
    for _, count, scope in found:
        if count.address is None:
            continue
        for key, rest, its_scope, allowed in _found(store, head + ADDRESS + count.address):
            if rest == "" and its_scope == scope:
                shared = _count(store, key, count.address, allowed)
                if shared.locked:
                    at_limit.append(shared)
    return at_limit
