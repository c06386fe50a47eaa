"""Row locks that make a learner's quiz writes happen one after another.

Two rules keep the record whole under concurrent requests and crashes:

- Every write to an attempt's answers starts with `lock_attempt`, an UPDATE that finds the
  attempt only while it is in progress. The status is checked by the very statement that
  takes the lock, so once grading has committed, no later save can touch an answer.
- Grading starts with `lock_learner`, so a learner's gradings run one after another: each
  reads the evidence the previous one committed before it re-rates the learner's levels.
  Gradings always take the learner's lock before the attempt's, so they cannot deadlock.

PostgreSQL locks the rows. SQLite has one writer at a time: the first write of a
transaction takes the database's write lock, and both functions write first.

The statements are built once, with bind parameters: a submit runs them on every request.
"""

from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.models import Attempt, User

# session.info key: learner id -> LockedLearner, as lock_learner read it.
LEARNERS = "linkwise.locked_learners"


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
_LOCK_ATTEMPT = (
    update(Attempt)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.status == "in-progress")
    .values(revision=Attempt.revision)
    .returning(Attempt.revision)
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


def locked_learner(session: Session, user_id: int) -> LockedLearner | None:
    """Return what this transaction's lock on the learner read, or None if it took none."""
    return session.info.get(LEARNERS, {}).get(user_id)


def lock_attempt(session: Session, attempt_id: int) -> int | None:
    """Lock an attempt in progress and return its revision; None once it is graded."""
    return (
        session.connection().execute(_LOCK_ATTEMPT, {"attempt_id": attempt_id}).scalar_one_or_none()
    )
