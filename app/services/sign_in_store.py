"""The sign-in counts as the rate limiter's store keeps them: read, deleted, and the
addresses an account's lifted counts came from, remembered while those addresses' own
counts last (sign_in_locks.py lifts and reports; sign_in_counting.py names the keys).

Failed sign-ins count per account and address, per address for everyone there, and per
account from every address together (its ceiling: sign_in_ceiling.py). Lifting deletes the
account's counts, and the mark that its holder was told of the ceiling, never an address's:
so that the account's page can still say that its sign-ins from such an address are refused,
lifting leaves a mark naming the address, which lapses with the address's count.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from limits.storage import RedisStorage, Storage

from app.domain.numbers import whole_number
from app.services.sign_in_counting import (
    ADDRESS,
    account_key,
    ceiling_key,
    lifted_key,
    sign_in_key,
    told_key,
)

_GLOB_SPECIALS = "\\*?[]"


@dataclass(frozen=True)
class Count:
    """Failures counted: how many, of how many allowed, from which address (None: wrong
    current passwords, counted per account wherever they come from; or, `every_address`,
    failed sign-ins at the account from every address together)."""

    address: str | None
    failures: int
    allowed: int
    seconds_left: int  # until the count lapses by itself
    lapses_at: datetime | None = None  # when it lapses (UTC), as read
    every_address: bool = False

    @property
    def what(self) -> str:
        """Say what was counted: 'sign-ins from 192.0.2.7', 'sign-ins from any address' or
        'current passwords'."""
        if self.every_address:
            return "sign-ins from any address"
        return f"sign-ins from {self.address}" if self.address else "current passwords"

    @property
    def stops_sign_in(self) -> bool:
        """Say whether this count, at its limit, stops signing in (wrong current passwords
        stop only the pages that ask for the current password)."""
        return self.address is not None or self.every_address

    @property
    def for_time_left(self) -> str:
        """Say how long the count lasts yet: 'for 12 more minutes', or past two hours (the
        ceiling's day) 'for 23 more hours'."""
        if self.minutes_left <= 120:
            return f"for {self.minutes_left} more minute{'s' if self.minutes_left != 1 else ''}"
        return f"for {-(-self.minutes_left // 60)} more hours"

    @property
    def locked(self) -> bool:
        """Say whether this count stops the account now."""
        return self.failures >= self.allowed

    @property
    def minutes_left(self) -> int:
        """Return the whole minutes until the count lapses (at least 1)."""
        return max(1, -(-self.seconds_left // 60))

    @property
    def stops(self) -> str:
        """Say what this count stops while it is at its limit: sign-in to the account from
        its address, or (wrong current passwords) only the pages that ask for the current
        password; the person still signs in."""
        if self.every_address:
            return (
                "signing in to this account from any browser or address it has not signed "
                "in from recently"
            )
        if self.address is None:
            return "changing their password or email address and deleting their account"
        return f"signing in to this account from {self.address}"

    @property
    def freed(self) -> str:
        """Say what forgetting this count frees, once it was at its limit."""
        if self.every_address:
            return "they can sign in from a new browser or address again"
        if self.address is None:
            return "they can change their password or email address, or delete their account, again"
        return f"they can sign in from {self.address} again"

    @property
    def said(self) -> str:
        """Say the count: '5 of 5 failed sign-ins from 192.0.2.7'."""
        return f"{self.failures} of {self.allowed} failed {self.what}"


def plain_head() -> str:
    """Return how every key of this app starts, as the limiter names it.

    The limiter names a count `LIMITER/<app's key prefix>/<what it counts by>/<scope>/
    <allowance>/<per so many>/<unit>`, and Redis keeps it under its own prefix.
    """
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return "LIMITER/" + (f"{prefix}/" if prefix else "")


def _head(store: Storage) -> str:
    """Return how every key of this app starts in the store itself."""
    head = plain_head()
    return store.prefixed_key(head) if isinstance(store, RedisStorage) else head


def _keys(store: Storage, start: str):
    """Yield every key in the store that begins with `start`."""
    if isinstance(store, RedisStorage):
        escaped = "".join(f"\\{c}" if c in _GLOB_SPECIALS else c for c in start)
        yield from (key.decode() for key in store.get_connection().scan_iter(match=escaped + "*"))
    else:  # a process's own memory
        yield from [key for key in list(store.storage) if key.startswith(start)]


def _found(store: Storage, start: str):
    """Yield (key, the rest of what it counts by, scope, allowance) of every count whose key
    begins with `start`."""
    for key in _keys(store, start):
        # Neither an address nor a scope holds a "/": the last four are the limit's.
        parts = key.removeprefix(start).rsplit("/", 4)
        allowance = whole_number(parts[2]) if len(parts) == 5 else None
        if allowance is not None:
            yield key, parts[0], parts[1], allowance


def _count(
    store: Storage, key: str, address: str | None, allowed: int, *, every_address: bool = False
) -> Count:
    if isinstance(store, RedisStorage):
        connection = store.get_connection()
        failures, left = int(connection.get(key) or 0), connection.pttl(key) / 1000
    else:
        failures = store.get(key)
        left = store.expirations.get(key, 0) - time.time()
    left = max(left, 0)
    lapses_at = datetime.fromtimestamp(time.time() + left, UTC)
    return Count(address, failures, allowed, int(left), lapses_at, every_address)


def delete(store: Storage, keys: list[str]) -> int:
    """Delete counts by their keys as found; return how many there were."""
    if not keys:
        return 0
    if isinstance(store, RedisStorage):
        return store.get_connection().delete(*keys)
    for key in keys:
        store.clear(key)
    return len(keys)


def counts(store: Storage, email: str, user_id: int) -> list[tuple[str, Count, str]]:
    """Return (key, count, scope) of every count against the account."""
    head, found = _head(store), []
    for key, address, scope, allowed in _found(store, head + sign_in_key(email, "")):
        if address and "|" not in address:  # not another email that goes on with a "|"
            found.append((key, _count(store, key, address, allowed), scope))
    for key, rest, scope, allowed in _found(store, head + account_key(user_id)):
        if rest == "":  # not account 12 for account 1
            found.append((key, _count(store, key, None, allowed), scope))
    for key, rest, scope, allowed in _found(store, head + ceiling_key(email)):
        if rest == "":  # not another email that goes on from this one
            found.append((key, _count(store, key, None, allowed, every_address=True), scope))
    return found


def forget(store: Storage, found, email: str) -> int:
    """Delete the counts found against the account, and the mark that its holder was told of
    its ceiling (the next spell at the ceiling tells them again); return how many counts
    there were."""
    deleted = delete(store, [key for key, _, _ in found])
    delete(store, [_head(store) + told_mark(email)])
    return deleted


def told_mark(email: str) -> str:
    """Return the mark that the holder of an email was told of its ceiling, as the limiter's
    keys go on from their head (sign_in_ceiling.py sets it)."""
    return f"{told_key(email)}/ceiling"


def _address_counts(store: Storage, places):
    """Yield (scope, count) of the sign-in count per address of each (address, scope) in
    `places`."""
    head = _head(store)
    for address, scope in places:
        for key, rest, its_scope, allowed in _found(store, head + ADDRESS + address):
            if rest == "" and its_scope == scope:
                yield scope, _count(store, key, address, allowed)


def _places(found) -> dict[tuple[str, str], None]:
    """Return the (address, scope) of each sign-in count found, in order, once each."""
    return {(count.address, scope): None for _, count, scope in found if count.address}


def addresses_at_limit(store: Storage, found, user_id: int) -> list[Count]:
    """Return the sign-in counts per address at their limit, for the addresses of the counts
    found and those the account's lifted counts came from: those count everyone there, so
    lifting one account's lock leaves them."""
    places = _places(found) | dict.fromkeys(_lifted_places(store, user_id))
    return [count for _, count in _address_counts(store, places) if count.locked]


def mark_lifted(store: Storage, user_id: int, found) -> None:
    """Remember the addresses of the account's sign-in counts about to be deleted, each for
    as long as that address's own count lasts (the store forgets it then)."""
    for scope, count in _address_counts(store, _places(found)):
        if count.seconds_left > 0:
            key = plain_head() + f"{lifted_key(user_id, count.address)}/{scope}"
            store.incr(key, count.seconds_left)


def _lifted_places(store: Storage, user_id: int):
    """Yield (address, scope) of each mark lifting left for the account, still in the store."""
    start = _head(store) + lifted_key(user_id, "")
    for key in _keys(store, start):
        address, _, scope = key.removeprefix(start).partition("/")
        # Memory keeps a lapsed key until it is read; Redis never lists one.
        if address and scope and (isinstance(store, RedisStorage) or store.get(key) > 0):
            yield address, scope
