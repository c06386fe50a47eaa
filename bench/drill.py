"""The submit drill: about 1,000 final submits at once on PostgreSQL, a worker killed mid-run.

`make drill` (or `python bench/drill.py`) serves the app with gunicorn as the README's
production command does (4 workers x 4 threads) on a throwaway PostgreSQL database on the
server that DRILL_DATABASE_URL, BENCH_DATABASE_URL or TEST_DATABASE_URL names (else the
local one), gets DRILL_LEARNERS (200) learners to the end-of-module quiz of every module,
each starting every quiz three times at once (a triple click, two tabs), and fires their
final submits together: several per attempt, with identical and with conflicting answer
sets, autosaves among them, and each learner's three quizzes at once.
Part way through it SIGKILLs a gunicorn worker; a request that loses its connection is
sent again, as a learner would press the button again.

Then it reads the database and prints thirteen counts, which must all be 0 (exit 1 if not):
quizzes a learner started more than once by starting them at once, attempts graded more
than once, graded attempts whose stored answers do not reproduce
the stored grade, answer rows changed after grading, evidence rows missing or duplicated,
competency levels that differ from a recomputation, ratings whose history does not end in
the rating as it stands, attempts with more than one certificate, passing final-quiz
attempts without a certificate (a learner holds one certificate a pass, so several for one
module are right), certificates without one
signed Open Badges credential, two credentials at one status list place, dashboard counts
that differ from a recount, 5xx responses.

Two of the counts need eyes inside the database: the drill adds triggers to its own
throwaway database that log every grading of an attempt and every write to an answer of
an attempt another transaction had already graded (bench/drill_checks.py). The learners
are added, signed in and start their quizzes in bench/drill_learners.py.
"""

import http.client
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import drill_checks  # noqa: E402
from bench.drill_learners import (  # noqa: E402
    Learner,
    in_pool,
    make_learners,
    quiz_modules,
    send,
    start_three_times_at_once,
)
from bench.server import app_env, start_server, throwaway_postgres  # noqa: E402

LEARNERS = int(os.environ.get("DRILL_LEARNERS", "200"))
THREADS = int(os.environ.get("DRILL_THREADS", "64"))
SEED = int(os.environ.get("DRILL_SEED", "9"))


