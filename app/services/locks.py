"""Row locks that make a learner's quiz writes happen one after another.

Two rules keep the record whole under concurrent requests and crashes:

- Every write to an attempt's answers starts with `lock_attempt`, which finds the attempt
  only while it is in progress (SELECT ... FOR NO KEY UPDATE on PostgreSQL, an UPDATE on
  SQLite). The status is checked by the very statement that takes the lock, so once
  grading has committed, no later save can touch an answer; nor, as it locks and reads
  the learner too, once an erasure (which takes the learner's lock) has.
- Grading starts with `lock_learner`, so a learner's gradings run one after another: each
  reads the evidence the previous one committed before it re-rates the learner's levels.
  Gradings always take the learner's lock before the attempt's, so they cannot deadlock
  (on PostgreSQL a submit takes both in one statement, the learner's row first: rows are
  locked in the order FOR ... OF names their tables). A final submit's sign-in read is
  that statement (sign_in_locking_attempt), so the submit's transaction starts with it.

PostgreSQL locks the rows. SQLite has one writer at a time: the first write of a
transaction takes the database's write lock, and both functions write first there.

Every other write about a person locks them with `lock_account`, and relies only on what
it read. The statements are built once, with bind parameters: a submit runs them each time.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, literal_column, or_, select, update
from sqlalchemy.orm import Session

from app import db
from app.models import Attempt, User
from app.services import signed_in_user
from app.services.name_locks import lock_name  # noqa: F401 (called as locks.lock_name)

# session.info keys: learner id -> LockedLearner, as lock_learner read it; attempt id ->
# its revision (None once graded), as lock_learner_reading_attempt locked it, until
# lock_attempt takes it; what sign_in_locking_attempt read for the submit (see there).
LEARNERS = "linkwise.locked_learners"
ATTEMPTS = "linkwise.locked_attempts"
READ_AT_SIGN_IN = "linkwise.read_at_sign_in"


class LockedLearner(NamedTuple):
    """What the learner's lock read: it cannot change until the transaction ends."""

    organisation_id: int | None
    full_name: str
    registration_number: str | None
    profession: str
    # Set once they are erased (an erasure takes the same lock first).
    erased_at: datetime | None
    email: str


_LEARNER_COLUMNS = (
    User.organisation_id,
    User.full_name,
    User.registration_number,
    User.profession,
    User.erased_at,
    User.email,
)
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
def _locking_attempt(*columns):
    """Return a read of `columns` locking the learner's row, then their attempt's."""
    return (
        select(*columns)
        .join_from(Attempt, User, User.id == Attempt.user_id)
        .where(
            Attempt.id == bindparam("attempt_id"),
            Attempt.user_id == bindparam("user_id"),
            Attempt.module_slug == bindparam("module_slug"),
        )
        .with_for_update(of=(User.__table__, Attempt.__table__), key_share=True)
    )


_LOCK_LEARNER_READING_ATTEMPT = _locking_attempt(*_LEARNER_COLUMNS, *Attempt.__table__.c)
_ID, _STATUS, _REVISION = (
    Attempt.__table__.c.keys().index(name) for name in ("id", "status", "revision")
)
# A final submit's sign-in on PostgreSQL: the signed-in user's columns (as
# signed_in_user.load_signed_in_user reads them) with _LOCK_LEARNER_READING_ATTEMPT's row and
# locks. The attempt's columns come last, named apart from the user's.
_ATTEMPT_COLUMNS = len(Attempt.__table__.c)
_SIGN_IN_LOCKING_ATTEMPT = _locking_attempt(
    *signed_in_user.SIGNED_IN_COLUMNS,
    User.registration_number,
    User.erased_at,
    *(column.label(f"attempt_{column.key}") for column in Attempt.__table__.c),
)
# Also whether the learner is erased, read under the database's write lock (the erasure's).
_LOCK_ATTEMPT_SQLITE = (
    update(Attempt)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.status == "in-progress")
    .values(revision=Attempt.revision)
    .returning(
        Attempt.revision,
        # Named in full: RETURNING renders its columns without their tables' names.
        select(User.erased_at)
        .where(User.id == literal_column("attempt.user_id"))
        .scalar_subquery(),
    )
)
# PostgreSQL re-reads a row it waited to lock and checks the WHERE again, as an UPDATE does,
# without writing a new version of the attempt's row (selection and all) to do it. The
# learner's row is locked first (as a grading locks it) and read as the lock found it.
_LOCK_ATTEMPT_POSTGRESQL = (
    select(Attempt.revision, User.erased_at)
    .join_from(Attempt, User, User.id == Attempt.user_id)
    .where(Attempt.id == bindparam("attempt_id"), Attempt.status == "in-progress")
    .with_for_update(of=(User.__table__, Attempt.__table__), key_share=True)
)


