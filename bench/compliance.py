"""The compliance matrix and its CSV at 1,000, 10,000 and 100,000 learners.

The demo PCN grows to each size with `linkwise seed-demo --learners`, then `--practices`
spreads the learners over three practices and assigns modules with due dates. The demo
manager (the whole PCN) and the practice manager (one practice) are timed from the client,
whole responses read, while gunicorn serves the app as the README says.
"""

import os
import tempfile
from pathlib import Path

from bench.dashboard import median_time
from bench.server import app_env, databases, linkwise, sign_in, start_server

SIZES = tuple(int(n) for n in os.environ.get("BENCH_LEARNERS", "1000,10000,100000").split(","))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
PAGES = {
    "matrix": ("manager@example.org", "/manage/compliance"),
    "overdue": ("manager@example.org", "/manage/compliance?status=overdue"),
    "practice": ("practice.manager@example.org", "/manage/compliance"),
    "csv": ("manager@example.org", "/manage/compliance.csv"),
    "competencies": ("manager@example.org", "/manage/compliance?framework=splw"),
    "search": ("manager@example.org", "/manage/?q=smith"),
    "search page": ("manager@example.org", "/manage/?q=a&page=30"),
}


def measure(label: str, database_url: str) -> list[dict]:
    """Grow the demo PCN through SIZES; time the compliance pages at each size."""
    env = app_env(database_url)
    server, port = start_server(env, workers=2, threads=4)
    rows, seeded, cookies = [], 0, {}
    try:
        for size in SIZES:
            linkwise(env, "seed-demo", "--learners", str(size - seeded), "--seed", "7")
            linkwise(env, "seed-demo", "--practices")
            seeded = size
            row = {"database": label, "learners": size}
            for name, (email, path) in PAGES.items():
                cookie = cookies.get(email) or cookies.setdefault(email, sign_in(port, email))
                repeats = REPEATS if size <= 10_000 else 1
                try:
                    row[name] = median_time(port, path, cookie, repeats)[0]
                except RuntimeError as refused:  # a statement timeout answers 503
                    print(f"  {label} {size:,} learners: {refused}", flush=True)
                    row[name] = float("nan")
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
            (Path(folder) / label).mkdir()
            rows += measure(label, url)
    print(
        f"\nCompliance matrix (learners x assigned modules, worked out on the day asked): "
        f"gunicorn, 2 threaded workers, one client, median of {REPEATS} requests "
        "(1 above 10,000 learners)"
    )
    print(
        f"{'database':<11} {'learners':>8} {'matrix':>9} {'overdue':>9} {'practice':>9} "
        f"{'CSV':>9} {'comps':>9} {'search':>9} {'srch p30':>9} {'ms/1k':>6}"
    )
    for row in rows:
        print(
            f"{row['database']:<11} {row['learners']:>8,} {row['matrix'] * 1000:>7.0f}ms "
            f"{row['overdue'] * 1000:>7.0f}ms {row['practice'] * 1000:>7.0f}ms "
            f"{row['csv'] * 1000:>7.0f}ms {row['competencies'] * 1000:>7.0f}ms "
            f"{row['search'] * 1000:>7.0f}ms {row['search page'] * 1000:>7.0f}ms "
            f"{row['matrix'] * 1e6 / row['learners']:>6.1f}"
        )
    print(
        "comps: the matrix with the link worker framework's competency columns; search: the "
        "grid searched by name or email, and its page 30."
    )
    print("Read as ratios: time per learner (ms/1k) should not grow with learners.")
