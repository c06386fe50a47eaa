"""What the per-request bench loads: a path served by a server, or quiz submits."""

import os
import statistics
from dataclasses import dataclass, field

from bench import load, quiz
from bench.procstat import CpuMeter

DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))


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

    def __init__(self, name, port, meter, submits: quiz.Submits, database_url: str):
        super().__init__(name, port, meter)
        self.submits, self.database_url = submits, database_url
        self.sent = self.graded = 0

    def saturate(self) -> None:
        """Send prepared submits flat out for one round; count the grades in the database."""
        guess = max((r for r, _, _ in self.runs), default=60.0)
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
