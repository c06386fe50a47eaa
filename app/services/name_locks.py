"""Locks on names, for what has no row of its own to lock (locks.py locks people's rows)."""

import hashlib

from sqlalchemy import bindparam, false, func, select, update
from sqlalchemy.orm import Session

from app.models import User

# A name's lock on PostgreSQL: a transaction-scoped advisory lock on a number made from it.
_LOCK_NAME_POSTGRESQL = select(func.pg_advisory_xact_lock(bindparam("key")))
# On SQLite any write takes the database's one write lock, also one that changes no row.
_LOCK_NAME_SQLITE = update(User).where(false()).values(role=User.role)


def lock_name(session: Session, name: str) -> None:
    """Wait for other transactions holding the lock of `name`, and hold it until commit.

    For what has no row of its own to lock: an email address with no account, say.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.connection().execute(_LOCK_NAME_POSTGRESQL, {"key": key})
    else:
        session.connection().execute(_LOCK_NAME_SQLITE)
