"""The database engine and one SQLAlchemy session per request or CLI command."""

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool


def make_engine(url: str, *, pooled: bool = True) -> Engine:
    """Create an engine tuned for the database behind the URL.

    An engine that is not pooled opens a connection for each use and closes it after, as
    a short-lived worker process should.
    """
    if url.startswith("sqlite"):
        options = {} if pooled else {"poolclass": NullPool}
        engine = create_engine(url, connect_args={"timeout": 15}, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if not pooled:
        return create_engine(url, poolclass=NullPool)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _tune_sqlite(dbapi_connection, _record):
    # WAL lets readers run beside the one writer; the busy timeout makes a second writer
    # wait its turn instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Give the app its engine and close each request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["linkwise.engine"] = engine
    app.extensions["linkwise.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["linkwise.engine"]


def session() -> Session:
    """Return this request's (or command's) session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["linkwise.sessionmaker"]()
    return g.db_session


def _close_session(_exc):
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def ping() -> None:
    """Run the cheapest query; raises when the database cannot answer."""
    with engine().connect() as connection:
        connection.execute(text("SELECT 1"))
