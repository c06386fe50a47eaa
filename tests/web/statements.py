"""What a request costs the database: statements (any backend), round trips (PostgreSQL)."""

import os
import tempfile
from contextlib import contextmanager

from sqlalchemy import event


class Counted(list):
    """The statements run (SQL text), or the round trips made (libpq's trace lines)."""


@contextmanager
def statements(app):
    """Collect the SQL of every statement the app's engine runs inside the block."""
    counted = Counted()
    engine = app.extensions["linkwise.engine"]

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def round_trips(*engines):
    """Collect each message that waits for PostgreSQL's answer, from libpq's own trace.

    Every connection the engines hand out inside the block is traced from its checkout
    (before the pool's ping, if any) to its return (after the pool's reset), so BEGIN,
    ROLLBACK and pings count as well as statements. A round trip is a simple Query or the
    Sync that ends an extended-protocol exchange.
    """
    from psycopg import pq

    trace = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed when the block ends)
    traced = []

    def start(dbapi_connection, _record, _proxy):
        dbapi_connection.pgconn.trace(os.dup(trace.fileno()))
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        traced.append(dbapi_connection)

    def stop(dbapi_connection, _record):
        if dbapi_connection in traced:
            traced.remove(dbapi_connection)
            dbapi_connection.pgconn.untrace()

    for engine in engines:
        event.listen(engine, "checkout", start, insert=True)
        event.listen(engine, "checkin", stop)
    counted = Counted()
    try:
        yield counted
    finally:
        for engine in engines:
            event.remove(engine, "checkout", start)
            event.remove(engine, "checkin", stop)
        for connection in traced:
            connection.pgconn.untrace()
        trace.seek(0)
        for line in trace.read().decode("utf-8", "replace").splitlines():
            fields = line.split("\t")
            if fields[0] == "F" and fields[2] in ("Query", "Sync"):
                counted.append(line)
        trace.close()