class AccountGone(LookupError):
    """The person a write is about was erased (or never was) by the time their lock was
    taken: the transaction is rolled back, and nothing about them is written."""


def lock_learner(session: Session, user_id: int) -> int | None:
    """Wait for the learner's other gradings to finish, and hold them off until commit.

    Returns the learner's organisation as the lock read it, and keeps what it read in the
    session's info for the grading that follows (so it need not ask again).
    """
    learner = _lock_learner(session, user_id)
    return learner.organisation_id if learner else None


def lock_account(session: Session, user_id: int) -> LockedLearner:
    """Lock the person as lock_learner does and return what the lock read of them.

    Raises AccountGone, rolled back, when the account is erased (an erasure takes the same
    lock: one that committed while this waited is seen) or does not exist. What a writer
    relies on about the person (organisation, email) is read here, not before the lock.
    """
    learner = _lock_learner(session, user_id)
    if learner is None or learner.erased_at is not None:
        session.rollback()
        raise AccountGone(user_id)
    return learner


def _lock_learner(session: Session, user_id: int) -> LockedLearner | None:
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = _LOCK_LEARNER_POSTGRESQL if postgresql else _LOCK_LEARNER_SQLITE
    row = session.connection().execute(statement, {"user_id": user_id}).first()
    learner = LockedLearner(*row) if row is not None else None
    session.info.setdefault(LEARNERS, {})[user_id] = learner
    return learner


def lock_people(session: Session, *people) -> dict[int, int | None]:
    """Lock the rows of the people the conditions (on User) select, as lock_learner locks
    one, in id order; return each one's organisation as the lock read it.

    Every transaction that holds more than one person's lock takes them so (a decision: its
    supervisor and learner; a removal: the person and the learners whose requests it closes
    and re-rates), so no two of them wait for each other.
    """
    if session.get_bind().dialect.name == "postgresql":
        statement = (
            select(User.id, User.organisation_id)
            .where(or_(*people))
            .order_by(User.id)
            .with_for_update(key_share=True)
        )
    else:
        statement = (
            update(User)
            .where(or_(*people))
            .values(role=User.role)
            .returning(User.id, User.organisation_id)
        )
    return dict(session.connection().execute(statement).all())


def lock_learner_reading_attempt(
    session: Session, user_id: int, attempt_id: int, module_slug: str, read_attempt
) -> tuple | None:
    """Lock the learner as lock_learner does; return their attempt's row (None if not theirs).

    The row is the attempt table's columns in order. On PostgreSQL one statement does both,
    locks the attempt too (what the next lock_attempt returns, with no statement of its
    own), and takes no lock when the attempt is not the learner's; elsewhere `read_attempt()`
    reads the row after the lock. Either way only lock_attempt says whether the attempt is
    still in progress: it may have been graded while the lock was awaited. Raises
    AccountGone, as lock_account does, when the learner was erased.
    """
    if session.get_bind().dialect.name != "postgresql":
        lock_account(session, user_id)
        return read_attempt()
    read = session.info.pop(READ_AT_SIGN_IN, None)
    if read is not None:
        transaction, key, attempt = read
        # Only in the transaction that locked, and for this very learner and attempt.
        if transaction is session.get_transaction() and key == (user_id, attempt_id, module_slug):
            return attempt
    parameters = {"user_id": user_id, "attempt_id": attempt_id, "module_slug": module_slug}
    # Straight through the driver (db.fetch_one): a submit runs it on every request.
    row = db.fetch_one(_LOCK_LEARNER_READING_ATTEMPT, parameters)
    if row is None:
        return None
    learner = LockedLearner(*row[: len(_LEARNER_COLUMNS)])
    if learner.erased_at is not None:
        session.rollback()
        raise AccountGone(user_id)
    return _hold(session, user_id, learner, row[len(_LEARNER_COLUMNS) :])


