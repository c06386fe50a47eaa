"""Hold requests sent at once at a point until all have come to it, so a race happens every
time: threads released together do not ensure it on a busy machine, where one request can
finish before another has begun."""

import threading
from contextlib import contextmanager

from sqlalchemy import event

_WRITES = ("INSERT", "UPDATE", "DELETE")
_LOCKS = (" FOR UPDATE", " FOR NO KEY UPDATE", "PG_ADVISORY")


def writes_or_locks(statement: str) -> bool:
    """Say whether a statement writes or takes a lock (a plain read does neither)."""
    said = statement.lstrip().upper()
    return said.startswith(_WRITES) or any(lock in said for lock in _LOCKS)


@contextmanager
def meeting_at(app, parties: int, comes_to):
    """Hold each request at its first statement that `comes_to(statement)` says is the
    meeting point until all `parties` have come to theirs."""
    engine = app.extensions["linkwise.engine"]
    barrier = threading.Barrier(parties, timeout=30)
    arrived = set()

    def meet(_conn, _cursor, statement, *_args):
        if threading.get_ident() not in arrived and comes_to(statement):
            arrived.add(threading.get_ident())
            barrier.wait()

    event.listen(engine, "before_cursor_execute", meet)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", meet)
    assert len(arrived) == parties  # every request came to the meeting point


def meeting_before_writing(app, parties: int):
    """Hold each request at its first statement that writes or locks until all `parties`
    have come to theirs: each has then read what it read before any of them wrote."""
    return meeting_at(app, parties, writes_or_locks)
