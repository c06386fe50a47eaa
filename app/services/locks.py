"""Row locks that make a learner's quiz writes happen one after another.

Two rules keep the record whole under concurrent requests and crashes:

- Every write to an attempt's answers starts with `lock_attempt`, which finds the attempt
  only while it is in progress (SELECT ... FOR NO KEY UPDATE on PostgreSQL, an UPDATE on
  SQLite). The status is checked by the very statement that takes the lock, so once
  grading has committed, no later save can touch an answer.
- Grading starts with `lock_learner`, so a learner's gradings run one after another: each
  reads the evidence the previous one committed before it re-rates the learner's levels.
  Gradings always take the learner's lock before the attempt's, so they cannot deadlock
  (on PostgreSQL a submit takes both in one statement, the learner's row first: rows are
  locked in the order FOR ... OF names their tables).

PostgreSQL locks the rows. SQLite has one writer at a time: the first write of a
transaction takes the database's write lock, and both functions write first there.

The statements are built once, with bind parameters: a submit runs them on every request.
"""

from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app import db
from app.models import Attempt, User

# session.info keys: learner id -> LockedLearner, as lock_learner read it; attempt id ->
# its revision (None once graded), as lock_learner_reading_attempt locked it, until
# lock_attempt takes it.
LEARNERS = "linkwise.locked_learners"
ATTEMPTS = "linkwise.locked_attempts"


class LockedLearner(NamedTuple):
    """What the learner's lock read: it cannot change until the transaction ends."""

    organisation_id: int | None
    full_name: str
    registration_number: str | None
    profession: str


_LEARNER_COLUMNS = (User.organisation_id, User.full_name, User.registration_number, User.profession)
# NO KEY UPDATE: it serialises gradings without blocking the inserts that refer to the
# learner (their completions, attempts, evidence).
_LOCK_LEARNER_POSTGRESQL = (
    select(*_LEARNER_COLUMNS).where(User.id == bindparam("user_id")).with_for_update(key_share=True)
)
_LOCK_LEARNER_SQLITE = (
    update(User)
    .where(User.id == bindparam("user_id"))
    .values(role=User.role)
    .returning(*_LEARNER_COLUMNS)
)
# A submit's first read on PostgreSQL: the attempt, if it is the learner's and in the module,
# with the learner's lock and the attempt's, in one round trip (the learner's row first, as
# OF names it). A row it waited for comes back as the lock found it, as lock_attempt's does.
_LOCK_LEARNER_READING_ATTEMPT = (
    select(*_LEARNER_COLUMNS, *Attempt.__table__.c)
    .join_from(Attempt, User, User.id == Attempt.user_id)
    .where(
        Attempt.id == bindparam("attempt_id"),
        Attempt.user_id == bindparam("user_id"),
        Attempt.module_slug == bindparam("module_slug"),
    )
    .with_for_update(of=(User.__table__, Attempt.__table__), key_share=True)
)
_STATUS, _REVISION = (Attempt.__table__.c.keys().index(c) for c in ("status", "revision"))
_LOCK_ATTEMPT_SQLITE = (
    update(Attempt)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.status == "in-progress")
    .values(revision=Attempt.revision)
    .returning(Attempt.revision)
)
# PostgreSQL re-reads a row it waited to lock and checks the WHERE again, as an UPDATE does,
# without writing a new version of the attempt's row (selection and all) to do it.
_LOCK_ATTEMPT_POSTGRESQL = (
    select(Attempt.revision)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.status == "in-progress")
    .with_for_update(key_share=True)
)


def lock_learner(session: Session, user_id: int) -> int | None:
    """Wait for the learner's other gradings to finish, and hold them off until commit.

    Returns the learner's organisation as the lock read it, and keeps what it read in the
    session's info for the grading that follows (so it need not ask again).
    """
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = _LOCK_LEARNER_POSTGRESQL if postgresql else _LOCK_LEARNER_SQLITE
    row = session.connection().execute(statement, {"user_id": user_id}).first()
    learner = LockedLearner(*row) if row is not None else None
    session.info.setdefault(LEARNERS, {})[user_id] = learner
    return learner.organisation_id if learner else None


def lock_learner_reading_attempt(
    session: Session, user_id: int, attempt_id: int, module_slug: str, read_attempt
) -> tuple | None:
    """Lock the learner as lock_learner does; return their attempt's row (None if not theirs).

    The row is the attempt table's columns in order. On PostgreSQL one statement does both,
    locks the attempt too (what the next lock_attempt returns, with no statement of its
    own), and takes no lock when the attempt is not the learner's; elsewhere `read_attempt()`
    reads the row after the lock. Either way only lock_attempt says whether the attempt is
    still in progress: it may have been graded while the lock was awaited.
    """
    if session.get_bind().dialect.name != "postgresql":
        lock_learner(session, user_id)
        return read_attempt()
    parameters = {"user_id": user_id, "attempt_id": attempt_id, "module_slug": module_slug}
    # Straight through the driver (db.fetch_one): a submit runs it on every request.
    row = db.fetch_one(_LOCK_LEARNER_READING_ATTEMPT, parameters)
    if row is None:
        return None
    learner_columns = len(_LEARNER_COLUMNS)
    session.info.setdefault(LEARNERS, {})[user_id] = LockedLearner(*row[:learner_columns])
    attempt = tuple(row[learner_columns:])
    in_progress = attempt[_STATUS] == "in-progress"
    session.info.setdefault(ATTEMPTS, {})[attempt_id] = attempt[_REVISION] if in_progress else None
    return attempt


def locked_learner(session: Session, user_id: int) -> LockedLearner | None:
    """Return what this transaction's lock on the learner read, or None if it took none."""
    return session.info.get(LEARNERS, {}).get(user_id)


def lock_attempt(session: Session, attempt_id: int) -> int | None:
    """Lock an attempt in progress and return its revision; None once it is graded.

    An attempt lock_learner_reading_attempt locked in this transaction is not asked again.
    """
    held = session.info.get(ATTEMPTS, {})
    if attempt_id in held:
        return held.pop(attempt_id)
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = _LOCK_ATTEMPT_POSTGRESQL if postgresql else _LOCK_ATTEMPT_SQLITE
    return session.connection().execute(statement, {"attempt_id": attempt_id}).scalar_one_or_none()
