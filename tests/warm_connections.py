"""PostgreSQL connections to the run's database, handed from one test's app to the next.

Each test builds an app with an engine of its own and disposes of it at the end, so each
PostgreSQL test opened new connections, and a new server process knows nothing yet of the
tables: the first statements on each table read the catalogue into its caches (the first
round of deleting every row took 29 ms on a new connection, 2 ms on one that had done it
before). So an app's connection to the run's database is not closed when its engine lets it
go: it is reset and kept, and the next engine asking for a connection with the very same
settings gets it. The reset (DISCARD ALL, with psycopg's own settings put back) leaves
nothing of a test's session behind: no settings, prepared statements, temporary tables,
advisory locks or LISTENs, and no open transaction. What stays is the server's cache of
the catalogue, which only a change to the schema invalidates (and then it is read again).
A connection that is broken, closed, or that the server has spoken on since it was kept
(it was ended, say) is closed, never handed out. Other databases' connections (migration
tests', outage tests' servers) are made and closed as before. A process forked from the
test process (seeding's workers) shares the kept connections' sockets with it: it never
takes one, and one it closes is closed as any connection is, never reset over a socket its
parent may be using.
"""

import os
import select
import threading

import psycopg
from psycopg import pq
from sqlalchemy import event

MOST_KEPT = 4  # a test's app seldom holds more at once
# Databases whose connections are kept: the run's own, named as the session fixture makes them.
WARM_DATABASES: set[str] = set()

_kept: dict[str, list["KeptConnection"]] = {}
_lock = threading.Lock()
# Connections a forked child inherited: held, so that collecting them never ends the
# parent's server session over the shared socket (a forked worker ends with os._exit).
_inherited: list["KeptConnection"] = []


def _forget_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # another thread may have held it as the process forked
    _inherited.extend(c for kept in _kept.values() for c in kept)
    _kept.clear()


os.register_at_fork(after_in_child=_forget_in_child)


class KeptConnection(psycopg.Connection):
    """A psycopg connection that, closed by its pool, is reset and kept for the next test."""

    kept_as: str | None = None
    owner: int = 0  # the process that made it

    def close(self) -> None:
        """Keep the connection for another engine if it can be reset, else close it."""
        if self.kept_as is not None and self.owner == os.getpid() and _reset(self):
            with _lock:
                kept = _kept.setdefault(self.kept_as, [])
                if len(kept) < MOST_KEPT:
                    kept.append(self)
                    return
        super().close()

    def close_for_good(self) -> None:
        super().close()


def keep_connections(engine) -> None:
    """Have the engine take kept connections to the run's database, and keep its own."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "do_connect", _connect)


def close_every_kept() -> None:
    """Close the connections kept (at the end of the run, before its database is dropped)."""
    with _lock:
        connections = [c for kept in _kept.values() for c in kept]
        _kept.clear()
    for connection in connections:
        connection.close_for_good()


def _connect(_dialect, _record, cargs, cparams):
    if cparams.get("dbname") not in WARM_DATABASES:
        return None  # SQLAlchemy connects as it would
    # The adapters (`context`) are the dialect's own and the same for every engine made here.
    key = repr((cargs, sorted((k, v) for k, v in cparams.items() if k != "context")))
    while True:
        with _lock:
            kept = _kept.get(key)
            connection = kept.pop() if kept else None
        if connection is None:
            break
        if _usable(connection):
            return connection
        connection.close_for_good()
    connection = KeptConnection.connect(*cargs, **cparams)
    connection.kept_as, connection.owner = key, os.getpid()
    return connection


def _usable(connection: KeptConnection) -> bool:
    """Whether the kept connection is open, idle, and has heard nothing from the server."""
    if connection.closed or connection.broken:
        return False
    if connection.pgconn.status != pq.ConnStatus.OK:
        return False
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    # An idle connection is silent: anything to read is the server ending it.
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    return not readable


def _reset(connection: KeptConnection) -> bool:
    """Return the connection to a new one's state, or False when it cannot be."""
    try:
        if connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            connection.rollback()
        connection.autocommit = True
        connection.execute("DISCARD ALL")
        # psycopg forgets its prepared statements on DISCARD ALL only the first time it runs
        # one on a connection (the command is then in its cache and no longer looked at),
        # and would send DEALLOCATE ALL before the next statement: a round trip the next
        # test would count. The server has just forgotten them all; psycopg is told so.
        connection._prepared.clear()
        connection._prepared._to_flush.clear()
        connection.autocommit = False
        connection.isolation_level = None
        connection.read_only = None
        connection.deferrable = None
        connection.prepare_threshold = 5
        connection.prepared_max = 100
        # SQLAlchemy adds its notice handler each time a connection is handed to an engine.
        for handler in list(connection._notice_handlers):
            connection.remove_notice_handler(handler)
        connection.pgconn.untrace()
        return True
    except (psycopg.Error, OSError):
        return False
