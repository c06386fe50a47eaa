"""Item analysis of one quiz at 10,000 and 100,000 graded attempts: `make bench BENCH=items`.

The attempts are drawn by the demo seeder's own attempt generator (pools, shuffles and
plausible wrong answers) for the Referral routes quiz and written in bulk, each with its
answer rows, as grading writes them. Then `item_report()`, the service behind the
trainer's page and `linkwise item-stats`, is timed in the process, median of a few runs.
The target is 100,000 graded attempts in under 2 s on PostgreSQL.
"""

import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bench.server import app_env, databases, linkwise

SIZES = tuple(int(n) for n in os.environ.get("BENCH_ATTEMPTS", "10000,100000").split(","))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
QUIZ = "referral-routes-assessment"
TARGET_S = 2.0
PER_USER = 50  # attempts per bench learner: numbers 1 to 50, so first-only has a tenth


def _insert_dicts(connection, model, rows: list[dict]) -> list[int]:
    """Insert rows given as dicts (all with the same keys); return their new ids in order."""
    from app.services.seeding import _insert_with_ids

    columns = tuple(rows[0])
    values = [tuple(row[c] for c in columns) for row in rows]
    return _insert_with_ids(connection, model, columns, values)


def write_attempts(app, count: int, offset: int) -> None:
    """Write `count` more graded attempts of QUIZ, with answers, straight to the database."""
    from app import db
    from app.content import catalogue
    from app.domain.seeding import Course, _attempt
    from app.models import Answer, Attempt, User
    from app.services import quiz_versions
    from app.services.seeding import _bulk

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
            _bulk(connection, Answer, columns, answers)
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


def timed(app, **window) -> float:
    """Return the median seconds item_report takes for QUIZ."""
    from app.domain.item_report import Window
    from app.services.item_stats import item_report

    runs = []
    with app.app_context():
        item_report(QUIZ, Window(**window))  # a first run reads the question versions in
        for _ in range(REPEATS):
            started = time.perf_counter()
            report = item_report(QUIZ, Window(**window))
            runs.append(time.perf_counter() - started)
    assert report is not None and report.attempts
    return statistics.median(runs)


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
                every = timed(app)
                first = timed(app, first_only=True)
                results.append((label, size, every, first))
                print(f"  items: {label}, {size:,}: {every * 1000:,.0f} ms", flush=True)
            app.extensions["linkwise.engine"].dispose()
    print(f"\nItem analysis of {QUIZ} (14 questions an attempt), median of {REPEATS} runs")
    print(
        f"| database | graded attempts | all attempts | first only | of the {TARGET_S:g} s target |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, size, every, first in results:
        print(
            f"| {label} | {size:,} | {every * 1000:,.0f} ms | {first * 1000:,.0f} ms "
            f"| {every / TARGET_S:.2f} |"
        )
    for label in dict.fromkeys(r[0] for r in results):
        mine = [r for r in results if r[0] == label]
        if len(mine) > 1:
            growth = mine[-1][2] / mine[0][2]
            print(f"{label}: {mine[-1][1] // mine[0][1]}x the attempts took {growth:.1f}x the time")
