"""Counting failed sign-ins and wrong current passwords: the keys the throttles
(web/throttles.py) count by, which sign_in_locks.py reads back to lift a lock; one given
back; and the account's checks of its current password taken one at a time.
"""

from limits.storage import RedisStorage, Storage

from app import db
from app.services import locks

SIGN_IN = "sign-in:"  # a count per account and address starts so
ADDRESS = "address:"  # a count per address starts so
ACCOUNT = "account:"  # a count per signed-in account (wrong current passwords) starts so
LIFTED = "lifted:"  # a mark that an account's sign-ins from an address were lifted starts so
CEILING = "ceiling:"  # a count per account from every address (sign_in_ceiling.py) starts so
TOLD = "told:"  # a mark that an account's holder was told it reached its ceiling starts so


def sign_in_key(email: str, address: str) -> str:
    """Return what failed sign-ins at an (already normalised) email from an address count by."""
    return f"{SIGN_IN}{email}|{address}"


def account_key(user_id: int | str) -> str:
    """Return what a signed-in account's wrong current passwords count by."""
    return f"{ACCOUNT}{user_id}"


def lifted_key(user_id: int, address: str) -> str:
    """Return the mark that an account's failed sign-ins from an address were lifted while
    that address's own count lasts (sign_in_store.py)."""
    return f"{LIFTED}{user_id}|{address}"


def ceiling_key(email: str) -> str:
    """Return what failed sign-ins at an (already normalised) email from every address
    count by: an email no account has counts alike."""
    return f"{CEILING}{email}"


def told_key(email: str) -> str:
    """Return the mark that the holder of an email was told it reached its ceiling, lasting
    as that count does."""
    return f"{TOLD}{email}"


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
