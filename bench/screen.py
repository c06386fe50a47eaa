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
  (bench/quiz.py) and sent by a Python client; grades are counted in the database.
"""

import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass, field

from bench import load, nginx, quiz
from bench.procstat import CpuMeter, family
from bench.server import (
    app_env,
    course,
    database_backends,
    databases,
    linkwise,
    screen_path,
    sign_in,
    start_gunicorn,
    stop,
)

DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
RATE_CAP = float(os.environ.get("BENCH_RATE_CAP", "300"))
LEARNERS = int(os.environ.get("BENCH_QUIZ_LEARNERS", "600"))
TARGETS = {"screen": 0.25, "nginx": 0.02, "submit": 0.3, "submit_p99_ms": 250}


@dataclass
class Target:
    """One thing to load: where it is, what to send, which processes serve it."""

    name: str
    port: int
    meter: CpuMeter
    path: str = "/"
    headers: dict = field(default_factory=dict)
    runs: list = field(default_factory=list)  # (req/s, CPU s per request, of it the database's)
    latencies: list = field(default_factory=list)
    errors: int = 0
    rate: float = 0.0
    size: float = float("nan")  # bytes a response, headers included

    @property
    def throughput(self) -> float:
        """Return the median requests a second."""
        return statistics.median(r for r, _, _ in self.runs)

    @property
    def cpu(self) -> float:
        """Return the median server CPU seconds per request, the database's included."""
        return statistics.median(c for _, c, _ in self.runs)

    @property
    def database_cpu(self) -> float:
        """Return the median CPU seconds per request of the database server."""
        return statistics.median(d for _, _, d in self.runs)

    def saturate(self) -> None:
        """Load the target flat out with wrk for one round."""
        self.meter.start()
        result = load.wrk(self.port, self.path, self.headers, DURATION, CONCURRENCY)
        self._record(result.rate, self.meter.stop(), result.requests, result.errors)
        self.size = result.received / max(1, result.requests)

    def pace(self) -> None:
        """Load the target at its fixed rate for one round, keeping latencies."""
        request = load.get_request(self.path, self.headers)
        latencies, errors = load.open_loop(self.port, [request], self.rate, LATENCY_SECONDS, [200])
        self.latencies += latencies
        self.errors += errors

    def _record(self, rate: float, cpu: tuple, requests: int, errors: int) -> None:
        server, database = cpu
        self.runs.append(
            (rate, (server + database) / max(1, requests), database / max(1, requests))
        )
        self.errors += errors


class SubmitTarget(Target):
    """Final quiz submits: each request grades a different attempt."""

    def __init__(self, port, meter, submits: quiz.Submits, database_url: str):
        super().__init__("quiz submit", port, meter)
        self.submits, self.database_url = submits, database_url
        self.sent = self.graded = 0

    def saturate(self) -> None:
        """Send prepared submits flat out for one round; count the grades in the database."""
        guess = max((r for r, _ in self.runs), default=60.0)
        ready = self.submits.take(int(guess * 1.25 * DURATION) + CONCURRENCY)
        before = quiz.graded_attempts(self.database_url)
        self.meter.start()
        result = load.closed_loop(
            self.port, [s.request for s in ready], DURATION, CONCURRENCY, (302, 303)
        )
        cpu = self.meter.stop()
        graded = quiz.graded_attempts(self.database_url) - before
        self.submits.sent(result.requests)
        self.sent, self.graded = self.sent + result.requests, self.graded + graded
        self._record(graded / result.seconds, cpu, result.requests, result.errors)

    def pace(self) -> None:
        """Send prepared submits at the fixed rate for one round."""
        ready = self.submits.take(int(self.rate * LATENCY_SECONDS))
        seconds = len(ready) / self.rate
        latencies, errors = load.open_loop(
            self.port, [s.request for s in ready], self.rate, seconds, (302, 303)
        )
        self.submits.sent(len(ready))
        self.latencies += latencies
        self.errors += errors


