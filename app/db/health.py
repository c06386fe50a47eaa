"""The health check's ping: SELECT 1 on the health engine, straight through the driver."""

from flask import current_app
from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine

from app.db.engines import _checked_out, _execute_with_events


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
