"""PostgreSQL for the service tests: the server TEST_DATABASE_URL names, or one of our own.

Never the machine's shared server's lifecycle: a test that needs an outage puts a proxy
it controls in front of whichever server it has (tests/service/proxy.py); one that needs
a read-only database makes its own throwaway database so (set_read_only).
"""

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from app.cli import upgrade_database
from app.config import normalise_database_url
from tests.mailbox import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def missing_service(reason: str):
    """Skip on a developer's machine that lacks a service; fail in CI, where it must be real."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the service tests against real servers")
    pytest.skip(reason)


@contextmanager
def postgres_server():
    """Yield the URL of a PostgreSQL server to create databases on."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
        return
    with _own_server() as url:
        yield url


@contextmanager
def _own_server():
    """Start a throwaway PostgreSQL in a temporary folder, on a free port."""
    initdb = shutil.which("initdb") or str(PG_BIN / "initdb")
    if not Path(initdb).exists():
        raise RuntimeError("PostgreSQL's initdb is not installed: apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="linkwise-pg-"))
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(data), "-o", options, "-w", "start", "-l", str(folder / "log")],
        check=True,
        capture_output=True,
    )
    try:
        yield URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", port=port)
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def throwaway_database(server: URL):
    """Create a migrated database on the server; drop it afterwards."""
    name = f"linkwise_svc_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name)
    try:
        upgrade_database(url.render_as_string(hide_password=False))
        yield url
    finally:
        for _ in range(3):
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except Exception:
                time.sleep(1)
        admin.dispose()


def set_read_only(app, read_only: bool, *, new_connections: bool = True) -> None:
    """Make the app's database accept reads only (as a demoted primary does), or undo it.

    A session keeps the setting it started with: `new_connections` drops the app's pooled
    ones, so the change is seen at once; without it the pool keeps what it has.
    """
    url = make_url(app.config["DATABASE_URL"])
    setting = "SET default_transaction_read_only = on" if read_only else "RESET ALL"
    # From another database: once read-only, this one would refuse the change back.
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{url.database}" {setting}'))
    admin.dispose()
    if new_connections:
        app.extensions["linkwise.engine"].dispose()


def proxied_app(url: URL, proxy, smtp_url: str):
    """Build an app that reaches its database through the proxy, so a test can cut it.

    Its limits are 2 seconds each: a hung database then answers in 2 to 4 seconds (a held
    pool connection's watchdog, then a connect timeout), as "a few seconds" promises.
    """
    from app import create_app

    return create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False
            ),
            "SMTP_URL": smtp_url,
            "DB_CONNECT_TIMEOUT": 2,
            "DB_STATEMENT_TIMEOUT": 2,
            "DB_POOL_TIMEOUT": 2,
        }
    )
