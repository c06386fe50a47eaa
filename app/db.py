"""The database engine and one SQLAlchemy session per request or CLI command."""

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.db_watchdog import watchdog

# A statement's client-side deadline runs this long past the server's statement_timeout,
# so a slow query ends with the server's own error and only a silent server is cut off.
WATCHDOG_GRACE = 2.0


def make_engine(
    url: str,
    *,
    pooled: bool = True,
    connect_timeout: float = 0,
    statement_timeout: float = 0,
    pool_timeout: float = 30,
) -> Engine:
    """Create an engine tuned for the database behind the URL.

    An engine that is not pooled opens a connection for each use and closes it after, as
    a short-lived worker process should. Timeouts are in seconds, 0 for none; they apply to
    PostgreSQL (SQLite is a local file with its own busy timeout).
    """
    if url.startswith("sqlite"):
        options = {} if pooled else {"poolclass": NullPool}
        engine = create_engine(url, connect_args={"timeout": 15}, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    connect_args = {}
    if connect_timeout:
        # libpq counts whole seconds and refuses less than 2.
        connect_args["connect_timeout"] = max(2, round(connect_timeout))
    if statement_timeout:
        connect_args["options"] = f"-c statement_timeout={round(statement_timeout * 1000)}"
    if not pooled:
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    else:
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=10,
            pool_timeout=pool_timeout,
            connect_args=connect_args,
        )
    if statement_timeout:
        _guard_statements(engine, statement_timeout + WATCHDOG_GRACE, connect_timeout or 5)
    return engine


def _guard_statements(engine: Engine, seconds: float, ping_seconds: float) -> None:
    """Give every statement, and the ping before each checkout, a client-side deadline."""

    @event.listens_for(engine, "before_cursor_execute")
    def _arm(_conn, cursor, _statement, _parameters, _context, _executemany):
        watchdog.arm(cursor.connection, seconds)

    @event.listens_for(engine, "after_cursor_execute")
    def _disarm(_conn, cursor, _statement, _parameters, _context, _executemany):
        watchdog.disarm(cursor.connection)

    @event.listens_for(engine, "handle_error")
    def _disarm_on_error(context):
        cursor = getattr(context, "cursor", None)  # absent when no statement ran
        if cursor is not None:
            watchdog.disarm(cursor.connection)

    # The pool's pre-ping runs outside the cursor events; do_ping is the dialect's public
    # hook for it, so the ping gets a deadline too (a pooled connection to a frozen server
    # would otherwise hang right there).
    ping = engine.dialect.do_ping

    def guarded_ping(dbapi_connection):
        with watchdog.guarding(dbapi_connection, ping_seconds):
            return ping(dbapi_connection)

    engine.dialect.do_ping = guarded_ping


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
    """Give the app its engines and close each request's session at teardown."""
    config = app.config
    timeouts = {
        "connect_timeout": config["DB_CONNECT_TIMEOUT"],
        "statement_timeout": config["DB_STATEMENT_TIMEOUT"],
    }
    engine = make_engine(config["DATABASE_URL"], pool_timeout=config["DB_POOL_TIMEOUT"], **timeouts)
    app.extensions["linkwise.engine"] = engine
    app.extensions["linkwise.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    # The health check opens its own connection with short limits, so it answers promptly
    # when the pool's connections are stuck or the pool is exhausted.
    quick = config["DB_CONNECT_TIMEOUT"] or 3
    app.extensions["linkwise.health_engine"] = make_engine(
        config["DATABASE_URL"], pooled=False, connect_timeout=quick, statement_timeout=quick
    )
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
        try:
            db_session.close()
        except Exception:  # the connection died with the database; nothing left to close
            current_app.logger.debug("session close failed", exc_info=True)


def ping() -> None:
    """Run the cheapest query on a fresh connection; raises when the database cannot answer."""
    with current_app.extensions["linkwise.health_engine"].connect() as connection:
        connection.execute(text("SELECT 1"))
