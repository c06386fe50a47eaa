"""Change an account (erase it, take it out of its organisation) while a request about it is
under way, so the request reads the account before the change commits and writes after.

The change runs here, in the test's thread, as a service call that ends with its session's
commit. Just before that commit the request is sent from another thread, and the commit
goes only once the request has come to the statement where it should wait for the change
(its lock on the person): the request has then read everything it read before, as the
account stood. Whether the request's statement waits (with the fix) or not (without it),
what is stored in the end does not depend on the timing.
"""

import threading
import time

from sqlalchemy import event, text

from app import db
from tests.web.meetings import writes_or_locks

# How long to let the request's statement start waiting for the change's lock before the
# change commits (PostgreSQL is asked when it does; SQLite cannot say).
SETTLE = 2.0
WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
)


def changed_meanwhile(app, change, send, comes_to=writes_or_locks):
    """Run `change()` here; just before it commits, run `send()` (a request) in a thread,
    and commit once the request comes to its first statement that `comes_to` says is its
    lock (by default its first that writes or locks). Return (change's result, the
    request's response)."""
    engine = app.extensions["linkwise.engine"]
    arrived = threading.Event()
    sender: dict = {}

    def notice(_conn, _cursor, statement, *_args):
        if threading.get_ident() == sender.get("ident") and comes_to(statement):
            arrived.set()

    def run():
        sender["ident"] = threading.get_ident()
        try:
            sender["response"] = send()
        finally:
            arrived.set()  # whatever happened, the change need not wait longer

    event.listen(engine, "before_cursor_execute", notice)
    try:
        with app.test_request_context("/"):
            session = db.session()
            original = session.commit

            def commit():
                session.flush()
                thread = threading.Thread(target=run)
                sender["thread"] = thread
                thread.start()
                assert arrived.wait(30), "the request never came to its lock"
                _let_it_wait(engine)
                original()

            session.commit = commit
            try:
                result = change()
            finally:
                session.commit = original
    finally:
        event.remove(engine, "before_cursor_execute", notice)
    sender["thread"].join(60)
    assert not sender["thread"].is_alive()
    return result, sender["response"]


def _let_it_wait(engine) -> None:
    """Give the request's statement time to start waiting for the change's lock."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + SETTLE
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(WAITING).scalar():
                return
            time.sleep(0.02)
