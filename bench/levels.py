"""`linkwise recompute-levels` at 10,000 and 100,000 learners.

The demo organisation grows to each size with `linkwise seed-demo --learners`; at each
size every learner is re-rated from their evidence by the command, timed from outside.
PostgreSQL is the target (100,000 learners in under two minutes); SQLite is measured at
the smaller sizes only, where a single-file database is still a sensible choice.
"""

import os
import re
import tempfile
import time

from sqlalchemy import create_engine, text

from bench.server import app_env, databases, linkwise

SIZES = tuple(int(n) for n in os.environ.get("BENCH_LEARNERS", "10000,100000").split(","))
SQLITE_UP_TO = 10_000
TARGET_SECONDS = 120  # 100,000 learners on PostgreSQL


def counts(database_url: str) -> tuple[int, int]:
    """Return the evidence and competency_level rows in the database."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        evidence = connection.execute(text("SELECT count(*) FROM evidence")).scalar_one()
        levels = connection.execute(text("SELECT count(*) FROM competency_level")).scalar_one()
    engine.dispose()
    return evidence, levels


def measure(label: str, database_url: str) -> list[dict]:
    """Grow the demo organisation through SIZES; time a full re-rating at each size."""
    env = app_env(database_url)
    linkwise(env, "db", "upgrade")
    linkwise(env, "seed-demo")
    rows, seeded = [], 0
    for size in SIZES:
        if label == "SQLite" and size > SQLITE_UP_TO:
            break
        linkwise(env, "seed-demo", "--learners", str(size - seeded), "--seed", "11")
        seeded = size
        started = time.perf_counter()
        printed = linkwise(env, "recompute-levels")
        seconds = time.perf_counter() - started
        rated = int(re.search(r"re-rated ([\d,]+)", printed)[1].replace(",", ""))
        evidence, levels = counts(database_url)
        rows.append(
            {
                "database": label,
                "learners": size,
                "rated": rated,
                "evidence": evidence,
                "levels": levels,
                "seconds": seconds,
            }  # fmt: skip
        )
        print(f"  {label} {size:,} learners: {seconds:.1f}s", flush=True)
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            rows += measure(label, url)
    print(
        "\nlinkwise recompute-levels: every learner with evidence re-rated by the one rating "
        "function, wall-clock time of the command (start-up included), one run"
    )
    print(
        f"{'database':<11} {'learners':>8} {'evidence':>10} {'levels':>9} {'seconds':>8} "
        f"{'learners/s':>10} {'µs/level':>9}"
    )
    for row in rows:
        print(
            f"{row['database']:<11} {row['learners']:>8,} {row['evidence']:>10,} "
            f"{row['levels']:>9,} {row['seconds']:>8.1f} "
            f"{row['rated'] / row['seconds']:>10,.0f} {row['seconds'] * 1e6 / row['levels']:>9.1f}"
        )
    postgres = {r["learners"]: r["seconds"] for r in rows if r["database"] == "PostgreSQL"}
    if 10_000 in postgres and 100_000 in postgres:
        print(
            f"PostgreSQL 100,000 / 10,000 learners: {postgres[100_000] / postgres[10_000]:.1f}x "
            f"the time for 10x the learners; 100,000 took {postgres[100_000] / TARGET_SECONDS:.0%} "
            f"of the two-minute target"
        )
