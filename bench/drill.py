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

Then it reads the database and prints twelve counts, which must all be 0 (exit 1 if not):
quizzes a learner started more than once by starting them at once, attempts graded more
than once, graded attempts whose stored answers do not reproduce
the stored grade, answer rows changed after grading, evidence rows missing or duplicated,
competency levels that differ from a recomputation, attempts with more than one
certificate, passing final-quiz attempts without a certificate (a learner holds one
certificate a pass, so several for one module are right), certificates without one
signed Open Badges credential, two credentials at one status list place, dashboard counts
that differ from a recount, 5xx responses.

Two of the counts need eyes inside the database: the drill adds triggers to its own
throwaway database that log every grading of an attempt and every write to an answer of
an attempt another transaction had already graded (bench/drill_checks.py).
"""

import http.client
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import drill_checks  # noqa: E402
from bench.server import app_env, sign_in, start_server, throwaway_postgres  # noqa: E402

LEARNERS = int(os.environ.get("DRILL_LEARNERS", "200"))
THREADS = int(os.environ.get("DRILL_THREADS", "64"))
SEED = int(os.environ.get("DRILL_SEED", "9"))
PASSWORD = "linkwise-demo-2026"


def main() -> int:
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
        emails = _make_learners(app, LEARNERS)
        print(f"drill: {LEARNERS} learners at the quiz of every module; signing in", flush=True)
        learners = _in_pool(lambda email: _Learner(port, email), emails)
        modules = _modules(app)
        attempts, started_apart = _start_three_times_at_once(_pairs(learners, modules))
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


def _make_learners(app, count: int) -> list[str]:
    """Add learners (one password hash for all) who have finished every module's screens."""
    from sqlalchemy import insert, select

    from app import db
    from app.content import catalogue
    from app.models import Completion, Organisation, User, utcnow
    from app.services import accounts

    with app.app_context():
        session = db.session()
        organisation_id = session.scalar(select(Organisation.id))
        password = accounts.hash_password(PASSWORD)
        now = utcnow()
        emails = [f"drill-{n}@example.org" for n in range(1, count + 1)]
        ids = session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": email,
                    "full_name": f"Drill Learner {n}",
                    "password_hash": password,
                    "profession": "link-worker",
                    "role": "learner",
                    "organisation_id": organisation_id,
                    "professional_confirmed_at": now,
                    "professional_confirmed_as": "link-worker",
                    "session_token": f"drill{n:020d}",
                    "created_at": now,
                }
                for n, email in enumerate(emails, 1)
            ],
        ).all()
        session.execute(
            insert(Completion),
            [
                {"user_id": user_id, "module_slug": m.slug, "item_key": key, "completed_at": now}
                for user_id in ids
                for m in catalogue().modules
                if m.assessment
                for key in m.screen_item_keys
            ],
        )
        session.commit()
    return emails


def _modules(app) -> list[str]:
    from app.content import catalogue

    with app.app_context():
        return [m.slug for m in catalogue().modules if m.assessment]


def _pairs(learners, modules):
    return [(learner, module) for learner in learners for module in modules]


class _Learner:
    """A signed-in learner: their cookie and a CSRF token from a page."""

    def __init__(self, port: int, email: str):
        self.port, self.email = port, email
        self.cookie = sign_in(port, email)
        status, headers, page = _send(port, "GET", "/account/", None, self.cookie)
        self.cookie = _merge_cookies(self.cookie, headers)
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def start(self, module: str) -> tuple["_Learner", str]:
        """Start the module's quiz; return the attempt's path."""
        body = {"csrf_token": self.token}
        status, headers, _ = _send(self.port, "POST", f"/modules/{module}/quiz/", body, self.cookie)
        location = dict(headers).get("Location", "")
        assert status == 302 and "/attempts/" in location, (status, location)
        return self, urllib.parse.urlsplit(location).path


def _start_three_times_at_once(pairs) -> tuple[list[tuple["_Learner", str]], int]:
    """Start each learner's quiz three times, the starts shuffled among everyone's and sent
    at once; return one (learner, attempt path) a quiz, and how many quizzes got more than
    one attempt (each of the three must be sent to the same one)."""
    starts = [pair for pair in pairs for _ in range(3)]
    random.Random(SEED).shuffle(starts)
    paths = defaultdict(set)
    for (learner, module), (_, path) in zip(
        starts, _in_pool(lambda pair: pair[0].start(pair[1]), starts), strict=True
    ):
        paths[learner, module].add(path)
    attempts = [(learner, min(found)) for (learner, _), found in paths.items()]
    return attempts, sum(1 for found in paths.values() if len(found) > 1)


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

    def send(index_request):
        nonlocal dropped
        index, (learner, path, fields, autosave) = index_request
        if index == kill_at:
            _kill_a_worker(server)
        body = {"csrf_token": learner.token, **fields}
        headers = {"Accept": "application/json"} if autosave else {}
        for _ in range(3):
            try:
                status, _, _ = _send(learner.port, "POST", path, body, learner.cookie, headers)
                return status
            except (ConnectionError, http.client.HTTPException, OSError):
                dropped += 1  # the worker died with it: press the button again
                time.sleep(0.5)
        return 599

    with ThreadPoolExecutor(THREADS) as pool:
        for status in pool.map(send, enumerate(plan)):
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


def _send(port, method, path, fields, cookie, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = urllib.parse.urlencode(fields, doseq=True) if fields is not None else None
    sent = {"Cookie": cookie, **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body, sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, response.getheaders(), text
    finally:
        connection.close()


def _merge_cookies(cookie: str, headers) -> str:
    jar = dict(part.split("=", 1) for part in cookie.split("; "))
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.split(";")[0].partition("=")
            jar[key] = rest
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _in_pool(work, items):
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(work, items))


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
