"""Demo learners in bulk: drawn by `domain.seeding`, written a batch per transaction.

Users and attempts are inserted with RETURNING to learn their ids; the big tables go in
with one executemany each, or with COPY on PostgreSQL. Seeded attempts have no `answer`
rows: nothing the app shows for a graded attempt needs them, and leaving them out is what
makes tens of thousands of learners a minute possible. Their evidence, competency levels,
completions and certificates are complete, as grading would have written them.
"""

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import insert, select, text

from app import db
from app.content import catalogue
from app.domain.seeding import Course, SeededAttempt, SeededLearner, learner_email, learners
from app.models import (
    Attempt,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    Organisation,
    User,
    utcnow,
)
from app.services import accounts

BATCH_SIZE = 2000
TABLES = ("user_account", "completion", "attempt", "evidence", "competency_level", "certificate")


@dataclass(frozen=True)
class SeedReport:
    """What a seeding run added, and how fast."""

    organisation: str
    learners: int
    rows: dict[str, int]
    seconds: float

    @property
    def per_minute(self) -> float:
        """Return the learners written per minute."""
        return self.learners * 60 / self.seconds if self.seconds else 0.0

    def describe(self) -> str:
        """Return the summary line printed after seeding."""
        rows = ", ".join(f"{table} {self.rows.get(table, 0)}" for table in TABLES)
        return (
            f"Added {self.learners} learners to {self.organisation} in {self.seconds:.1f}s "
            f"({self.per_minute:,.0f} learners a minute); rows written: {rows}"
        )


def seed_learners(
    count: int, seed: int, password: str, organisation_name: str, batch_size: int = BATCH_SIZE
) -> SeedReport:
    """Add `count` demo learners to the organisation (created if missing), a batch at a time."""
    started = time.perf_counter()
    session = db.session()
    organisation = session.scalar(
        select(Organisation).where(Organisation.name == organisation_name)
    ) or accounts.create_organisation(organisation_name)
    first = _next_number(seed)
    password_hash = accounts.hash_password(password)  # once: scrypt is slow on purpose
    course, now = Course(catalogue()), utcnow()
    rows: Counter[str] = Counter()
    for offset in range(0, count, batch_size):
        drawn = list(learners(course, seed, first + offset, min(batch_size, count - offset), now))
        rows.update(_write(drawn, organisation.id, password_hash))
        session.commit()
    return SeedReport(
        organisation.name,
        count,
        dict(rows),
        time.perf_counter() - started,
    )


def _next_number(seed: int) -> int:
    """Return the running number after the highest learner this seed already made."""
    prefix, suffix = learner_email(seed, 0).rsplit("0@", 1)
    emails = db.session().scalars(select(User.email).where(User.email.like(f"{prefix}%@{suffix}")))
    numbers = [email[len(prefix) : -len(suffix) - 1] for email in emails]
    return max((int(n) for n in numbers if n.isdigit()), default=0) + 1


def _write(drawn: list[SeededLearner], organisation_id: int, password_hash: str) -> Counter:
    """Insert one batch of learners and everything they did; the caller commits."""
    connection = db.session().connection()
    user_ids = _insert_with_ids(
        connection, User, [_user_row(learner, organisation_id, password_hash) for learner in drawn]
    )
    users = list(zip(drawn, user_ids, strict=True))
    taken = [(attempt, user_id) for learner, user_id in users for attempt in learner.attempts]
    attempt_ids = _insert_with_ids(connection, Attempt, [_attempt_row(*pair) for pair in taken])
    # Attempts are frozen values that may compare equal, so they are told apart by identity.
    attempt_id = {
        id(attempt): new_id for (attempt, _), new_id in zip(taken, attempt_ids, strict=True)
    }
    tables = {
        Completion: [
            (user_id, slug, key, at)
            for learner, user_id in users
            for slug, key, at in learner.completions
        ],
        Evidence: [
            (
                user_id,
                organisation_id,
                code,
                attempt.quiz_id,
                question_id,
                attempt_id[id(attempt)],
                score,
                attempt.submitted_at,
            )
            for attempt, user_id in taken
            for code, question_id, score in attempt.evidence
        ],
        CompetencyLevel: [
            (
                user_id,
                organisation_id,
                level.code,
                level.level,
                level.score,
                level.evidence_count,
                level.last_evidence_at,
            )
            for learner, user_id in users
            for level in learner.levels
        ],
        Certificate: [
            (code, user_id, passed.module_slug, attempt_id[id(passed)], passed.submitted_at, "")
            for learner, user_id in users
            for passed, code in (
                (learner.attempts[index], code) for index, code in learner.certificates
            )
        ],
    }
    written = Counter(user_account=len(user_ids), attempt=len(attempt_ids))
    for model, rows in tables.items():
        _bulk(connection, model, COLUMNS[model], rows)
        written[model.__tablename__] = len(rows)
    return written


# The columns of the rows _write builds as tuples, in the tuples' order.
COLUMNS = {
    Completion: ("user_id", "module_slug", "item_key", "completed_at"),
    Evidence: (
        "user_id",
        "organisation_id",
        "competency_code",
        "quiz_id",
        "question_id",
        "attempt_id",
        "score",
        "recorded_at",
    ),
    CompetencyLevel: (
        "user_id",
        "organisation_id",
        "competency_code",
        "level",
        "score",
        "evidence_count",
        "last_evidence_at",
    ),
    Certificate: ("code", "user_id", "module_slug", "attempt_id", "issued_at", "reflection"),
}


def _user_row(learner: SeededLearner, organisation_id: int, password_hash: str) -> dict:
    return {
        "email": learner.email,
        "full_name": learner.full_name,
        "password_hash": password_hash,
        "profession": learner.profession,
        "registration_number": learner.registration_number,
        "role": "learner",
        "organisation_id": organisation_id,
        "professional_confirmed_at": learner.created_at,
        "professional_confirmed_as": learner.profession,
        "session_token": secrets.token_hex(16),
        "created_at": learner.created_at,
        "last_signed_in_at": learner.last_signed_in_at,
    }


def _attempt_row(attempt: SeededAttempt, user_id: int) -> dict:
    return {
        "user_id": user_id,
        "quiz_id": attempt.quiz_id,
        "module_slug": attempt.module_slug,
        "number": attempt.number,
        "status": "graded",
        "selection": attempt.selection,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "points": attempt.points,
        "points_possible": attempt.points_possible,
        "percent": attempt.percent,
        "passed": attempt.passed,
    }


def _insert_with_ids(connection, model, rows: list[dict]) -> list[int]:
    """Insert the rows and return their new ids in the rows' order."""
    if not rows:
        return []
    if connection.dialect.name != "postgresql":
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(connection.execute(statement, rows).scalars())
    # Ids drawn from the table's own sequence, so COPY can write them and later inserts by
    # the app carry on after them.
    ids = list(
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": model.__tablename__, "n": len(rows)},
        ).scalars()
    )
    columns = ("id", *rows[0])
    copied = [
        (new_id, *(json.dumps(v) if isinstance(v, list) else v for v in row.values()))
        for new_id, row in zip(ids, rows, strict=True)
    ]
    _bulk(connection, model, columns, copied)
    return ids


def _bulk(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL, one Core executemany elsewhere."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    connection.execute(insert(model), [dict(zip(columns, row, strict=True)) for row in rows])
