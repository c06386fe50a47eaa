"""Item analysis of one quiz at 10,000 and 100,000 graded attempts: `make bench BENCH=items`.

The attempts are drawn by the demo seeder's own attempt generator (pools, shuffles and
plausible wrong answers) for the Referral routes quiz and written in bulk, each with its
answer rows, as grading writes them. Then `item_report()`, the service behind the
trainer's page and `linkwise item-stats`, is timed in the process, median of a few runs,
for all attempts, first attempts only, and all with each competency's scores.
The target is 100,000 graded attempts in under 2 s on PostgreSQL.

BENCH_BEFORE=DIR also times another checkout's item analysis (of main, say) on the same
attempts, alternating with this one's for BENCH_ROUNDS rounds; each side's best median is
shown.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.item_timing import VIEWS, timed
from bench.server import app_env, databases, linkwise

SIZES = tuple(int(n) for n in os.environ.get("BENCH_ATTEMPTS", "10000,100000").split(","))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
QUIZ = "referral-routes-assessment"
TARGET_S = 2.0
PER_USER = 50  # attempts per bench learner: numbers 1 to 50, so first-only has a tenth
BEFORE = os.environ.get("BENCH_BEFORE")  # another checkout, timed on the same attempts
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2" if BEFORE else "1"))
TIMING = Path(__file__).resolve().with_name("item_timing.py")


def _insert_dicts(connection, model, rows: list[dict]) -> list[int]:
    """Insert rows given as dicts (all with the same keys); return their new ids in order."""
    from app.services.seed_batches import insert_with_ids

    columns = tuple(rows[0])
    values = [tuple(row[c] for c in columns) for row in rows]
    return insert_with_ids(connection, model, columns, values)


def write_attempts(app, count: int, offset: int) -> None:
    """Write `count` more graded attempts of QUIZ, with answers, straight to the database."""
    from app import db
    from app.content import catalogue
    from app.domain.seeding import Course, _attempt
    from app.models import Answer, Attempt, User
    from app.services import quiz_versions
    from app.services.seed_batches import write_rows

    with app.app_context():
        course = Course(catalogue())
        module = next(m for m in course.modules if m.assessment.id == QUIZ)
        session = db.session()
        quiz_versions.store(session, course.versions)
        session.commit()
        rng = random.Random(offset)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        with db.engine().begin() as connection:
            users = _insert_dicts(
                connection,
                User,
                [
                    {
                        "email": f"bench-items-{offset + n}@example.org",
                        "full_name": "Bench Learner",
                        "password_hash": "x",
                        "profession": "gp",
                        "role": "learner",
                        "professional_confirmed_at": start,
                        "professional_confirmed_as": "gp",
                        "session_token": f"bench{offset + n}",
                        "created_at": start,
                    }
                    for n in range(-(-count // PER_USER))
                ],
            )
            drawn = []
            for n in range(count):
                at = start + timedelta(minutes=n)
                drawn.append(
                    _attempt(course, module, rng, rng.gauss(0, 1), n % PER_USER + 1, at, at)
                )
            rows = [
                {
                    "user_id": users[n // PER_USER],
                    "quiz_id": a.quiz_id,
                    "module_slug": a.module_slug,
                    "number": a.number,
                    "status": "graded",
                    "selection": a.selection,
                    "revision": 0,
                    "started_at": a.started_at,
                    "submitted_at": a.submitted_at,
                    "points": a.points,
                    "points_possible": a.points_possible,
                    "percent": a.percent,
                    "passed": a.passed,
                }
                for n, a in enumerate(drawn)
            ]
            ids = _insert_dicts(connection, Attempt, rows)
            answers = [
                (attempt_id, qid, json.dumps({"value": value}), a.submitted_at, pts, 0, version)
                for attempt_id, a in zip(ids, drawn, strict=True)
                for qid, version, value, pts in a.answers
            ]
            columns = (
                "attempt_id",
                "question_id",
                "response",
                "saved_at",
                "points",
                "revision",
                "question_version",
            )
            write_rows(connection, Answer, columns, answers)
        if db.engine().dialect.name == "postgresql":
            # As autovacuum would soon after: statistics, and the visibility map that lets
            # the attempts be read from their index alone.
            # A plain engine: the app's sends BEGIN before any statement but a SELECT, and
            # VACUUM cannot run inside a transaction.
            from sqlalchemy import create_engine

            plain = create_engine(db.engine().url, isolation_level="AUTOCOMMIT")
            with plain.connect() as c:
                c.exec_driver_sql("VACUUM ANALYZE attempt")
                c.exec_driver_sql("VACUUM ANALYZE answer")
            plain.dispose()


def timed_before(url: str) -> dict[str, float]:
    """Return BENCH_BEFORE's median seconds per view, its code run on this database."""
    env = {**os.environ, "PYTHONPATH": BEFORE}
    run = subprocess.run(
        [sys.executable, str(TIMING), url, QUIZ, str(REPEATS)],
        cwd=BEFORE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.splitlines()[-1])


def best(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Return each view's best median over the rounds."""
    return {name: min(r[name] for r in rounds) for name in VIEWS}


def main() -> None:
    """Print the item analysis times per database and size, against the 2 s target."""
    from app import create_app

    # Writing 1.4 million answer rows takes longer than a web request may; reports do not.
    os.environ["LINKWISE_DB_STATEMENT_TIMEOUT"] = "0"
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            linkwise(app_env(url), "db", "upgrade")
            app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "b"})
            written = 0
            for size in SIZES:
                print(f"  items: {label}, writing attempts up to {size:,}", flush=True)
                write_attempts(app, size - written, written)
                written = size
                mine, before = [], []
                for _ in range(ROUNDS):
                    mine.append(timed(app, QUIZ, REPEATS))
                    if BEFORE:
                        before.append(timed_before(url))
                results.append((label, size, best(mine)))
                if BEFORE:
                    results.append((f"{label} (before)", size, best(before)))
                print(f"  items: {label}, {size:,}: {best(mine)['all'] * 1000:,.0f} ms", flush=True)
            app.extensions["linkwise.engine"].dispose()
    print(f"\nItem analysis of {QUIZ} (14 questions an attempt), median of {REPEATS} runs")
    if BEFORE:
        print(f"'(before)': the checkout in {BEFORE}, best of {ROUNDS} alternating rounds")
    print(
        "| database | graded attempts | all attempts | first only | with competency scores "
        f"| of the {TARGET_S:g} s target |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, size, times in results:
        every, first, scores = (times[name] * 1000 for name in VIEWS)
        print(
            f"| {label} | {size:,} | {every:,.0f} ms | {first:,.0f} ms | {scores:,.0f} ms "
            f"| {times['all'] / TARGET_S:.2f} |"
        )
    for label in dict.fromkeys(r[0] for r in results):
        mine = [r for r in results if r[0] == label]
        if len(mine) > 1:
            growth = mine[-1][2]["all"] / mine[0][2]["all"]
            print(f"{label}: {mine[-1][1] // mine[0][1]}x the attempts took {growth:.1f}x the time")
