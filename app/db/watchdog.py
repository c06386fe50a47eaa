"""A deadline for each PostgreSQL statement, enforced by the client.

The server's statement_timeout ends a slow query, but a server that has stopped answering
(frozen, or behind a network path that swallows packets) never sends that error, and the
driver would wait for ever. The watchdog shuts a connection's socket down when a statement
outlives its deadline: the driver then raises at once, SQLAlchemy drops the connection and
the request answers 503 instead of holding a worker until the client gives up.
guard_statements arms it around every statement, COMMIT, ROLLBACK and pre-checkout ping.
"""

import os
import socket
import threading
import time
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

TICK = 0.25  # seconds between checks; the precision of every deadline


class Watchdog:
    """Shut down the sockets of connections whose statement has run past its deadline."""

    def __init__(self) -> None:
        # id(connection) -> (deadline, connection); holding the connection keeps its id
        # from being reused by another while it is armed.
        self._armed: dict[int, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def arm(self, dbapi_connection, seconds: float) -> None:
        """Start the clock on a statement about to run on this psycopg connection."""
        with self._lock:
            self._armed[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="db-watchdog", daemon=True)
                self._thread.start()

    def disarm(self, dbapi_connection) -> None:
        """Stop the clock: the statement finished (or failed) in time."""
        with self._lock:
            self._armed.pop(id(dbapi_connection), None)

    @contextmanager
    def guarding(self, dbapi_connection, seconds: float):
        """Arm for the length of the block."""
        self.arm(dbapi_connection, seconds)
        try:
            yield
        finally:
            self.disarm(dbapi_connection)

    def _watch(self) -> None:
        while True:
            time.sleep(TICK)
            now = time.monotonic()
            # The lock is held while cutting: a statement that ends now waits to disarm,
            # and its connection cannot be closed (its descriptor reused) meanwhile.
            with self._lock:
                for key, (deadline, connection) in list(self._armed.items()):
                    if now >= deadline:
                        del self._armed[key]
                        _shut_down(connection)


def _shut_down(connection) -> None:
    try:
        fd = connection.pgconn.socket  # raises once the connection is closed
        duplicate = socket.socket(fileno=os.dup(fd))
    except Exception:
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()  # closes the duplicate only; the driver still owns fd


watchdog = Watchdog()


def guard_statements(engine: Engine, seconds: float, ping_seconds: float) -> None:
    """Give every statement, COMMIT, ROLLBACK and the ping before a checkout a client-side
    deadline."""

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

    # COMMIT and ROLLBACK reach the driver outside the cursor events as well (the session's
    # commit, the pool's reset on return), so a network that holds their packets would hold
    # the request for ever: they get a statement's deadline, through the dialect's hooks.
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def guarded_commit(dbapi_connection):
        with watchdog.guarding(dbapi_connection, seconds):
            try:
                commit(dbapi_connection)
            except Exception as error:
                # The COMMIT may have reached the server before the reply was lost.
                error.linkwise_commit_unknown = True
                raise

    def guarded_rollback(dbapi_connection):
        with watchdog.guarding(dbapi_connection, seconds):
            rollback(dbapi_connection)

    dialect.do_commit = guarded_commit
    dialect.do_rollback = guarded_rollback


def commit_outcome_unknown(error: BaseException) -> bool:
    """Say whether a database error came from a COMMIT whose outcome was never heard.

    The server may have committed before the connection failed: whoever tells the person
    must not say that nothing was saved.
    """
    return bool(getattr(getattr(error, "orig", None), "linkwise_commit_unknown", False))
