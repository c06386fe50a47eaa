"""Demo learners in bulk: drawn by `domain.seeding`, written a batch at a time.

Seeded attempts have `answer` rows, as grading writes them (with the question version), so
item analysis has something to show; `with_answers=False` leaves them out for benchmarks
that need tens of thousands of learners a minute. Evidence, competency levels, completions
and certificates are complete, as grading would have written them.

On SQLite each batch is drawn and written in its own transaction, users and attempts
inserted with RETURNING to learn their ids. On PostgreSQL the batches are drawn by forked
processes, which take the ids from the tables' sequences and build every row, while the
first process writes them all with COPY in one transaction: the drawing and the
database's work overlap, and a failed run leaves nothing behind. Tables that are empty at
the start lose their indexes and key constraints (all but those a foreign key needs) for
the load and get them back, built once from all the rows, before the commit (a test checks
they come back as they were); the planner's statistics are gathered before the commit too.
When the account may, the transaction skips the per-row triggers
(`session_replication_role = replica`, as pg_restore does): the seeder writes the users
and attempts that every other row refers to, so the references hold by construction (a
test checks them), and the dashboard's level counts, kept by triggers too, are rebuilt at
the end.
"""

import gc
import json
import multiprocessing
import os
import secrets
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Connection, Engine, func, insert, select, text

from app import db
from app.content import catalogue
from app.domain.numbers import whole_number
from app.domain.seeded_answers import answer_key
from app.domain.seeding import Course, SeededAttempt, SeededLearner, learner_email, learners
from app.models import (
    RATING_COLUMNS,
    Answer,
    Attempt,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    Organisation,
    User,
    utcnow,
)
from app.services import accounts, dashboard_counts, quiz_versions
from app.services.bulk import bulk_insert
from app.services.seed_copy import binary_rows, copy_binary, copy_rows, drop_secondary_indexes

