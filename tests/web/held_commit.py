"""Two requests made to overlap the same way every time: the first is held just before its
commit, with every row it wrote or locked still held, while the second reads what it reads;
the first commits once the second comes to its first statement that writes or locks.

So a request that reads something before it locks reads it as it was before the first's
change, and one that reads it after its lock reads the change: what two requests sent
together do when they fall so, made certain on either database."""

import threading

from sqlalchemy import event

from tests.web.meetings import writes_or_locks

WAIT = 30  # seconds: a test stuck longer than this has failed


def second_while_first_commits(app, first, second) -> tuple:
    """Run `first()` and `second()` in threads overlapping as this module says; return both
    results. Each runs in its own app context (a service call) or sends a request."""
    engine = app.extensions["linkwise.engine"]
    held, go = threading.Event(), threading.Event()
    threads, results = {}, {}

    def at_commit(_connection):
        if threading.get_ident() == threads["first"].ident and not held.is_set():
            held.set()
            assert go.wait(WAIT), "the second request never came to a write or a lock"

    def at_statement(_connection, _cursor, statement, *_args):
        second = threads.get("second")
        in_second = second is not None and threading.get_ident() == second.ident
        if in_second and writes_or_locks(statement):
            go.set()

    def run(name, call):
        try:
            with app.app_context():
                results[name] = call()
        finally:
            if name == "second":
                go.set()  # it finished with neither: let the first commit anyway

    event.listen(engine, "commit", at_commit)
    event.listen(engine, "before_cursor_execute", at_statement)
    try:
        threads["first"] = threading.Thread(target=run, args=("first", first))
        threads["first"].start()
        if not held.wait(WAIT):
            raise AssertionError("the first request never came to its commit")
        threads["second"] = threading.Thread(target=run, args=("second", second))
        threads["second"].start()
        for thread in threads.values():
            thread.join(WAIT)
    finally:
        event.remove(engine, "commit", at_commit)
        event.remove(engine, "before_cursor_execute", at_statement)
    return results.get("first"), results.get("second")
