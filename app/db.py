"""The database engine and one SQLAlchemy session per request or CLI command."""

import re
import time
from collections import namedtuple
from functools import lru_cache

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import Select

from app.db_watchdog import watchdog

# A statement's client-side deadline runs this long past the server's statement_timeout,
# so a slow query ends with the server's own error and only a silent server is cut off.
WATCHDOG_GRACE = 2.0
# A pooled PostgreSQL connection is pinged before use only when it has sat idle for
# LINKWISE_DB_PING_AFTER_IDLE seconds: a busy pool never pays a round trip for it, and one
# left idle long enough for the server or a firewall to drop it is checked, and replaced
# when dead, before a request gets it. Connections are also replaced after RECYCLE seconds.
PING_AFTER_IDLE = 5.0
RECYCLE = 1800


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
    event.listen(engine, "handle_error", _drop_stale_plans)
    if statement_timeout:
        _guard_statements(engine, statement_timeout + WATCHDOG_GRACE, connect_timeout or 5)
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


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """Ping a pooled connection on checkout when it has been idle for `seconds` or more."""

    @event.listens_for(engine, "checkin")
    def _note_return(_dbapi_connection, record):
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        returned_at = record.info.pop("returned_at", None)
        if returned_at is None or time.monotonic() - returned_at < seconds:
            return  # fresh from connect, or in use moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception:
            # The pool drops this connection and checks out another (a new one when
            # the rest are dead too); if the server is down, connecting fails: a 503.
            raise exc.DisconnectionError("an idle pooled connection was dead") from None


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


def session() -> Session:
    """Return this request's (or command's) session, opening it on first use."""
    store = g._get_current_object()  # one look-up, not one per use
    opened = store.get("db_session")
    if opened is None:
        # Reads done before on a connection of their own are over: hand it back, so the
        # session (which may write) starts on one connection, as it always has.
        _close_reader(store)
        store.pop("db_read_earlier", None)
        opened = store.db_session = current_app.extensions["linkwise.sessionmaker"]()
    return opened


def transaction() -> "Session | CoreTransaction":
    """Return this request's session, opened as a CoreTransaction if none is open yet.

    For a request whose statements go through Core and the driver (a final quiz submit on
    PostgreSQL): it offers what such a request asks of its session, without the ORM
    session's set-up, and opens one only when ORM work needs it.
    """
    store = g._get_current_object()
    opened = store.get("db_session")
    if opened is None:
        _close_reader(store)  # as session() does
        store.pop("db_read_earlier", None)
        opened = store.db_session = CoreTransaction(current_app.extensions["linkwise.engine"])
    return opened


class CoreTransaction:
    """A request's one transaction on one pooled connection, with a Session only when needed.

    It answers what a request that runs Core and driver statements asks of its session:
    `info`, `get_bind()`, `get_transaction()` (an object standing for the transaction under
    way), `connection()`, `commit()`, `rollback()` and `close()`. Creating an ORM session
    and its transaction, and committing and closing them, cost a final submit 0.35 M of its
    7.0 M instructions (counted by callgrind), for nothing it used. Anything else asked of it
    (`get`, `scalar`, `execute`, `add`, ...: recording xAPI statements, say) opens a
    Session on the same Connection, in the same transaction, which then commits or rolls
    back with it. As with the session, a statement that needs a transaction begins one
    (_begin_before_writes), and commit() and rollback() end it (the driver sends COMMIT or
    ROLLBACK only when one is open); close() rolls back what was not committed.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.info: dict = {}
        self._pooled = None  # the pooled driver connection, once checked out
        self._connection: Connection | None = None  # SQLAlchemy's, once asked for
        self._session: Session | None = None  # once ORM work needs it
        self._begun = object()  # stands for the transaction under way

    def get_bind(self, *_args, **_kwargs) -> Engine:
        return self.engine

    def get_transaction(self) -> object:
        """Return an object that stands for the transaction under way until it ends."""
        return self._begun

    def pooled(self):
        """Return the pooled driver connection, checked out on first use (see _pooled)."""
        if self._pooled is None:
            self._pooled = _checked_out(self.engine)
        return self._pooled

    def opened_connection(self) -> Connection | None:
        """Return SQLAlchemy's Connection if one was asked for, without making one."""
        return self._connection

    def connection(self, *args, **kwargs) -> Connection:
        """Return SQLAlchemy's Connection around the pooled connection (as reader() wraps it)."""
        if args or kwargs:
            return self._orm().connection(*args, **kwargs)
        if self._connection is None:
            self._connection = Connection(self.engine, self.pooled())
        return self._connection

    def __getattr__(self, name: str):
        # Only for what the class does not offer: ORM work, on a Session opened for it.
        if name.startswith("__") or name == "_session":  # copying, pickling: not ORM work
            raise AttributeError(name)
        return getattr(self._orm(), name)

    def _orm(self) -> Session:
        if self._session is None:
            # Bound to the Connection: the Session's commit and rollback are this one's.
            self._session = Session(
                bind=self.connection(),
                expire_on_commit=False,
                join_transaction_mode="control_fully",
            )
        return self._session

    def commit(self) -> None:
        """Commit the transaction (flushing the Session first, if one was opened)."""
        if self._session is not None:
            self._session.commit()
        self._end(commit=True)

    def rollback(self) -> None:
        """Roll the transaction back (and the Session's, if one was opened)."""
        if self._session is not None:
            self._session.rollback()
        self._end(commit=False)

    def _end(self, *, commit: bool) -> None:
        self._begun = object()
        connection = self._connection
        if connection is not None and connection.in_transaction():
            # Begun by SQLAlchemy for a statement it ran: ended as it would end it.
            connection.commit() if commit else connection.rollback()
        if self._pooled is None:
            return
        dialect = self.engine.dialect
        try:
            (dialect.do_commit if commit else dialect.do_rollback)(self._pooled.dbapi_connection)
        except Exception as error:
            # Wrapped as SQLAlchemy's own commit would (private, as in fetch_one).
            self.connection()._handle_dbapi_exception(error, None, None, None, None)

    def close(self) -> None:
        """Roll back what was not committed and hand the connection back to the pool."""
        session, connection, pooled = self._session, self._connection, self._pooled
        self._session = self._connection = self._pooled = None
        try:
            if session is not None:
                session.close()
        finally:
            if connection is not None:
                connection.close()
            elif pooled is not None:
                pooled.close()  # the pool rolls back what was left open


