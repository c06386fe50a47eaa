"""What one request costs: a signed-in screen and a quiz submit against a bare Flask app and nginx.

Everything runs in one run, in interleaved rounds (every target once per round, in turn),
so a passing hiccup on a shared machine hits all of them alike; medians are kept:
- a five-line Flask app (bench/bare.py) and Linkwise, each under the README's own gunicorn
  command (read from the README), and nginx serving the screen's HTML saved to disk;
- flat out, wrk (keep-alive) gives requests a second; the servers' CPU per request is read
  from /proc (gunicorn's or nginx's processes, plus PostgreSQL's backends for the bench's
  database), which is steadier than requests a second when others share the machine;
- then each target at a fixed, moderate rate (half what it managed flat out, at most
  BENCH_RATE_CAP a second) gives p50 and p99 latency from an open-loop client;
- quiz submits are each a different attempt, prepared through the site's forms
  (bench/quiz.py) and sent flat out by wrk too, each once (bench/prepared.lua), after a
  warm-up batch as the pages get; grades are counted in the database.
"""

import os
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench import load, nginx, quiz
from bench.procstat import CpuMeter, family
from bench.server import (
    ROOT,
    another_database,
    app_env,
    course,
    database_backends,
    databases,
    linkwise,
    screen_path,
    settle,
    sign_in,
    start_gunicorn,
    stop,
)
from bench.targets import CONCURRENCY, DURATION, LATENCY_SECONDS, SubmitTarget, Target

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RATE_CAP = float(os.environ.get("BENCH_RATE_CAP", "300"))
# BENCH_BEFORE=DIR serves another checkout (of main, say) beside this one, for before and
# after figures from the same run; each migrates, seeds and serves its own database.
BEFORE = os.environ.get("BENCH_BEFORE")
# Each learner holds one prepared submit per module at a time, and a round prepares twice
# what it expects to send: at 900 submits a second a checkout needs about 1,500 learners.
LEARNERS = int(os.environ.get("BENCH_QUIZ_LEARNERS", "3000" if BEFORE else "1500"))
# BENCH_PAGES_ONLY=1 leaves the quiz submits out (and the learners they need): the bare,
# /healthz, screen and nginx figures in a third of the time.
PAGES_ONLY = bool(os.environ.get("BENCH_PAGES_ONLY"))
# BENCH_SUBMIT_ONLY=1 keeps bare Flask, the screen and the quiz submit: their ratios, quickly.
SUBMIT_ONLY = bool(os.environ.get("BENCH_SUBMIT_ONLY"))
TARGETS = {"screen": 0.25, "nginx": 0.02, "submit": 0.3, "submit_p99_ms": 250}


def measure(label: str, database_url: str) -> list[Target]:
    """Serve everything for one database and load each target in interleaved rounds."""
    with ExitStack() as cleanup:
        checkouts = [("", ROOT, database_url)]
        if BEFORE:
            before_url = cleanup.enter_context(another_database(database_url))
            checkouts.append((" (before)", Path(BEFORE), before_url))
        return _measure(label, database_url, checkouts)


def _seeded(root: Path, database_url: str, catalogue) -> list[str]:
    """Migrate and seed one checkout's database; return its quiz-taking learners' emails."""
    env = app_env(database_url, PYTHONPATH=str(root))
    linkwise(env, "db", "upgrade")
    linkwise(env, "seed-demo")
    emails = [] if PAGES_ONLY else quiz.seed_learners(env, database_url, LEARNERS, catalogue)
    settle(database_url)
    return emails


def _measure(label: str, database_url: str, checkouts) -> list[Target]:
    env = app_env(database_url)
    catalogue = course()
    modules = [m.slug for m in catalogue.modules if m.assessment]
    servers, nginx_folder = [], None
    try:
        bare, bare_port = start_gunicorn(env, "bench.bare:app")
        servers.append(bare)
        # (label suffix, port, meter, learners, database, cookie): this checkout, then
        # BENCH_BEFORE's, each on its own database; half the learners of each take quizzes,
        # so the two send the same number of submits as when they shared one database.
        apps = []
        for suffix, root, own_url in checkouts:
            emails = _seeded(root, own_url, catalogue)[:: len(checkouts)]
            url = named_connections(own_url, "linkwise-before" if suffix else "linkwise")
            app, port = start_gunicorn(app_env(url, PYTHONPATH=str(root)), root=root)
            servers.append(app)
            meter = CpuMeter(lambda app=app: family(app.pid), database_backends(url))
            apps.append((suffix, port, meter, emails, own_url, sign_in(port)))
        cookie = apps[0][5]
        page = screen_path()
        pages = [("screen", page, {})]
        if not SUBMIT_ONLY:
            gzip = {"Accept-Encoding": "gzip"}
            pages = [("/healthz", "/healthz", None), *pages, ("screen, gzip", page, gzip)]
        targets = [Target("bare Flask", bare_port, CpuMeter(lambda: family(bare.pid)))]
        for name, path, headers in pages:
            targets += [
                Target(name + s, port, m, path, {} if headers is None else {"Cookie": c, **headers})
                for s, port, m, _, _, c in apps
            ]
        targets += [
            SubmitTarget("quiz submit" + s, port, m, quiz.Submits(port, learners, modules), url)
            for s, port, m, learners, url, _ in apps
            if not PAGES_ONLY
        ]
        if nginx.available() and not SUBMIT_ONLY:
            html = quiz.Browser(apps[0][1])
            html.cookies = dict(c.split("=", 1) for c in cookie.split("; "))
            status, _, body = html.request("GET", page)
            assert status == 200, status
            server, port, nginx_folder = nginx.start({"screen.html": body.encode()}, 4)
            servers.append(server)
            meter = CpuMeter(lambda: family(server.pid))
            targets.append(Target("nginx, saved screen", port, meter, "/screen.html"))
        run_rounds(label, targets)
        return targets
    finally:
        for server in servers:
            stop(server)
        if nginx_folder:
            shutil.rmtree(nginx_folder)