def measure(label: str, database_url: str) -> list[Target]:
    """Serve everything for one database and load each target in interleaved rounds."""
    env = app_env(database_url)
    linkwise(env, "db", "upgrade")
    linkwise(env, "seed-demo")
    catalogue = course()
    emails = quiz.seed_learners(env, database_url, LEARNERS, catalogue)
    servers, nginx_folder = [], None
    try:
        app, app_port = start_gunicorn(env)
        servers.append(app)
        bare, bare_port = start_gunicorn(env, "bench.bare:app")
        servers.append(bare)
        backends = database_backends(database_url)
        app_meter = CpuMeter(lambda: family(app.pid), backends)
        cookie = sign_in(app_port)
        page = screen_path()
        screen = {"Cookie": cookie}
        targets = [
            Target("bare Flask", bare_port, CpuMeter(lambda: family(bare.pid))),
            Target("/healthz", app_port, app_meter, "/healthz"),
            Target("screen", app_port, app_meter, page, screen),
            Target(
                "screen, gzip", app_port, app_meter, page, {**screen, "Accept-Encoding": "gzip"}
            ),
        ]
        modules = [m.slug for m in catalogue.modules if m.assessment]
        submits = quiz.Submits(app_port, emails, modules)
        targets.append(SubmitTarget(app_port, app_meter, submits, database_url))
        if nginx.available():
            html = quiz.Browser(app_port)
            html.cookies = dict(c.split("=", 1) for c in cookie.split("; "))
            status, _, body = html.request("GET", page)
            assert status == 200, status
            server, port, nginx_folder = nginx.start({"screen.html": body.encode()}, 4)
            servers.append(server)
            targets.append(
                Target(
                    "nginx, saved screen",
                    port,
                    CpuMeter(lambda: family(server.pid)),
                    "/screen.html",
                )
            )
        for target in targets:  # warm every worker: imports, template compiling, pools
            if not isinstance(target, SubmitTarget):
                load.wrk(target.port, target.path, target.headers, 1, CONCURRENCY)
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
        return targets
    finally:
        for server in servers:
            stop(server)
        if nginx_folder:
            shutil.rmtree(nginx_folder)


def main() -> None:
    """Run the bench on each database and print the table."""
    if not load.HAS_WRK:
        raise SystemExit("make bench needs wrk: apt-get install wrk")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            results.append((label, measure(label, url)))
    print(
        f"\nPer-request cost, one run: the README's gunicorn command, {CONCURRENCY} keep-alive "
        f"connections (wrk; submits: a Python client),\n{ROUNDS} interleaved rounds of "
        f"{DURATION:.0f} s flat out (medians), then {ROUNDS} of {LATENCY_SECONDS:.0f} s at "
        f"half that rate (at most {RATE_CAP:.0f}/s) for latency"
    )
    if not nginx.available():
        print("nginx is not installed (apt-get install nginx): its comparison is left out")
    for label, targets in results:
        report(label, targets)


def report(label: str, targets: list[Target]) -> None:
    """Print one database's table and ratios."""
    print(f"\n{label}")
    print(
        f"{'':<20} {'req/s':>7} {'CPU ms/req':>11} {'of it db':>9} {'KB/resp':>8} "
        f"{'at req/s':>9} {'p50 ms':>7} {'p99 ms':>7}"
    )
    for t in targets:
        errors = f"  {t.errors} errors" if t.errors else ""
        if isinstance(t, SubmitTarget) and t.graded != t.sent:
            errors += f"  graded {t.graded} of {t.sent} sent"
        print(
            f"{t.name:<20} {t.throughput:>7.0f} {t.cpu * 1000:>11.3f} "
            f"{t.database_cpu * 1000:>9.3f} {t.size / 1024:>8.1f} {t.rate:>9.0f} "
            f"{load.percentile(t.latencies, 0.5) * 1000:>7.1f} "
            f"{load.percentile(t.latencies, 0.99) * 1000:>7.1f}{errors}"
        )
    by_name = {t.name: t for t in targets}
    screen = by_name["screen"]
    pairs = [
        ("screen / bare Flask", screen, by_name["bare Flask"], f">= {TARGETS['screen']}"),
        ("screen / nginx", screen, by_name.get("nginx, saved screen"), f">= {TARGETS['nginx']}"),
        ("submit / screen", by_name["quiz submit"], screen, f">= {TARGETS['submit']} (PostgreSQL)"),
    ]
    print(f"{'ratio':<20} {'req/s':>7} {'CPU':>7}  target")
    for name, top, bottom, target in pairs:
        if bottom is not None:
            print(
                f"{name:<20} {top.throughput / bottom.throughput:>7.3f} "
                f"{bottom.cpu / top.cpu:>7.3f}  {target}"
            )
    print(
        f"submit p99 at half of saturation: target under {TARGETS['submit_p99_ms']} ms "
        "(PostgreSQL); CPU ratio: the inverse ratio of CPU per request"
    )