def reader() -> Connection:
    """Return a connection for plain SELECTs: the session's when it is open, else its own.

    Every page reads the signed-in user, and a screen its completions, with Core
    statements; setting up and closing an ORM session around two SELECTs cost as much as
    running them. A request that goes on to use the session gets a new one (see session()).
    """
    store = g._get_current_object()  # one look-up, not one per use
    opened = store.get("db_session")
    if opened is not None:
        return opened.connection()
    connection = store.get("db_reader")
    if connection is None:
        # The pooled connection fetch_one checked out, if it did, serves on (see _pooled).
        engine = current_app.extensions["linkwise.engine"]
        connection = store.db_reader = Connection(engine, store.pop("db_pooled", None))
    return connection


def _pooled(store):
    """Return a pooled connection for fetch_one (with reader()'s Connection, if open).

    A request that reads only through fetch_one (a screen) checks a driver connection out
    of the pool and back without SQLAlchemy's Connection around it, which cost as much
    again as the checkout; reader() wraps the same one when the request needs it.
    """
    opened = store.get("db_session")
    if type(opened) is CoreTransaction:
        return opened.pooled(), opened.opened_connection()
    if opened is not None or store.get("db_reader") is not None:
        connection = reader()
        return connection.connection, connection
    pooled = store.get("db_pooled")
    if pooled is None:
        pooled = store.db_pooled = _checked_out(current_app.extensions["linkwise.engine"])
    return pooled, None


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


def fetch_one(statement: Select, parameters: dict):
    """Run a statement built once at import on the request's pooled driver connection.

    Every value the statement uses must be a parameter given here or need no processing.
    Once the request's session is open, it runs on the session's connection, in its
    transaction (a grade's lock and writes on PostgreSQL go so). Return its first row (a
    named tuple of the selected columns, as the driver gives the values: no SQLAlchemy
    type processing) or None. Every page reads the signed-in user: SQLAlchemy's execution
    (compiled-cache lookup, execution context, result set-up) cost more than the driver's
    own work, so the SQL is compiled once per dialect and sent through the engine's cursor
    events (the statement watchdog, and the BEGIN that locks and writes need, which a
    plain SELECT never does), with driver errors handed to SQLAlchemy as its own
    execution would: wrapped, and a dead connection invalidated with its pool.
    """
    store = g._get_current_object()
    pooled, connection = _pooled(store)
    engine = current_app.extensions["linkwise.engine"]
    compiled = _driver_sql(statement, engine.dialect)
    sql = compiled.sql
    if compiled.fixed:
        parameters = {**compiled.fixed, **parameters}
    values = parameters if compiled.order is None else [parameters[n] for n in compiled.order]
    kept = compiled.keeps_cursor
    cursor = _cursor_of(pooled) if kept else pooled.dbapi_connection.cursor()
    try:
        sql, values = _execute_with_events(engine, connection, cursor, sql, values)
        found = cursor.fetchone()
    except Exception as error:
        # SQLAlchemy's own handling (private, but what every statement it runs goes through),
        # on a Connection around the same pooled connection.
        if kept:  # SQLAlchemy closes the cursor: the next read makes another
            pooled.info.pop("fetch_cursor", None)
        if connection is None:
            connection = reader()
        connection._handle_dbapi_exception(error, sql, values, cursor, None)
    if not kept:
        cursor.close()
    return None if found is None else compiled.row._make(found)


