"""Fast reads: plain SELECTs through the driver, without the ORM session.

Every page reads the signed-in user, and a screen its completions; SQLAlchemy's session
and execution cost more than the driver's own work for them. reader() gives a Core
connection, fetch_one runs a statement compiled once per dialect on the request's pooled
driver connection, and remember_read and read_earlier let one part of a request use what
another read.
"""

from collections import namedtuple

from flask import current_app, g
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select

from app.db.engines import _checked_out, _execute_with_events
from app.db.sessions import CoreTransaction


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
