"""The database engine and one SQLAlchemy session per request or CLI command.

By topic: `engines` makes an engine and hooks its connection events (the statement
`watchdog`, pings, the BEGIN before a write); `sessions` holds the request's session or
CoreTransaction; `driver_reads` the fast reads through the driver; `health` the health
check's ping; `read_only` the bookkeeping left unwritten while the database only reads.
What the rest of the app uses is offered here: `db.session()`, `db.fetch_one(...)`,
`db.init_app(app)`.
"""

from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from app.db.driver_reads import fetch_one, read_earlier, reader, remember_read
from app.db.engines import PING_AFTER_IDLE, RECYCLE, WATCHDOG_GRACE, make_engine
from app.db.health import ping
from app.db.read_only import commit_or_log, not_written, refused_as_read_only
from app.db.sessions import CoreTransaction, _close_session, session, transaction

__all__ = [
    "PING_AFTER_IDLE",
    "RECYCLE",
    "WATCHDOG_GRACE",
    "CoreTransaction",
    "commit_or_log",
    "dialect_name",
    "engine",
    "fetch_one",
    "init_app",
    "make_engine",
    "not_written",
    "ping",
    "read_earlier",
    "reader",
    "refused_as_read_only",
    "refresh_statistics",
    "remember_read",
    "session",
    "transaction",
]


def init_app(app: Flask) -> None:
    """Give the app its engines and close each request's session at teardown."""
    config = app.config
    timeouts = {
        "connect_timeout": config["DB_CONNECT_TIMEOUT"],
        "statement_timeout": config["DB_STATEMENT_TIMEOUT"],
    }
    engine = make_engine(
        config["DATABASE_URL"],
        pool_timeout=config["DB_POOL_TIMEOUT"],
        ping_after_idle=config["DB_PING_AFTER_IDLE"],
        lazy_begin=True,
        **timeouts,
    )
    app.extensions["linkwise.engine"] = engine
    app.extensions["linkwise.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    # The health check has its own small pool with short limits, so it answers promptly
    # when the app's connections are stuck or its pool is exhausted. It is never pinged:
    # the check itself is the ping, retried once on a fresh connection (see ping()).
    # Checks that arrive together take turns on its one connection: with room to overflow,
    # each second one opened a connection (a new PostgreSQL backend) and closed it again,
    # which cost far more than the SELECT 1 (under load, one check in 20 did).
    quick = config["DB_CONNECT_TIMEOUT"] or 3
    app.extensions["linkwise.health_engine"] = make_engine(
        config["DATABASE_URL"],
        pool_size=1,
        max_overflow=0,
        pool_timeout=quick,
        ping_after_idle=float("inf"),
        lazy_begin=True,
        connect_timeout=quick,
        statement_timeout=quick,
    )
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["linkwise.engine"]


def dialect_name() -> str:
    """Return the name of the current app's database dialect ("postgresql", "sqlite").

    Asked of the engine, not of reader(): that would wrap the request's connection in a
    SQLAlchemy Connection which fetch_one, every page's read of the user, goes without.
    """
    return current_app.extensions["linkwise.engine"].dialect.name


def refresh_statistics() -> None:
    """Have PostgreSQL gather its planner's statistics now, after a bulk load.

    Autovacuum would, but only later: seen here, straight after `seed-demo` the learners and
    attempts tables had no column statistics and the planner took 10,000 learners for one
    row, so the compliance matrix's joins ran as nested loops into the statement timeout.
    """
    if engine().dialect.name == "postgresql":
        with engine().begin() as connection:
            connection.execute(text("ANALYZE"))
