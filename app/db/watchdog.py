"""A deadline for each PostgreSQL statement, enforced by the client.

The server's statement_timeout ends a slow query, but a server that has stopped answering
(frozen, or behind a network path that swallows packets) never sends that error, and the
driver would wait for ever. The watchdog shuts a connection's socket down when a statement
outlives its deadline: the driver then raises at once, SQLAlchemy drops the connection and
the request answers 503 instead of holding a worker until the client gives up.
"""

import os
import socket
import threading
import time
from contextlib import contextmanager

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
