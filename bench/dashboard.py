"""The manager's dashboard and CSV export at 1,000, 10,000 and 100,000 learners.

For each database, the demo organisation grows to each size in turn with `linkwise
seed-demo --learners`, while gunicorn serves the app; at each size the demo manager's
pages are timed from the client, whole responses read.

Targets (the README's): on PostgreSQL, the dashboard and the sorted page at 100,000
learners x 40 competencies under 300 ms each and the CSV under 10 s; seeding at least
50,000 learners a minute. The shipped framework has fewer competencies, and the shipped
quizzes give evidence for fewer still, so the server runs with a copy of the framework
padded with an extra domain to 40 competencies, and the bench gives every learner a level
in each competency their seeded evidence did not rate. Every learner then has 40 levels:
the grid, the summary and the export carry the full load the targets name.

BENCH_BEFORE=DIR measures another checkout (of main, say) the same way after this one, on
its own database, each with its own code and framework: for before and after. DIR needs no
set-up of its own: its code runs with this checkout's Python packages.
"""

import http.client
import os
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bench.server import (
    ROOT,
    another_database,
    app_env,
    databases,
    linkwise,
    sign_in,
    start_server,
)

BEFORE = os.environ.get("BENCH_BEFORE")
SIZES = tuple(int(n) for n in os.environ.get("BENCH_LEARNERS", "1000,10000,100000").split(","))
COMPETENCIES = 40
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
TARGET_MS = 300  # the dashboard and the sorted page at 100,000 learners, PostgreSQL
CSV_TARGET_S = 10  # the CSV at 100,000 learners, PostgreSQL
PAGES = {
    "dashboard": "/manage/",
    "sorted": "/manage/?sort=competent&page={middle}",
    "filtered": "/manage/?profession=gp&module=referral-routes",
}


def padded_frameworks(folder: Path, root: Path = ROOT) -> tuple[Path, list[str], list[str]]:
    """Write the shipped framework padded to 40 competencies; return its folder, codes, scale."""
    source = Path(os.environ.get("LINKWISE_COMPETENCIES_DIR") or root / "competencies")
    target = folder / "competencies"
    target.mkdir()
    documents = {path.name: yaml.safe_load(path.read_text()) for path in source.glob("*.yaml")}
    codes = [
        competency["code"]
        for document in documents.values()
        for domain in document["domains"]
        for competency in domain["competencies"]
    ]
    # The grid shows one framework, the one for the learners' commonest profession (the
    # seeded learners are mostly link workers): that is the one padded to 40.
    first = documents.get("splw.yaml") or documents[min(documents)]
    shown = [c["code"] for domain in first["domains"] for c in domain["competencies"]]
    number = max(domain["number"] for domain in first["domains"]) + 1
    extra = [
        {
            "code": f"BENCH-{number}.{index}",
            "name": f"Benchmark competency {index}",
            "statement": "Padding that brings the framework to the size the target names.",
        }
        for index in range(1, COMPETENCIES - len(shown) + 1)
    ]
    if extra:
        first["domains"].append(
            {
                "number": number,
                "title": "Benchmark padding",
                "summary": "Competencies that only the benchmark uses.",
                "competencies": extra,
            }
        )
    for name, document in documents.items():
        (target / name).write_text(yaml.safe_dump(document, sort_keys=False))
    return target, codes + [c["code"] for c in extra], [level["name"] for level in first["scale"]]


