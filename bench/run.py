"""Benchmarks, reported as ratios and tables measured in one run: `make bench`.

`python bench/run.py [screen] [content] [dashboard] [items] [levels] [compliance]
[instructions]` runs the ones named, or all. Each runs on a throwaway SQLite database, and on
a throwaway PostgreSQL database on the server named by BENCH_DATABASE_URL or
TEST_DATABASE_URL when either is set.
"""

import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import compliance, content, dashboard, instructions, items, levels, screen  # noqa: E402

BENCHMARKS = {
    "screen": screen.main,
    "content": content.main,
    "dashboard": dashboard.main,
    "items": items.main,
    "levels": levels.main,
    "compliance": compliance.main,
    "instructions": instructions.main,
}


def main(names: list[str]) -> None:
    # Stopped with SIGTERM, unwind as on Ctrl+C, so the servers a bench started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        sys.exit(
            f"unknown benchmark {', '.join(sorted(unknown))}: choose from {', '.join(BENCHMARKS)}"
        )
    for name in names or BENCHMARKS:
        BENCHMARKS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
