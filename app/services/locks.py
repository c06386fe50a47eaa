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
"""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Attempt, User

# session.info key: learner id -> organisation id, as lock_learner read it.
LEARNER_ORGANISATIONS = "linkwise.learner_organisations"


def lock_learner(session: Session, user_id: int) -> int | None:
    """Wait for the learner's other gradings to finish, and hold them off until commit.

    Returns the learner's organisation as the lock read it, and keeps it in the session's
    info for the grading that follows (so it need not ask again).
    """
    if session.get_bind().dialect.name == "postgresql":
        # NO KEY UPDATE: it serialises gradings without blocking the inserts that refer to
        # the learner (their completions, attempts, evidence).
        organisation_id = session.scalar(
            select(User.organisation_id).where(User.id == user_id).with_for_update(key_share=True)
        )
    else:
        organisation_id = session.scalar(
            update(User)
            .where(User.id == user_id)
            .values(role=User.role)
            .returning(User.organisation_id)
        )
    session.info.setdefault(LEARNER_ORGANISATIONS, {})[user_id] = organisation_id
    return organisation_id


def lock_attempt(session: Session, attempt_id: int) -> int | None:
    """Lock an attempt in progress and return its revision; None once it is graded."""
    return session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.status == "in-progress")
        .values(revision=Attempt.revision)
        .returning(Attempt.revision)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