def fill_levels(database_url: str, codes: list[str], scale: list[str]) -> int:
    """Give every demo learner a level in each competency they have none in; return all levels."""
    from sqlalchemy import (
        DateTime,
        case,
        create_engine,
        exists,
        func,
        insert,
        literal,
        select,
        true,
        union_all,
    )

    from app.config import normalise_database_url
    from app.models import CompetencyLevel, Organisation, User
    from app.services.demo import DEMO_ORGANISATION
    from app.services.seed_rows import COLUMNS

    engine = create_engine(normalise_database_url(database_url))
    wanted = union_all(
        *(
            select(literal(code).label("code"), literal(i).label("idx"))
            for i, code in enumerate(codes)
        )
    ).cte("wanted")
    score = (User.id * 37 + wanted.c.idx * 101) % 100
    level = case((score >= 80, scale[-1]), (score >= 50, scale[len(scale) // 2]), else_=scale[0])
    with engine.begin() as connection:
        organisation = connection.scalar(
            select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)
        )
        connection.execute(
            insert(CompetencyLevel).from_select(
                # The seeder's first columns, in its order; the practice columns keep
                # their defaults (not started, not met).
                COLUMNS[CompetencyLevel][:7],
                select(
                    User.id,
                    User.organisation_id,
                    wanted.c.code,
                    level,
                    score,
                    literal(3),
                    literal(datetime.now(UTC).replace(tzinfo=None), DateTime),
                )
                .select_from(User)
                .join(wanted, true())  # every learner with every competency
                .where(
                    User.organisation_id == organisation,
                    User.role == "learner",
                    ~exists().where(
                        CompetencyLevel.user_id == User.id,
                        CompetencyLevel.competency_code == wanted.c.code,
                    ),
                ),
            )
        )
        total = connection.scalar(select(func.count()).select_from(CompetencyLevel))
    # A database in service has its statistics and visibility map kept by autovacuum.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        )
    engine.dispose()
    return total


def timed_get(port: int, path: str, cookie: str) -> tuple[float, int]:
    """Return the seconds a whole response took, and its size in bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return elapsed, len(body)


def median_time(port: int, path: str, cookie: str, repeats: int) -> tuple[float, int]:
    timed_get(port, path, cookie)  # warm: the first request of a worker pays for imports
    runs = [timed_get(port, path, cookie) for _ in range(repeats)]
    return statistics.median(t for t, _ in runs), runs[0][1]


def measure(label: str, database_url: str, folder: Path, root: Path = ROOT) -> list[dict]:
    """Grow the demo organisation through SIZES; time the manager's pages at each size."""
    competencies, codes, scale = padded_frameworks(folder, root)
    env = app_env(database_url, PYTHONPATH=str(root), LINKWISE_COMPETENCIES_DIR=str(competencies))
    server, port = start_server(env, workers=2, threads=4, root=root)
    rows, seeded = [], 0
    try:
        cookie = sign_in(port, "manager@example.org")
        for size in SIZES:
            printed = linkwise(
                env,
                "seed-demo",
                "--learners",
                str(size - seeded),
                "--seed",
                "7",
                "--without-answers",
            )
            speed = float(re.search(r"\(([\d,]+) learners a minute\)", printed)[1].replace(",", ""))
            seeded = size
            levels = fill_levels(database_url, codes, scale)
            row = {"database": label, "learners": size, "levels": levels, "seed_rate": speed}
            for name, path in PAGES.items():
                page = path.format(middle=max(1, size // 25 // 2))
                row[name] = median_time(port, page, cookie, REPEATS)[0]
            csv_seconds, csv_bytes = median_time(
                port, "/manage/export.csv", cookie, 3 if size <= 10_000 else 1
            )
            row.update(csv=csv_seconds, csv_mb=csv_bytes / 1e6)
            rows.append(row)
            print(f"  {label} {size:,} learners: done", flush=True)
    finally:
        server.terminate()
        server.wait()
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            work = Path(folder) / label
            work.mkdir()
            rows += measure(label, url, work)
            if BEFORE:
                with another_database(url) as before_url:
                    (work / "before").mkdir()
                    rows += measure(f"{label} (before)", before_url, work / "before", Path(BEFORE))
    print(
        f"\nManager dashboard and CSV export: gunicorn (2 threaded workers, as in production, "
        f"30 s timeout), one client, median of {REPEATS} "
        f"requests (CSV: 3 up to 10,000 learners, then 1),\n{COMPETENCIES} competencies, "
        "every learner rated in each; seed rate is seed-demo's own figure, one run"
    )
    print(
        f"{'database':<20} {'learners':>8} {'levels':>9} {'seeded/min':>10} {'dashboard':>10} "
        f"{'sorted p.':>10} {'filtered':>9} {'CSV':>8} {'CSV MB':>7} {'ms/1k':>6}"
    )
    for row in rows:
        print(
            f"{row['database']:<20} {row['learners']:>8,} {row['levels']:>9,} "
            f"{row['seed_rate']:>10,.0f} {row['dashboard'] * 1000:>8.0f}ms "
            f"{row['sorted'] * 1000:>8.0f}ms {row['filtered'] * 1000:>7.0f}ms "
            f"{row['csv']:>7.1f}s {row['csv_mb']:>7.1f} "
            f"{row['dashboard'] * 1e6 / row['learners']:>6.1f}"
        )
    if BEFORE:
        print(f"'(before)': the checkout in {BEFORE}, measured after this one")
    print(
        f"Targets: on PostgreSQL at 100,000 learners, dashboard and sorted page < {TARGET_MS} ms, "
        f"CSV < {CSV_TARGET_S} s;\nseeding >= 50,000 a minute; time per learner (ms/1k) not "
        "growing with learners."
    )
