"""The health check's ping, straight through the driver: does the database answer, and write?

On PostgreSQL the ping reads the session's transaction_read_only, so the same round trip says
whether the database only reads (a standby after a failover, or default_transaction_read_only
set for a move). A session keeps the default it started with: a database altered to read-only
is seen once the check's connection is new (a restart or failover drops it; RECYCLE at most).
On SQLite the ping asks for a write it then rolls back (nothing reaches the file): a file
opened read-only (its permissions, a read-only mount or mode=ro) refuses it at once, before
any lock is taken; a file another writer holds is busy, which says it writes.
"""

from flask import current_app
from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine

from app.db.engines import _checked_out, _execute_with_events
from app.db.read_only import SQLITE_READONLY


def ping() -> bool:
    """Run the cheapest query, one round trip, and say whether the database only reads.

    Raises when the database cannot answer.
    """
    health = current_app.extensions["linkwise.health_engine"]
    try:
        return _send_ping(health)
    except exc.DBAPIError as error:
        if not error.connection_invalidated:
            raise
        # The pooled connection had died (a restart, say): ask once more on a new one.
        return _send_ping(health)


_PING_SQL = {"postgresql": "SELECT current_setting('transaction_read_only')"}
_SELECT_ONE = "SELECT 1"


def _send_ping(engine: Engine) -> bool:
    """Send the ping on a pooled connection of the engine, straight through the driver.

    SQLAlchemy's Connection, execution context and result set-up cost the health check more
    than its one round trip (about 40 % of its CPU): as for fetch_one, the driver runs the
    statement between the engine's cursor events (the statement watchdog's deadline), and
    a driver error is handed to SQLAlchemy as its own execution would hand it: wrapped, and
    a dead connection invalidated with its pool.
    """
    pooled = _checked_out(engine)
    sql, values, cursor = _PING_SQL.get(engine.dialect.name, _SELECT_ONE), (), None
    try:
        cursor = pooled.dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            answer = "on" if _sqlite_refuses_writes(cursor) else "off"
        else:
            sql, values = _execute_with_events(engine, None, cursor, sql, values)
            (answer,) = cursor.fetchone()
        cursor.close()
    except Exception as error:
        Connection(engine, pooled)._handle_dbapi_exception(error, sql, values, cursor, None)
    finally:
        pooled.close()  # back to the pool, or away when invalidated
    return answer == "on"


SQLITE_BUSY = 5  # SQLite's result code for a lock another connection holds


def _sqlite_refuses_writes(cursor) -> bool:
    """Say whether the SQLite file refuses writes: start one, without waiting for a lock,
    and roll it back."""
    (waits,) = cursor.execute("PRAGMA busy_timeout").fetchone()
    (version,) = cursor.execute("PRAGMA user_version").fetchone()
    cursor.execute("PRAGMA busy_timeout = 0")
    cursor.execute("BEGIN")
    try:
        cursor.execute(f"PRAGMA user_version = {int(version)}")  # the same: changes nothing
    except Exception as error:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code not in (SQLITE_BUSY, SQLITE_READONLY):
            raise
        return code == SQLITE_READONLY
    finally:
        cursor.execute("ROLLBACK")
        cursor.execute(f"PRAGMA busy_timeout = {int(waits)}")
    return False