def _cursor_of(pooled):
    """Return the cursor fetch_one keeps on this pooled psycopg connection, made on first use.

    A new cursor for every read cost half as much as running the read (psycopg sets up its
    adapters for each); one request uses a pooled connection at a time, so its cursor
    too. psycopg holds a result on the client, so a kept cursor keeps nothing open on the
    server. (SQLite's would: a statement not read to its end holds its read transaction,
    so there each read gets a cursor and closes it.)
    """
    dbapi_connection = pooled.dbapi_connection
    info = pooled.info  # lives as long as the pool's record of this connection
    cursor = info.get("fetch_cursor")
    if cursor is None or cursor.connection is not dbapi_connection:  # new, or reconnected
        cursor = info["fetch_cursor"] = dbapi_connection.cursor()
    return cursor


class _DriverSql:
    """A statement compiled for one dialect: its SQL, parameter order and row type."""

    def __init__(self, statement: Select, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        # Values written in the statement (a status, a literal, a JSON key) go with every
        # run's parameters, as the driver takes them: processed here, once, as SQLAlchemy
        # would process them on every run (a JSON key becomes SQLite's path '$."kind"').
        self.fixed = {name: value for name, value in compiled.params.items() if value is not None}
        for name, value in self.fixed.items():
            type_ = compiled.binds[name].type.dialect_impl(dialect)
            process = type_.bind_processor(dialect)
            if process is not None:
                self.fixed[name] = process(value)
        self.sql = compiled.string
        # Positional paramstyles (SQLite's qmark) take the values in this order.
        self.order = tuple(compiled.positiontup) if compiled.positiontup else None
        self.row = namedtuple("Row", [column.key for column in statement.selected_columns])
        self.keeps_cursor = dialect.name == "postgresql"  # see _cursor_of


# Keyed by the statement itself (compared by identity), which the key keeps alive.
_compiled_for_driver: dict[tuple[Select, str], _DriverSql] = {}


def _driver_sql(statement: Select, dialect: Dialect) -> _DriverSql:
    key = (statement, dialect.name)
    found = _compiled_for_driver.get(key)
    if found is None:
        found = _compiled_for_driver[key] = _DriverSql(statement, dialect)
    return found


def remember_read(key: tuple, value) -> None:
    """Keep what one statement read for another part of this request (see read_earlier)."""
    g.setdefault("db_read_earlier", {})[key] = value


def read_earlier(key: tuple):
    """Return what this request read earlier under `key` and kept, or None.

    A page's hot reads can share a statement (the signed-in user and a screen's
    completions): one part reads both, the other finds its share here. Nothing outlives
    the request, and a request that writes hands back what it read (see session()).
    """
    found = g.get("db_read_earlier")
    return None if found is None else found.get(key)


def _close_reader(store) -> None:
    _close_quietly(store.pop("db_reader", None))
    _close_quietly(store.pop("db_pooled", None))


def _close_session(_exc):
    store = g._get_current_object()
    _close_reader(store)
    _close_quietly(store.pop("db_session", None))


def _close_quietly(opened) -> None:
    """Close a request's connection or session, if it has one."""
    if opened is not None:
        try:
            opened.close()
        except Exception:  # the connection died with the database; nothing left to close
            current_app.logger.debug("close failed", exc_info=True)


def refresh_statistics() -> None:
    """Have PostgreSQL gather its planner's statistics now, after a bulk load.

    Autovacuum would, but only later: seen here, straight after `seed-demo` the learners and
    attempts tables had no column statistics and the planner took 10,000 learners for one
    row, so the compliance matrix's joins ran as nested loops into the statement timeout.
    """
    if engine().dialect.name == "postgresql":
        with engine().begin() as connection:
            connection.execute(text("ANALYZE"))


def ping() -> None:
    """Run the cheapest query, one round trip; raises when the database cannot answer."""
    health = current_app.extensions["linkwise.health_engine"]
    try:
        _select_one(health)
    except exc.DBAPIError as error:
        if not error.connection_invalidated:
            raise
        # The pooled connection had died (a restart, say): ask once more on a new one.
        _select_one(health)


_PING_SQL = "SELECT 1"


def _select_one(engine: Engine) -> None:
    """Send SELECT 1 on a pooled connection of the engine, straight through the driver.

    SQLAlchemy's Connection, execution context and result set-up cost the health check more
    than its one round trip (about 40 % of its CPU): as for fetch_one, the driver runs the
    statement between the engine's cursor events (the statement watchdog's deadline), and
    a driver error is handed to SQLAlchemy as its own execution would hand it: wrapped, and
    a dead connection invalidated with its pool.
    """
    pooled = _checked_out(engine)
    sql, values, cursor = _PING_SQL, (), None
    try:
        cursor = pooled.dbapi_connection.cursor()
        sql, values = _execute_with_events(engine, None, cursor, sql, values)
        cursor.fetchone()
        cursor.close()
    except Exception as error:
        Connection(engine, pooled)._handle_dbapi_exception(error, sql, values, cursor, None)
    finally:
        pooled.close()  # back to the pool, or away when invalidated