def run_rounds(label: str, targets: list[Target]) -> None:
    """Warm every server, then load the targets in turn: flat out, then at a fixed rate."""
    for target in targets:
        target.warm_up()
    for number in range(ROUNDS):
        print(f"  {label}: round {number + 1} of {ROUNDS} flat out", flush=True)
        for target in targets:
            target.saturate()
    for target in targets:
        target.rate = min(target.throughput / 2, RATE_CAP)
    for number in range(ROUNDS):
        print(f"  {label}: round {number + 1} of {ROUNDS} at a fixed rate", flush=True)
        for target in targets:
            target.pace()


def named_connections(database_url: str, name: str) -> str:
    """Return a PostgreSQL URL whose connections say which app they serve (SQLite: as it is)."""
    if not database_url.startswith("postgresql"):
        return database_url
    return f"{database_url}{'&' if '?' in database_url else '?'}application_name={name}"


def main() -> None:
    """Run the bench on each database and print the table."""
    if not load.HAS_WRK:
        raise SystemExit("make bench needs wrk: apt-get install wrk")
    if PAGES_ONLY and SUBMIT_ONLY:
        raise SystemExit("BENCH_PAGES_ONLY and BENCH_SUBMIT_ONLY leave each other nothing")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            results.append((label, measure(label, url)))
    print(
        f"\nPer-request cost, one run: the README's gunicorn command, {CONCURRENCY} keep-alive "
        f"connections (wrk, submits included),\n{ROUNDS} interleaved rounds of "
        f"{DURATION:.0f} s flat out (medians), then {ROUNDS} of {LATENCY_SECONDS:.0f} s at "
        f"half that rate (at most {RATE_CAP:.0f}/s) for latency"
    )
    if BEFORE:
        print(f"'(before)': the checkout in {BEFORE}, served beside this one")
    if not nginx.available() and not SUBMIT_ONLY:
        print("nginx is not installed (apt-get install nginx): its comparison is left out")
    for label, targets in results:
        report(label, targets)


def report(label: str, targets: list[Target]) -> None:
    """Print one database's table and ratios."""
    print(f"\n{label}")
    print(
        f"{'':<28} {'req/s':>7} {'CPU ms/req':>11} {'of it db':>9} {'KB/resp':>8} "
        f"{'at req/s':>9} {'p50 ms':>7} {'p99 ms':>7}"
    )
    for t in targets:
        errors = f"  {t.errors} errors" if t.errors else ""
        # SQLite works inside the app's processes; PostgreSQL's backends are counted apart.
        database = f"{t.database_cpu * 1000:.3f}" if t.database_cpu else "-"
        if isinstance(t, SubmitTarget):
            errors += f"  graded {t.graded} of {t.sent} sent, {t.passed} passed"
        print(
            f"{t.name:<28} {t.throughput:>7.0f} {t.cpu * 1000:>11.3f} "
            f"{database:>9} {t.size / 1024:>8.1f} {t.rate:>9.0f} "
            f"{load.percentile(t.latencies, 0.5) * 1000:>7.1f} "
            f"{load.percentile(t.latencies, 0.99) * 1000:>7.1f}{errors}"
        )
    by_name = {t.name: t for t in targets}
    print(f"{'ratio':<28} {'req/s':>7} {'CPU':>7}  {'CPU, each round':<22} target")
    for suffix in ("", " (before)") if BEFORE else ("",):
        screen = by_name["screen" + suffix]
        pairs = [
            ("screen / bare Flask", screen, by_name["bare Flask"], f">= {TARGETS['screen']}"),
            (
                "screen / nginx",
                screen,
                by_name.get("nginx, saved screen"),
                f">= {TARGETS['nginx']}",
            ),
            (
                "submit / screen",
                by_name.get("quiz submit" + suffix),
                screen,
                f">= {TARGETS['submit']}",
            ),
        ]
        for name, top, bottom, target in pairs:
            if top is not None and bottom is not None:
                rounds = " ".join(f"{r:.3f}" for r in round_ratios(top, bottom))
                print(
                    f"{name + suffix:<28} {top.throughput / bottom.throughput:>7.3f} "
                    f"{bottom.cpu / top.cpu:>7.3f}  {rounds:<22} {target}"
                )
    if BEFORE:
        for name in ("/healthz", "screen", "screen, gzip", "quiz submit"):
            if name not in by_name:
                continue
            now, before = by_name[name], by_name[name + " (before)"]
            print(
                f"{name + ' now / before':<28} {now.throughput / before.throughput:>7.3f} "
                f"{before.cpu / now.cpu:>7.3f}"
            )
    print(
        f"submit: target on PostgreSQL; its p99 at half of saturation under "
        f"{TARGETS['submit_p99_ms']} ms. CPU: the inverse ratio of CPU per request\n"
        "(medians over the rounds); each round: the same ratio from the two targets' runs of "
        "that round, seconds\napart, so the table shows how far the machine's speed moved "
        "during the run"
    )


def round_ratios(top: Target, bottom: Target) -> list[float]:
    """Return the inverse ratio of CPU per request of each round, from that round's two runs."""
    return [b / t for (_, t, _), (_, b, _) in zip(top.runs, bottom.runs, strict=True)]
