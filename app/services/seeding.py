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

import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from app import db
from app.content import catalogue
from app.domain.numbers import whole_number
from app.domain.seeding import Course, learner_email
from app.models import Organisation, User, utcnow
from app.services import (
    account_admin,
    accounts,
    dashboard_counts,
    quiz_versions,
    rating_recompute,
)
from app.services.seed_batches import Job, batch_rows, mapper, may_skip_reference_checks, seed_batch
from app.services.seed_copy import copy_binary, drop_secondary_indexes

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
    ) or account_admin.create_organisation(organisation_name)
    first = _next_number(seed)
    job = Job(
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
        with mapper(job, workers) as run:
            for written in run(seed_batch, batches):
                rows.update(written)
        # The batches may skip every trigger (above), those keeping the dashboard's counts.
        with db.engine().begin() as connection:
            dashboard_counts.rebuild(connection, job.organisation_id)
        db.refresh_statistics()
    return SeedReport(name, count, dict(rows), time.perf_counter() - started)


def _seed_postgres(job: Job, batches: list[tuple[int, int]], workers: int) -> Counter:
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
    with mapper(job, workers) as run, engine.begin() as connection:
        _set_up_the_load(connection)
        empty = [table for table in TABLES[1:] if _is_empty(connection, table)]
        remake = drop_secondary_indexes(connection, empty)
        for tables in run(batch_rows, batches):
            for model, columns, data, count in tables:
                copy_binary(connection, model, columns, data)
                rows[model.__tablename__] += count
        for statement in remake:
            connection.exec_driver_sql(statement)
        # Every table, as `db.refresh_statistics` does; the ones not loaded take a moment.
        connection.exec_driver_sql("ANALYZE")
        # The load skipped every trigger, those keeping the dashboard's counts and the
        # ratings' histories too.
        dashboard_counts.rebuild(connection, job.organisation_id)
        rating_recompute.begin_histories(connection, job.organisation_id)
        connection.exec_driver_sql("ANALYZE dashboard_count_change")
    return rows


def _set_up_the_load(connection: Connection) -> None:
    """Set the seeding transaction to skip the row triggers (if it may) and the commit's flush.

    And to sort in memory and compress the attempts' long values faster.
    """
    if may_skip_reference_checks(connection):
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
