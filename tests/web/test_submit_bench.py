"""The screen bench's quiz submits: wrk sends each prepared submit once (`make bench`)."""

import itertools
import os
import re
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load, quiz
from bench.server import app_env, course, start_gunicorn, stop, throwaway_postgres

pytestmark = pytest.mark.skipif(
    not load.HAS_WRK, reason="wrk is not installed (apt-get install wrk)"
)


class Recorder(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 server that records each POST and answers 303 (500 for /fail/...)."""

    protocol_version = "HTTP/1.1"
    received: Counter

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.received[self.path] += 1
        self.send_response(500 if self.path.startswith("/fail/") else 303)
        self.send_header("Location", "/done")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


class RecorderServer(ThreadingHTTPServer):
    # wrk opens all its connections at once. With socketserver's queue of 5, the kernel drops
    # the handshakes that overflow it, and a dropped one waits a second to be resent: on a busy
    # machine that was the whole of a one-second run.
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # wrk resets the connections it still holds when its time is up; anything else is
        # printed as socketserver prints it.
        if not isinstance(sys.exc_info()[1], ConnectionResetError):
            super().handle_error(request, client_address)


@pytest.fixture
def recorder():
    """Serve a Recorder on a free port; yield the server (its handler's `received` counts)."""
    handler = type("Handler", (Recorder,), {"received": Counter()})
    server = RecorderServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def posts(paths: list[str]) -> list[bytes]:
    return [load.post_request(path, "answer=1", {}) for path in paths]


def received_once(server, count: int) -> Counter:
    """Return what the server received once `count` requests arrived (or after 5 s)."""
    deadline = time.monotonic() + 5
    while sum(server.RequestHandlerClass.received.values()) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.RequestHandlerClass.received


def test_wrk_sends_each_prepared_request_once_and_reports_running_out(recorder):
    paths = [f"/submit/{n}" for n in range(40)]
    run = load.wrk_prepared(recorder.server_port, posts(paths), 1, 8, (302, 303))
    received = received_once(recorder, len(paths))
    assert run.ran_out
    assert sorted(run.sent) == list(range(len(paths)))
    assert received == Counter(paths)  # the request wrk checks before the run is not sent
    assert (run.saturation.requests, run.answered, run.saturation.errors) == (40, 40, 0)


def test_requests_left_unsent_are_named_and_never_reach_the_server(recorder):
    paths = [f"/submit/{n}" for n in range(50_000)]
    run = load.wrk_prepared(recorder.server_port, posts(paths), 1, 8, (302, 303))
    received = received_once(recorder, len(run.sent))
    assert not run.ran_out and 0 < len(run.sent) < len(paths)
    assert len(set(run.sent)) == len(run.sent)
    assert received == Counter(paths[i] for i in run.sent)
    assert run.answered <= len(run.sent) <= run.answered + 8  # at most one in flight a connection


def test_only_answers_with_the_expected_status_are_counted(recorder):
    paths = [f"/fail/{n}" if n % 4 == 0 else f"/submit/{n}" for n in range(40)]
    run = load.wrk_prepared(recorder.server_port, posts(paths), 1, 8, (302, 303))
    assert (run.saturation.requests, run.saturation.errors, run.answered) == (30, 10, 40)


def test_submits_side_by_side_belong_to_different_learners():
    # A learner's gradings wait for each other: the bench should not make them queue.
    ann, bob, cy = (quiz.Learner(name, []) for name in ("ann", "bob", "cy"))
    made = [
        quiz.Submit(learner, str(n), b"")
        for learner, n in [*[(ann, n) for n in range(3)], (bob, 0), (bob, 1), (cy, 0)]
    ]
    ordered = quiz.one_learner_at_a_time(made)
    assert [(s.learner.email, s.module) for s in ordered] == [
        ("ann", "0"),
        ("bob", "0"),
        ("cy", "0"),
        ("ann", "1"),
        ("bob", "1"),
        ("ann", "2"),
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_database(request, tmp_path):
    """Yield an empty database for a live bench server: SQLite, or PostgreSQL when one is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bench.db'}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL server")
    url, drop = throwaway_postgres(os.environ["TEST_DATABASE_URL"])
    yield url
    drop()


def test_the_database_grades_exactly_the_submits_wrk_sent(bench_database):
    env = app_env(bench_database)
    catalogue = course()
    quiz.linkwise(env, "db", "upgrade")
    emails = quiz.seed_learners(env, bench_database, 4, catalogue)
    server, port = start_gunicorn(env)
    try:
        modules = [m.slug for m in catalogue.modules if m.assessment]
        submits = quiz.Submits(port, emails, modules)
        ready = submits.take(12)
        spare = submits.ready[12:]  # prepared beyond those asked for, kept for the next round
        assert all(a.learner is not b.learner for a, b in itertools.pairwise(ready))
        seeded = graded_attempt_ids(bench_database)  # the demo accounts' attempts
        certified = certificates(bench_database)
        run = load.wrk_prepared(port, [s.request for s in ready], 2, 8, (302, 303))
        sent = [ready[i] for i in run.sent]
        graded = quiz.wait_for_grades(bench_database, len(seeded) + len(sent)) - len(seeded)
        assert run.ran_out and len(sent) == len(ready) == 12
        assert graded == len(sent)
        # Every answer wrk saw was the redirect to a result. On a busy machine wrk's time can
        # run out while its last submits are still being graded: those are sent and graded
        # (counted above) but unanswered, at most one a connection.
        assert run.saturation.requests == run.answered
        assert len(sent) - 8 <= run.answered <= len(sent)
        assert graded_attempt_ids(bench_database) - seeded == {attempt_id(s) for s in sent}
        # Every other learner answers every question right: their attempts pass (and are
        # certified), the others' fail.
        passed = graded_attempt_ids(bench_database, passed=True) - seeded
        assert passed == {attempt_id(s) for s in sent if s.learner.right}
        assert {s.learner.right for s in sent} == {True, False}
        everyone_passed = graded_attempt_ids(bench_database, passed=True)
        assert quiz.graded_attempts(bench_database, passed=True) == len(everyone_passed)
        assert len(certificates(bench_database) - certified) == len(passed)
        submits.sent(sent)
        assert submits.ready == spare
    finally:
        stop(server)


def attempt_id(submit: quiz.Submit) -> int:
    return int(re.search(rb"/attempts/(\d+)", submit.request)[1])


def graded_attempt_ids(database_url: str, *, passed: bool = False) -> set[int]:
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    from app.models import Attempt

    which = Attempt.passed.is_(True) if passed else Attempt.status == "graded"
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        ids = set(connection.scalars(select(Attempt.id).where(which)))
    engine.dispose()
    return ids


def certificates(database_url: str) -> set[int]:
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    from app.models import Certificate

    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        ids = set(connection.scalars(select(Certificate.id)))
    engine.dispose()
    return ids
