"""The health check's ping, straight through the driver: does the database answer, and write?

On PostgreSQL the ping reads the session's transaction_read_only, so the same round trip says
whether the database only reads (a standby after a failover, or default_transaction_read_only
set for a move). A session keeps the default it started with: a database altered to read-only
is seen once the check's connection is new (a restart or failover drops it; RECYCLE at most).
SQLite always writes: its ping stays SELECT 1.
"""

from flask import current_app
from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine

from app.db.engines import _checked_out, _execute_with_events


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
        sql, values = _execute_with_events(engine, None, cursor, sql, values)
        (answer,) = cursor.fetchone()
        cursor.close()
    except Exception as error:
        Connection(engine, pooled)._handle_dbapi_exception(error, sql, values, cursor, None)
    finally:
        pooled.close()  # back to the pool, or away when invalidated
    return answer == "on"