def sign_in_locking_attempt(
    user_id: int, session_token: str, attempt_id: int, module_slug: str
) -> tuple | None:
    """Return the signed-in user's row for a final submit on PostgreSQL, and lock for it.

    Read as signed_in_user.load_signed_in_user reads it (None unless the session token is
    current), in one statement with what lock_learner_reading_attempt reads and locks,
    which then finds it here instead of asking again. The session's transaction starts
    with this read, so the submit holds the locks from here to its commit. A user whose
    token is no longer current lets go of them at once; when the attempt is not theirs
    (nor in that module) nothing is locked and the user is read on their own.
    """
    session = db.transaction()  # the submit's statements all go through the driver
    parameters = {"user_id": user_id, "attempt_id": attempt_id, "module_slug": module_slug}
    row = db.fetch_one(_SIGN_IN_LOCKING_ATTEMPT, parameters)
    attempt = None
    if row is None:
        found = signed_in_user.load_signed_in_user(user_id, session_token)
    elif not signed_in_user.signed_in(row, session_token):
        session.rollback()  # signed out since: hold nothing for them
        return None
    else:
        found = row
        learner = LockedLearner(
            row.organisation_id,
            row.full_name,
            row.registration_number,
            row.profession,
            row.erased_at,
            row.email,
        )
        attempt = _hold(session, user_id, learner, row[-_ATTEMPT_COLUMNS:])
    if found is not None:
        key = (user_id, attempt_id, module_slug)
        session.info[READ_AT_SIGN_IN] = (session.get_transaction(), key, attempt)
    return found


def _hold(session: Session, user_id: int, learner: LockedLearner, attempt) -> tuple:
    """Keep what a read that locked the learner and their attempt found; return the attempt."""
    session.info.setdefault(LEARNERS, {})[user_id] = learner
    attempt = tuple(attempt)
    revision = attempt[_REVISION] if attempt[_STATUS] == "in-progress" else None
    session.info.setdefault(ATTEMPTS, {})[attempt[_ID]] = revision
    return attempt


def locked_learner(session: Session, user_id: int) -> LockedLearner | None:
    """Return what this transaction's lock on the learner read, or None if it took none."""
    return session.info.get(LEARNERS, {}).get(user_id)


def lock_attempt(session: Session, attempt_id: int) -> int | None:
    """Lock an attempt in progress and return its revision; None once it is graded.

    Raises AccountGone, rolled back, when its learner has been erased: on PostgreSQL the
    learner's row is locked too, first (an erasure holds it until it commits). An attempt
    lock_learner_reading_attempt locked in this transaction is not asked again (that lock
    read the learner).
    """
    held = session.info.get(ATTEMPTS, {})
    if attempt_id in held:
        return held.pop(attempt_id)
    postgresql = session.get_bind().dialect.name == "postgresql"
    statement = _LOCK_ATTEMPT_POSTGRESQL if postgresql else _LOCK_ATTEMPT_SQLITE
    row = session.connection().execute(statement, {"attempt_id": attempt_id}).first()
    if row is None:
        return None
    revision, erased_at = row
    if erased_at is not None:
        session.rollback()
        raise AccountGone(attempt_id)
    return revision