def main() -> int:
    """Run the drill; return 1 if any of its counts is not 0."""
    server_url = (
        os.environ.get("DRILL_DATABASE_URL")
        or os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    url, drop = throwaway_postgres(server_url)
    server = None
    try:
        env = app_env(url)
        server, port = start_server(env, workers=4, threads=4)
        started = time.monotonic()
        app = _app(url)
        drill_checks.install_triggers(app)
        emails = make_learners(app, LEARNERS)
        print(f"drill: {LEARNERS} learners at the quiz of every module; signing in", flush=True)
        learners = in_pool(lambda email: Learner(port, email), emails)
        modules = quiz_modules(app)
        attempts, started_apart = start_three_times_at_once(_pairs(learners, modules), SEED)
        plan = _plan(app, attempts, random.Random(SEED))
        submits = sum(1 for *_, autosave in plan if not autosave)
        print(
            f"drill: firing {len(plan)} requests at once over {len(attempts)} attempts: "
            f"{submits} final submits, {len(plan) - submits} autosaves",
            flush=True,
        )
        statuses, dropped = _fire(plan, server)
        _settle(server)
        counts = drill_checks.count_faults(app)
        counts["quizzes started more than once by starts at once"] += started_apart
        counts["5xx responses"] = sum(n for status, n in statuses.items() if status >= 500)
        _report(counts, statuses, dropped, len(plan), time.monotonic() - started)
        return 1 if any(counts.values()) else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop()


def _app(url: str):
    from app import create_app

    return create_app({"LINKWISE_ENV": "development", "DATABASE_URL": url, "SECRET_KEY": "b"})


def _pairs(learners, modules):
    return [(learner, module) for learner in learners for module in modules]


def _plan(app, attempts, rng: random.Random) -> list[tuple]:
    """Return the requests to fire: each learner's, next to each other, in a shuffled order."""
    from sqlalchemy import select

    from app import db
    from app.models import Attempt
    from app.services import quizzes

    by_id = {int(path.rstrip("/").rsplit("/", 1)[1]): (learner, path) for learner, path in attempts}
    forms = {}
    with app.app_context():
        for attempt in db.session().scalars(select(Attempt).where(Attempt.id.in_(by_id))):
            shown = quizzes.questions_of(attempt).shown
            forms[attempt.id] = [_answers(shown, rng, kind) for kind in ("right", "wrong", "mixed")]
    per_learner = defaultdict(list)
    for attempt_id, (learner, path) in by_id.items():
        right, wrong, mixed = forms[attempt_id]
        copies = rng.choice((1, 1, 2, 2, 3))
        if copies > 1 and rng.random() < 0.5:
            sets = [right, wrong, mixed][:copies]  # conflicting answer sets
        else:
            sets = [rng.choice((right, wrong, mixed))] * copies  # a double or triple click
        for fields in sets:
            per_learner[learner].append((learner, path, {**fields, "action": "submit"}, False))
        if rng.random() < 0.3:
            question = rng.choice(list(mixed))
            per_learner[learner].append((learner, path, {question: mixed[question]}, True))
    plan = []
    groups = list(per_learner.values())
    rng.shuffle(groups)
    for group in groups:
        rng.shuffle(group)
        plan.extend(group)
    return plan


def _answers(shown, rng: random.Random, kind: str) -> dict:
    fields = {"revision": "0", "confirmed": "yes"}
    for item in shown:
        question = item.question
        right = kind == "right" or (kind == "mixed" and rng.random() < 0.6)
        if kind == "mixed" and rng.random() < 0.1:
            continue  # left unanswered
        for name, values in question.form_fields(question.example_answer(right)).items():
            fields[name] = values if len(values) != 1 else values[0]
        fields[question.marker_field] = "1"
    return fields


def _fire(plan, server) -> tuple[Counter, int]:
    """Send every request from a pool of threads, killing a worker part way through."""
    statuses: Counter = Counter()
    dropped = 0
    kill_at = len(plan) * 2 // 5

    def fire_one(index_request):
        """Send one planned request, again if its connection dropped; return its status."""
        nonlocal dropped
        index, (learner, path, fields, autosave) = index_request
        if index == kill_at:
            _kill_a_worker(server)
        body = {"csrf_token": learner.token, **fields}
        headers = {"Accept": "application/json"} if autosave else {}
        for _ in range(3):
            try:
                status, _, _ = send(learner.port, "POST", path, body, learner.cookie, headers)
                return status
            except (ConnectionError, http.client.HTTPException, OSError):
                dropped += 1  # the worker died with it: press the button again
                time.sleep(0.5)
        return 599

    with ThreadPoolExecutor(THREADS) as pool:
        for status in pool.map(fire_one, enumerate(plan)):
            statuses[status] += 1
    return statuses, dropped


def _kill_a_worker(server) -> None:
    workers = _workers(server)
    if workers:
        os.kill(workers[0], signal.SIGKILL)
        print(f"drill: SIGKILLed gunicorn worker {workers[0]}", flush=True)


def _workers(server) -> list[int]:
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True
    )
    return [int(pid) for pid in found.stdout.split()]


def _settle(server) -> None:
    """Wait until gunicorn has its four workers again."""
    for _ in range(100):
        if len(_workers(server)) >= 4:
            return
        time.sleep(0.2)


def _report(counts, statuses, dropped, sent, seconds) -> None:
    replies = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    print(
        f"drill: {sent} requests in {seconds:.0f}s; replies {replies}; {dropped} resent "
        "after the killed worker dropped them"
    )
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"  {name:<{width}}  {count}")
    print("drill: all zero" if not any(counts.values()) else "drill: FAILED")


if __name__ == "__main__":
    sys.exit(main())
