"""Engines tuned for the database behind a URL, and the connection events they hook.

Every engine Linkwise makes comes from make_engine: SQLite gets WAL and a busy timeout;
PostgreSQL its timeouts, a ping for a pooled connection left idle, a client-side deadline
for each statement (the watchdog) and, on the app's engines, a BEGIN only before a
statement that needs a transaction. The last two helpers check a driver connection out
and run a statement between those events, for the reads that go around SQLAlchemy's
execution (driver_reads, health).
"""

import re
import select
import time
from functools import lru_cache

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from app.db.watchdog import guard_statements
from app.services.sqlfunctions import SQLITE_LOWER_CASE, python_lower_case

# A statement's client-side deadline runs this long past the server's statement_timeout,
# so a slow query ends with the server's own error and only a silent server is cut off.
WATCHDOG_GRACE = 2.0
# A pooled PostgreSQL connection is pinged before use only when it has sat idle for
# LINKWISE_DB_PING_AFTER_IDLE seconds: a busy pool never pays a round trip for it, and one
# left idle long enough for the server or a firewall to drop it is checked, and replaced
# when dead, before a request gets it. Connections are also replaced after RECYCLE seconds.
PING_AFTER_IDLE = 5.0
RECYCLE = 1800
# PostgreSQL's SQLSTATE for a write refused because the session only reads.
READ_ONLY_SQLSTATE = "25006"


def make_engine(
    url: str,
    *,
    pooled: bool = True,
    connect_timeout: float = 0,
    statement_timeout: float = 0,
    pool_timeout: float = 30,
    pool_size: int = 5,
    max_overflow: int | None = None,
    ping_after_idle: float = PING_AFTER_IDLE,
    lazy_begin: bool = False,
) -> Engine:
    """Create an engine tuned for the database behind the URL.

    An engine that is not pooled opens a connection for each use and closes it after, as
    a short-lived worker process should. Timeouts are in seconds, 0 for none; they apply to
    PostgreSQL (SQLite is a local file with its own busy timeout), as does `lazy_begin`
    (see _begin_before_writes). A pooled engine opens up to `max_overflow` connections
    (twice `pool_size` unless given) beyond its pool when busy, and closes each once used.
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
    # No JIT compiling: it pays for queries that run for many seconds, and Linkwise's run
    # for a fraction of one, where compiling cost more than it saved (the item analysis
    # at 10,000 attempts: 390 ms with it, 210 without). Set as the connection starts, so
    # it costs no statement.
    options = ["-c jit=off"]
    if statement_timeout:
        options.append(f"-c statement_timeout={round(statement_timeout * 1000)}")
    connect_args["options"] = " ".join(options)
    if not pooled:
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    else:
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=2 * pool_size if max_overflow is None else max_overflow,
            pool_timeout=pool_timeout,
            pool_recycle=RECYCLE,
            # Last in, first out: under light load the same few connections serve, and
            # the rest sit idle until the server drops them or they are pinged.
            pool_use_lifo=True,
            connect_args=connect_args,
            **({"isolation_level": "AUTOCOMMIT"} if lazy_begin else {}),
        )
        _ping_when_idle(engine, ping_after_idle)
        _replace_read_only_sessions(engine)
    event.listen(engine, "handle_error", _drop_stale_plans)
    if statement_timeout:
        guard_statements(engine, statement_timeout + WATCHDOG_GRACE, connect_timeout or 5)
    if lazy_begin:
        _begin_before_writes(engine)
    return engine


def _drop_stale_plans(context) -> None:
    """Treat a prepared statement a migration has outdated as a dead connection.

    psycopg prepares a statement on a connection once it has run five times. After a
    migration changes the type of a column such a statement returns, every later run on
    that connection fails ("cached plan must not change result type") and would keep
    failing until the pool recycled it. Counted as a disconnect, the connection (with the
    rest of the pool, prepared the same way) is replaced, so only the request that met the
    change fails.
    """
    error = context.original_exception
    if getattr(error, "sqlstate", None) == "0A000" and "cached plan" in str(error):
        context.is_disconnect = True


def _replace_read_only_sessions(engine: Engine) -> None:
    """Use a connection that started while the database only read for one request only.

    A session keeps the default_transaction_read_only it started with, so a connection made
    while the database was read-only (ALTER DATABASE ... SET default_transaction_read_only)
    would go on refusing writes after the setting is lifted. PostgreSQL (14 and later)
    reports the setting as the session starts, so telling costs no round trip: while the
    database only reads, each request has a new connection (that request's reads work as
    before), and the first write after it accepts writes again is accepted. A connection
    whose write is refused as read-only is dropped as well, for servers that do not report it.
    """

    @event.listens_for(engine, "connect")
    def _note_setting(dbapi_connection, record):
        reported = dbapi_connection.pgconn.parameter_status(b"default_transaction_read_only")
        record.info["read_only_session"] = reported == b"on"
        record.info.pop("used_read_only", None)

    @event.listens_for(engine, "checkout")
    def _replace(_dbapi_connection, record, _proxy):
        if not record.info.get("read_only_session"):
            return
        if record.info.get("used_read_only"):
            raise exc.DisconnectionError("a read-only session is not used again")
        record.info["used_read_only"] = True

    @event.listens_for(engine, "handle_error")
    def _drop_read_only(context):
        if getattr(context.original_exception, "sqlstate", None) == READ_ONLY_SQLSTATE:
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False  # this connection, not the pool


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Ping a pooled connection on checkout when it has been idle for `seconds` or more,
    or when the server has said something since it was last used.

    A server that ends a connection (a restart, pg_terminate_backend, idle_session_timeout)
    says why before it closes it, and an idle connection is otherwise silent: so a returned
    connection with something to read is pinged whatever its idle time. Asking the socket
    costs a system call, not a round trip. Only a connection cut without a word (a network
    fault) within `seconds` of its last use reaches a request, which then fails (a 503).
    """

    @event.listens_for(engine, "checkin")
    def _note_return(_dbapi_connection, record):
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        returned_at = record.info.pop("returned_at", None)
        if returned_at is None:
            return  # fresh from connect
        if time.monotonic() - returned_at < seconds and not _server_spoke(dbapi_connection):
            return  # in use moments ago, and nothing heard since
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception:
            # The pool drops this connection and checks out another (a new one when
            # the rest are dead too); if the server is down, connecting fails: a 503.
            raise exc.DisconnectionError("an idle pooled connection was dead") from None


