"""Time the item analysis of whichever checkout's `app` is imported: in the bench, or alone.

`python bench/item_timing.py DATABASE_URL QUIZ REPEATS`, run in another checkout's folder
with it on PYTHONPATH, prints that checkout's times as JSON: how `BENCH_BEFORE` times the
code before a change on the same database, in the same rounds. Only `item_report` and
`Window`, which every checkout since the item analysis began has, are used.
"""

import json
import statistics
import sys
import time

# The views timed: all attempts, first attempts only, all with each competency's scores.
VIEWS = {
    "all": ({}, False),
    "first": ({"first_only": True}, False),
    "competencies": ({}, True),
}


def timed(app, quiz: str, repeats: int) -> dict[str, float]:
    """Return the median seconds of `item_report` for each view, after one run to warm up."""
    from app.domain.item_report import Window
    from app.services.item_stats import item_report

    medians = {}
    with app.app_context():
        for name, (window, scores) in VIEWS.items():
            report = item_report(quiz, Window(**window), competency_scores=scores)
            runs = []
            for _ in range(repeats):
                started = time.perf_counter()
                report = item_report(quiz, Window(**window), competency_scores=scores)
                runs.append(time.perf_counter() - started)
            assert report is not None and report.attempts, (name, report)
            medians[name] = statistics.median(runs)
    return medians


if __name__ == "__main__":
    from app import create_app

    url, quiz, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "b"})
    print(json.dumps(timed(app, quiz, repeats)))
    app.extensions["linkwise.engine"].dispose()
