"""One batch of seeded learners: drawn in a worker process, then written (or formatted for COPY).

A worker process inherits the job (`Job`) and opens its own engine. On SQLite each batch
is written in its own transaction, users and attempts inserted with RETURNING to learn
their ids; on PostgreSQL a worker takes the ids from the tables' sequences and formats
every row for COPY, which the first process writes (seeding.py).
"""

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, text

from app import db
from app.domain.seeding import Course, SeededLearner, learners
from app.models import Attempt, User
from app.services.bulk import bulk_insert
from app.services.seed_copy import binary_rows, copy_rows
from app.services.seed_rows import (
    ATTEMPT_COLUMNS,
    COLUMNS,
    USER_COLUMNS,
    attempt_row,
    dependent_rows,
    numbered_rows,
    user_row,
)
from app.services.worker_pools import forked_pool


@dataclass
class Job:
    """What every batch needs; a worker process inherits it and opens its own engine."""

    course: Course
    seed: int
    now: datetime
    organisation_id: int
    password_hash: str
    database_url: str
    with_answers: bool = True
    engine: Engine | None = None


_job: Job | None = None  # the job this process works on


def _start(job: Job) -> None:
    global _job
    job.engine = db.make_engine(job.database_url, pooled=False)
    _job = job


@contextmanager
def mapper(job: Job, workers: int):
    """Yield a `map` over batches run by `workers` forked processes, or here if only one.

    The processes are forked on entering, before the caller opens any connection of its own.
    """
    if workers == 1:
        _start(job)
        yield map
        return
    with forked_pool(workers, _start, (job,)) as pool:
        pool.submit(int).result()  # forks every worker now
        yield pool.map


def batch_rows(batch: tuple[int, int]) -> list[tuple]:
    """Draw a batch and return its rows, table by table, as (model, columns, COPY data, count).

    The rows are formatted for COPY here, in the worker: the process that writes them all
    only passes the bytes on (and bytes cross between processes far cheaper than rows).
    """
    with no_cycle_collection():
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
    users = [user_row(learner, _job.organisation_id, _job.password_hash) for learner in drawn]
    attempts = [
        attempt_row(attempt, user_id)
        for learner, user_id in zip(drawn, user_ids, strict=True)
        for attempt in learner.attempts
    ]
    tables = [
        (User, ("id", *USER_COLUMNS), numbered_rows(User, USER_COLUMNS, user_ids, users)),
        (
            Attempt,
            ("id", *ATTEMPT_COLUMNS),
            numbered_rows(Attempt, ATTEMPT_COLUMNS, attempt_ids, attempts),
        ),
    ]
    dependent = dependent_rows(
        drawn, user_ids, attempt_ids, _job.organisation_id, _job.with_answers, _job.course
    )
    return tables + [(model, COLUMNS[model], found) for model, found in dependent.items()]


@contextmanager
def no_cycle_collection():
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


def seed_batch(batch: tuple[int, int]) -> Counter:
    """Draw learners `first` to `first + count - 1` and write them in one transaction."""
    with no_cycle_collection():
        drawn = list(learners(_job.course, _job.seed, *batch, _job.now))
    with _job.engine.begin() as connection:
        return _write(
            connection, drawn, _job.organisation_id, _job.password_hash, _job.with_answers
        )


def _write(
    connection: Connection,
    drawn: list[SeededLearner],
    organisation_id: int,
    password_hash: str,
    with_answers: bool = True,
) -> Counter:
    """Insert one batch of learners and everything they did; the caller commits."""
    if connection.dialect.name == "postgresql" and may_skip_reference_checks(connection):
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    user_ids = insert_with_ids(
        connection,
        User,
        USER_COLUMNS,
        [user_row(learner, organisation_id, password_hash) for learner in drawn],
    )
    attempt_ids = insert_with_ids(
        connection,
        Attempt,
        ATTEMPT_COLUMNS,
        [
            attempt_row(attempt, user_id)
            for learner, user_id in zip(drawn, user_ids, strict=True)
            for attempt in learner.attempts
        ],
    )
    tables = dependent_rows(
        drawn, user_ids, attempt_ids, organisation_id, with_answers, _job.course
    )
    written = Counter(user_account=len(user_ids), attempt=len(attempt_ids))
    for model, rows in tables.items():
        write_rows(connection, model, COLUMNS[model], rows)
        written[model.__tablename__] = len(rows)
    return written


def write_rows(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (JSON as text): binary COPY on PostgreSQL, executemany elsewhere."""
    if connection.dialect.name == "postgresql":
        copy_rows(connection, model, columns, rows)
    else:
        bulk_insert(connection, model, columns, rows)


def insert_with_ids(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert the rows and return their new ids in the rows' order."""
    if not rows:
        return []
    if connection.dialect.name != "postgresql":
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        named = [dict(zip(columns, row, strict=True)) for row in rows]
        return list(connection.execute(statement, named).scalars())
    ids = _new_ids(connection, model, len(rows))
    copy_rows(connection, model, ("id", *columns), numbered_rows(model, columns, ids, rows))
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


def may_skip_reference_checks(connection) -> bool:
    """Say whether the account may switch off foreign-key triggers for its transaction."""
    return connection.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() == "on"