def _server_spoke(dbapi_connection) -> bool:
    """Say whether the connection's socket has something to read (or is closed), at once."""
    try:
        poller = select.poll()
        poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # no socket left to ask: let the ping find out
        return True


# A plain SELECT (not FOR UPDATE/SHARE, no transaction-scoped lock) needs no transaction.
_NEEDS_NO_TRANSACTION = re.compile(
    r"\s*SELECT\b(?!.*\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY\s+SHARE)\b)(?!.*_xact_)", re.I | re.S
)


@lru_cache(maxsize=2048)
def _needs_transaction(statement: str) -> bool:
    return _NEEDS_NO_TRANSACTION.match(statement) is None


def _begin_before_writes(engine: Engine) -> None:
    """Open a transaction on a PostgreSQL connection only when a statement needs one.

    The connections run in autocommit: a request that only reads sends its SELECTs and
    nothing else (no BEGIN before, no ROLLBACK after: two round trips saved). The first
    write, lock or other statement that is not a plain SELECT is preceded by BEGIN, so
    writes stay in one transaction that the session commits or rolls back as usual (the
    driver sends COMMIT and ROLLBACK only when a transaction is open). Reads before that
    BEGIN each see the latest committed data, as they would under READ COMMITTED anyway.
    """

    from psycopg import ServerCursor
    from psycopg.pq import ExecStatus, TransactionStatus

    idle, done = TransactionStatus.IDLE, ExecStatus.COMMAND_OK

    @event.listens_for(engine, "before_cursor_execute")
    def _begin(_conn, cursor, statement, _parameters, _context, _executemany):
        connection = cursor.connection
        pgconn = connection.pgconn
        if pgconn.transaction_status == idle and (
            # A streamed result (yield_per) reads through a server-side cursor, which
            # lives inside a transaction.
            _needs_transaction(statement) or isinstance(cursor, ServerCursor)
        ):
            # Sent by libpq itself (psycopg's public pq API; blocking, without the GIL, as
            # the watchdog needs): psycopg's own execute, a new cursor and all, cost twice
            # the client's CPU. psycopg keeps no transaction state of its own in
            # autocommit: it asks pgconn, as this does. On any failure psycopg sends it
            # again and raises as it would have.
            try:
                begun = pgconn.exec_(b"BEGIN").status == done
            except Exception:
                begun = False
            if not begun:
                connection.execute("BEGIN")


def _tune_sqlite(dbapi_connection, _record):
    # WAL lets readers run beside the one writer; the busy timeout makes a second writer
    # wait its turn instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's lower() changes A to Z only; searches in any case use this one, as
    # PostgreSQL's lower() changes every letter (services/sqlfunctions.lower_case).
    dbapi_connection.create_function(SQLITE_LOWER_CASE, 1, python_lower_case, deterministic=True)


def _checked_out(engine: Engine):
    """Return a pooled driver connection of the engine, without SQLAlchemy's Connection.

    A driver error is wrapped as Connection() would wrap it (private, as in fetch_one), so
    an outage is a 503 like any other.
    """
    try:
        return engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as error:
        Connection._handle_dbapi_exception_noconnection(error, engine.dialect, engine)


def _execute_with_events(engine: Engine, connection, cursor, sql: str, values):
    """Run a statement on a driver cursor between the engine's cursor events.

    The events are the ones SQLAlchemy's own execution fires (the statement watchdog, the
    BEGIN before a write); a read without reader()'s Connection passes None for it (the
    app's listeners and the tests' counters never look). Return the statement and values
    as the listeners left them, for SQLAlchemy's error handling should the caller need it.
    """
    dispatch = engine.dispatch
    for listener in dispatch.before_cursor_execute:
        sql, values = listener(connection, cursor, sql, values, None, False)
    cursor.execute(sql, values)
    dispatch.after_cursor_execute(connection, cursor, sql, values, None, False)
    return sql, values