BATCH_SIZE = 2000
TABLES = (
    "user_account",
    "completion",
    "attempt",
    "answer",
    "evidence",
    "competency_level",
    "certificate",
)


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
    count: int,
    seed: int,
    password: str,
    organisation_name: str,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    with_answers: bool = True,
) -> SeedReport:
    """Add `count` demo learners to the organisation (created if missing), a batch at a time.

    Batches are drawn and written by `workers` processes side by side (one per CPU by
    default), each in its own transaction on its own connection. Learner n of a seed is
    the same person whichever process draws them.
    """
    started = time.perf_counter()
    session = db.session()
    organisation = session.scalar(
        select(Organisation).where(Organisation.name == organisation_name)
    ) or accounts.create_organisation(organisation_name)
    first = _next_number(seed)
    job = _Job(
        Course(catalogue()),
        seed,
        utcnow(),
        organisation.id,
        accounts.hash_password(password),  # once: scrypt is slow on purpose
        db.engine().url.render_as_string(hide_password=False),
        with_answers,
    )
    name = organisation.name
    quiz_versions.store(session, job.course.versions)  # every attempt and evidence row names one
    session.commit()  # the workers' transactions must see the organisation and versions
    workers = max(1, workers or os.cpu_count() or 1)
    # At least four batches a worker, so none waits long for the last one to finish.
    size = max(1, min(batch_size, -(-count // (workers * 4))))
    batches = [(first + n, min(size, count - n)) for n in range(0, count, size)]
    workers = min(workers, len(batches))
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        # A forked child would share the parent's open connections: close them first.
        session.close()
        db.engine().dispose()
    else:
        workers = 1
    if db.engine().dialect.name == "postgresql":
        rows = _seed_postgres(job, batches, workers)  # gathers the statistics itself
    else:
        rows = Counter()
        with _mapper(job, workers) as run:
            for written in run(_seed_batch, batches):
                rows.update(written)
        # The batches may skip every trigger (above), those keeping the dashboard's counts.
        with db.engine().begin() as connection:
            dashboard_counts.rebuild(connection, job.organisation_id)
        db.refresh_statistics()
    return SeedReport(name, count, dict(rows), time.perf_counter() - started)


@dataclass
class _Job:
    """What every batch needs; a worker process inherits it and opens its own engine."""

    course: Course
    seed: int
    now: datetime
    organisation_id: int
    password_hash: str
    database_url: str
    with_answers: bool = True
    engine: Engine | None = None


_job: _Job | None = None  # the job this process works on


def _start(job: _Job) -> None:
    global _job
    job.engine = db.make_engine(job.database_url, pooled=False)
    _job = job


@contextmanager
def _mapper(job: _Job, workers: int):
    """Yield a `map` over batches run by `workers` forked processes, or here if only one.

    The processes are forked on entering, before the caller opens any connection of its own.
    """
    if workers == 1:
        _start(job)
        yield map
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, initializer=_start, initargs=(job,)) as pool:
        pool.submit(int).result()  # forks every worker now
        yield pool.map


def _seed_postgres(job: _Job, batches: list[tuple[int, int]], workers: int) -> Counter:
    """Draw the batches in `workers` processes and COPY them all in one transaction here.

    The workers draw and build the rows (taking their ids from the tables' sequences) while
    this process writes the batches they drew before: the database's work and the drawing
    overlap. Tables empty at the start lose their secondary indexes for the load and get
    them back, built once from all the rows, before the commit; a failed load rolls
    everything back. Other sessions reading those tables wait for the commit meanwhile.
    The planner's statistics are gathered in the same transaction (ANALYZE counts the
    transaction's own rows), before the dashboard's recount plans its joins over them, and
    they are committed with the rows.
    """
    rows: Counter[str] = Counter()
    engine = db.make_engine(job.database_url, pooled=False)
    with _mapper(job, workers) as run, engine.begin() as connection:
        _set_up_the_load(connection)
        empty = [table for table in TABLES[1:] if _is_empty(connection, table)]
        remake = drop_secondary_indexes(connection, empty)
        for tables in run(_batch_rows, batches):
            for model, columns, data, count in tables:
                copy_binary(connection, model, columns, data)
                rows[model.__tablename__] += count
        for statement in remake:
            connection.exec_driver_sql(statement)
        # Every table, as `db.refresh_statistics` does; the ones not loaded take a moment.
        connection.exec_driver_sql("ANALYZE")
        # The load skipped every trigger, those keeping the dashboard's counts too.
        dashboard_counts.rebuild(connection, job.organisation_id)
        connection.exec_driver_sql("ANALYZE dashboard_count_change")
    return rows


def _set_up_the_load(connection: Connection) -> None:
    """Set the seeding transaction to skip the row triggers (if it may) and the commit's flush.

    And to sort in memory and compress the attempts' long values faster.
    """
    if _may_skip_reference_checks(connection):
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    # Seeded data lost to a crash just after the commit is seeded again; nothing else waits.
    connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
    # Room to build the indexes again in memory (the default 64 MB sorts on disk). A
    # parallel build shares it among its processes: at 100,000 learners each of three
    # sorting a third of the evidence needs about 200 MB.
    connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
    # An attempt's row is over 2 kB, so its question selection is compressed as it is
    # written: lz4 (where the server has it) took 0.44x pglz's CPU for 100,000 attempts'
    # COPY, for 11 % more bytes. The values read back the same.
    if connection.exec_driver_sql(_HAS_LZ4).scalar():
        connection.exec_driver_sql("SET LOCAL default_toast_compression = lz4")


_HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def _is_empty(connection: Connection, table: str) -> bool:
    """Say whether the table has no rows at all."""
    return connection.exec_driver_sql(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").scalar()


def _batch_rows(batch: tuple[int, int]) -> list[tuple]:
    """Draw a batch and return its rows, table by table, as (model, columns, COPY data, count).

    The rows are formatted for COPY here, in the worker: the process that writes them all
    only passes the bytes on (and bytes cross between processes far cheaper than rows).
    """
    with _no_cycle_collection():
        drawn = list(learners(_job.course, _job.seed, *batch, _job.now))
        count = sum(len(learner.attempts) for learner in drawn)
        with _job.engine.connect() as connection:
            user_ids = _new_ids(connection, User, len(drawn))
            attempt_ids = _new_ids(connection, Attempt, count)
            return [
                (model, columns, binary_rows(connection, model, columns, rows), len(rows))
                for model, columns, rows in _batch_tables(drawn, user_ids, attempt_ids)
                if rows
            ]


def _batch_tables(drawn: list[SeededLearner], user_ids: list[int], attempt_ids: list[int]):
    """Return a drawn batch's rows, table by table, as (model, columns, rows)."""
    users = [_user_row(learner, _job.organisation_id, _job.password_hash) for learner in drawn]
    attempts = [
        _attempt_row(attempt, user_id)
        for learner, user_id in zip(drawn, user_ids, strict=True)
        for attempt in learner.attempts
    ]
    tables = [
        (User, ("id", *USER_COLUMNS), _numbered(User, USER_COLUMNS, user_ids, users)),
        (
            Attempt,
            ("id", *ATTEMPT_COLUMNS),
            _numbered(Attempt, ATTEMPT_COLUMNS, attempt_ids, attempts),
        ),
    ]
    dependent = _dependent_rows(
        drawn, user_ids, attempt_ids, _job.organisation_id, _job.with_answers
    )
    return tables + [(model, COLUMNS[model], found) for model, found in dependent.items()]


@contextmanager
def _no_cycle_collection():
    """Switch Python's cycle collector off meanwhile: drawing a batch makes no cycles.

    A batch is millions of small tuples, lists and values that stay alive until it is
    written, and the collector kept walking them all: a sixth of the drawing's CPU. What
    is freed is freed as ever when its last reference goes; the collector runs again after.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _seed_batch(batch: tuple[int, int]) -> Counter:
    """Draw learners `first` to `first + count - 1` and write them in one transaction."""
    with _no_cycle_collection():
        drawn = list(learners(_job.course, _job.seed, *batch, _job.now))
    with _job.engine.begin() as connection:
        return _write(
            connection, drawn, _job.organisation_id, _job.password_hash, _job.with_answers
        )


def seeded_count(seed: int) -> int:
    """Return how many learners this seed has made so far (numbers run from 1)."""
    return _next_number(seed) - 1


def _next_number(seed: int) -> int:
    """Return the running number after the highest learner this seed already made."""
    prefix, suffix = learner_email(seed, 0).rsplit("0@", 1)
    # Longest first, then highest: the first address with a number holds the highest one.
    candidates = (
        select(User.email)
        .where(User.email.like(f"{prefix}%@{suffix}"))
        .order_by(func.length(User.email).desc(), User.email.desc())
    )
    for limit in (100, None):  # the top few nearly always answer; else read them all
        for email in db.session().scalars(candidates.limit(limit)):
            number = whole_number(email[len(prefix) : -len(suffix) - 1])
            if number is not None:
                return number + 1
    return 1


def _write(
    connection: Connection,
    drawn: list[SeededLearner],
    organisation_id: int,
    password_hash: str,
    with_answers: bool = True,
) -> Counter:
    """Insert one batch of learners and everything they did; the caller commits."""
    if connection.dialect.name == "postgresql" and _may_skip_reference_checks(connection):
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    user_ids = _insert_with_ids(
        connection,
        User,
        USER_COLUMNS,
        [_user_row(learner, organisation_id, password_hash) for learner in drawn],
    )
    attempt_ids = _insert_with_ids(
        connection,
        Attempt,
        ATTEMPT_COLUMNS,
        [
            _attempt_row(attempt, user_id)
            for learner, user_id in zip(drawn, user_ids, strict=True)
            for attempt in learner.attempts
        ],
    )
    tables = _dependent_rows(drawn, user_ids, attempt_ids, organisation_id, with_answers)
    written = Counter(user_account=len(user_ids), attempt=len(attempt_ids))
    for model, rows in tables.items():
        _bulk(connection, model, COLUMNS[model], rows)
        written[model.__tablename__] = len(rows)
    return written


def _dependent_rows(
    drawn: list[SeededLearner],
    user_ids: list[int],
    attempt_ids: list[int],
    organisation_id: int,
    with_answers: bool,
) -> dict:
    """Return the rows of the tables that refer to the batch's users and attempts, by model."""
    users = list(zip(drawn, user_ids, strict=True))
    taken = [(attempt, user_id) for learner, user_id in users for attempt in learner.attempts]
    numbered = [
        (attempt, user_id, new_id)
        for (attempt, user_id), new_id in zip(taken, attempt_ids, strict=True)
    ]
    # Attempts are frozen values that may compare equal, so they are told apart by identity.
    attempt_id = {id(attempt): new_id for attempt, _, new_id in numbered}
    rated_at = utcnow()
    response = _responses()
    certified = _certified_modules(_job.course)
    return {
        Answer: [
            (
                number,
                question_id,
                response(answer),
                attempt.submitted_at,
                points,
                0,
                version,
            )
            for attempt, _, number in numbered
            for question_id, version, answer, points in attempt.answers
        ]
        if with_answers
        else [],
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
                version,
                number,
                score,
                attempt.submitted_at,
            )
            for attempt, user_id, number in numbered
            for code, question_id, version, score in attempt.evidence
        ],
        CompetencyLevel: [
            (
                user_id,
                organisation_id,
                level.code,
                level.knowledge.level,
                level.knowledge.score,
                level.knowledge.evidence_count,
                level.last_evidence_at,
                level.practice,
                level.met,
                level.met_until,
                level.due_from,
                level.expired,
                rated_at,
            )
            for learner, user_id in users
            for level in learner.levels
        ],
        Certificate: [
            (
                code,
                user_id,
                passed.module_slug,
                attempt_id[id(passed)],
                passed.submitted_at,
                learner.full_name,
                learner.profession,
                learner.registration_number,
                *certified[passed.module_slug],
            )
            for learner, user_id in users
            for passed, code in (
                (learner.attempts[index], code) for index, code in learner.certificates
            )
        ],
    }


def _certified_modules(course: Course) -> dict[str, tuple]:
    """Return what a certificate of each module records, its lists as JSON text."""
    return {
        slug: (title, minutes, json.dumps(outcomes), json.dumps(competencies))
        for slug, (title, minutes, outcomes, competencies) in course.certified.items()
    }


# The columns of the rows _write builds as tuples, in the tuples' order.
COLUMNS = {
    Answer: (
        "attempt_id",
        "question_id",
        "response",
        "saved_at",
        "points",
        "revision",
        "question_version",
    ),
    Completion: ("user_id", "module_slug", "item_key", "completed_at"),
    Evidence: (
        "user_id",
        "organisation_id",
        "competency_code",
        "quiz_id",
        "question_id",
        "question_version",
        "attempt_id",
        "score",
        "recorded_at",
    ),
    CompetencyLevel: ("user_id", "organisation_id", "competency_code", *RATING_COLUMNS, "rated_at"),
    # reflective_account takes the database's default, an empty account.
    Certificate: (
        "code",
        "user_id",
        "module_slug",
        "attempt_id",
        "issued_at",
        "holder_name",
        "holder_profession",
        "holder_registration_number",
        "module_title",
        "cpd_minutes",
        "learning_outcomes",
        "competencies",
    ),
}


USER_COLUMNS = (
    "email",
    "full_name",
    "password_hash",
    "profession",
    "registration_number",
    "role",
    "organisation_id",
    "professional_confirmed_at",
    "professional_confirmed_as",
    "session_token",
    "created_at",
    "last_signed_in_at",
)
ATTEMPT_COLUMNS = (
    "user_id",
    "quiz_id",
    "module_slug",
    "number",
    "status",
    "selection",
    "quiz_settings",
    "revision",
    "started_at",
    "submitted_at",
    "points",
    "points_possible",
    "percent",
    "passed",
)


def _user_row(learner: SeededLearner, organisation_id: int, password_hash: str) -> tuple:
    return (
        learner.email,
        learner.full_name,
        password_hash,
        learner.profession,
        learner.registration_number,
        "learner",
        organisation_id,
        learner.created_at,
        learner.profession,
        secrets.token_hex(16),
        learner.created_at,
        learner.last_signed_in_at,
    )


def _attempt_row(attempt: SeededAttempt, user_id: int) -> tuple:
    return (
        user_id,
        attempt.quiz_id,
        attempt.module_slug,
        attempt.number,
        "graded",
        attempt.selection,
        attempt.settings,
        0,
        attempt.started_at,
        attempt.submitted_at,
        attempt.points,
        attempt.points_possible,
        attempt.percent,
        attempt.passed,
    )


def _responses():
    """Return a function giving an answer's stored JSON, encoding each different answer once."""
    encoded: dict = {}

    def response(answer) -> str:
        try:
            key = answer_key(answer)
            return encoded[key]
        except KeyError:
            text = encoded[key] = json.dumps({"value": answer})
            return text
        except TypeError:  # an answer that cannot be a key: encoded afresh
            return json.dumps({"value": answer})

    return response


def _bulk(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (JSON as text): binary COPY on PostgreSQL, executemany elsewhere."""
    if connection.dialect.name == "postgresql":
        copy_rows(connection, model, columns, rows)
    else:
        bulk_insert(connection, model, columns, rows)


def _insert_with_ids(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert the rows and return their new ids in the rows' order."""
    if not rows:
        return []
    if connection.dialect.name != "postgresql":
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        named = [dict(zip(columns, row, strict=True)) for row in rows]
        return list(connection.execute(statement, named).scalars())
    ids = _new_ids(connection, model, len(rows))
    copy_rows(connection, model, ("id", *columns), _numbered(model, columns, ids, rows))
    return ids


def _new_ids(connection, model, count: int) -> list[int]:
    """Return `count` ids from the table's own sequence (later inserts by the app follow them)."""
    if not count:
        return []
    return list(
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": model.__tablename__, "n": count},
        ).scalars()
    )


def _numbered(model, columns: tuple[str, ...], ids: list[int], rows: list[tuple]) -> list:
    """Return the rows with their ids first and JSON values as their text (None stays NULL)."""
    encoded = [
        n for n, name in enumerate(columns, 1) if isinstance(model.__table__.c[name].type, JSON)
    ]
    # The same value (an attempt's quiz settings, say) is encoded once: the rows keep it alive,
    # so its id stays its own for the whole call.
    texts: dict[int, str] = {}
    copied = []
    for new_id, row in zip(ids, rows, strict=True):
        values = [new_id, *row]
        for n in encoded:
            value = values[n]
            if isinstance(value, list | dict):
                if id(value) not in texts:
                    texts[id(value)] = json.dumps(value)
                values[n] = texts[id(value)]
        copied.append(values)
    return copied


def _may_skip_reference_checks(connection) -> bool:
    """Say whether the account may switch off foreign-key triggers for its transaction."""
    return connection.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() == "on"
