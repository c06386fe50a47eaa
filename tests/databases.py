"""Throwaway databases at a given migration, on either backend: the suite's, and the
migration tests' older ones."""

import os
import tempfile
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from app.cli import upgrade_database
from app.config import normalise_database_url


@contextmanager
def database_at(
    backend: str,
    tmp_path,
    revision: str | None,
    prefix: str = "linkwise_old",
    *,
    in_memory: bool = False,
):
    """Yield the URL of an empty database migrated as far as `revision` (None: not at all).

    A SQLite file goes in tmp_path, where a test may move or change it; with `in_memory`
    it goes in memory-backed storage (/dev/shm) where the machine has it, and is removed at
    the end: on disk, opening, committing and closing waited on the disk for ~10 ms a test
    under load (files in memory behave the same to SQLite, and the run's own database need
    not outlive a power cut). A PostgreSQL database made so commits without waiting for its
    log to reach the disk (synchronous_commit off, for this database alone): what other
    sessions see, and when, is unchanged; only a crash of the server could lose the last
    commits, of a database dropped at the end of the run anyway.
    """
    if backend == "sqlite":
        with _folder_for_sqlite(tmp_path, in_memory) as folder:
            url = f"sqlite:///{Path(folder) / f'{prefix}.db'}"
            if revision:
                upgrade_database(url, revision)
            yield url
        return
    server = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        if in_memory:
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        if revision:
            upgrade_database(url, revision)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _folder_for_sqlite(tmp_path, in_memory: bool):
    """Return a context giving a folder in memory, removed after, or else tmp_path."""
    memory = "/dev/shm"
    if in_memory and os.path.isdir(memory) and os.access(memory, os.W_OK):
        return tempfile.TemporaryDirectory(prefix="linkwise-", dir=memory)
    return nullcontext(tmp_path)


def reflected(url: str):
    """Return an engine on the database and its tables as they stand (a migration test reads
    and writes an older schema so, without the app's models)."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    return engine, tables.tables
