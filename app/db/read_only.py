"""Bookkeeping writes a read-only database refuses, where the read beside them must go on.

In a failover or a maintenance window PostgreSQL may only read (SQLSTATE 25006). A change
someone asked for then waits: its page answers 503 (web/errors.py). A few writes are only
bookkeeping beside a read people need in that window (a learner signing in for the
certificate an appraisal asks for, a manager's export): the time of a sign-in, the audit
event of a sign-in or of a manager's read. Those are not written; the event goes to the log
instead, one line, so the window still leaves a trail. Any other error is raised as before.
"""

import logging

from sqlalchemy import exc
from sqlalchemy.orm import Session

from app.db.engines import READ_ONLY_SQLSTATE

log = logging.getLogger("linkwise.read_only")


# SQLite's result code for a write to a file it opened read-only (the low byte of the
# extended code the driver gives).
SQLITE_READONLY = 8


def refused_as_read_only(error: BaseException) -> bool:
    """Say whether a database error is a write refused because the database only reads
    (PostgreSQL's read-only transaction, or an SQLite file that cannot be written)."""
    if not isinstance(error, exc.DBAPIError):
        return False
    cause = error.orig
    return (
        getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE
        or getattr(cause, "sqlite_errorcode", 0) & 0xFF == SQLITE_READONLY
    )


def commit_or_log(session: Session, event: str, **detail) -> bool:
    """Commit the session; if the database only reads, log `event` instead and say False.

    The session is rolled back then (its objects are read again when next used); any other
    error is raised.
    """
    try:
        session.commit()
    except exc.DBAPIError as error:
        if not refused_as_read_only(error):
            raise
        session.rollback()
        not_written(event, **detail)
        return False
    return True


def not_written(event: str, **detail) -> None:
    """Log an event the read-only database could not record, in one line.

    Ids and an address only: names and email addresses stay out of the log.
    """
    told = " ".join(f"{name}={value}" for name, value in detail.items() if value is not None)
    log.warning("database read-only: not recorded: %s %s", event, told)
