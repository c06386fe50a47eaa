"""What the per-request bench loads: a path served by a server, or quiz submits."""

import os
import statistics
from dataclasses import dataclass, field

from bench import load, quiz
from bench.procstat import CpuMeter

DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
LATENCY_SECONDS = float(os.environ.get("BENCH_LATENCY_SECONDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WARM_UP_SUBMITS = 4 * CONCURRENCY
MARGIN = 2.0  # submits prepared for a round, per submit it is expected to send
SUBMITTED = (302, 303)  # a submit answers with a redirect to its result


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

    def warm_up(self) -> None:
        """Load the target for a second, not counted: imports, template compiling, pools."""
        load.wrk(self.port, self.path, self.headers, 1, CONCURRENCY)

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
        # Over the flat-out rounds, any thrown away included; passed: graded and certified.
        self.sent = self.graded = self.passed = 0
        self.expected = 0.0  # submits a second a round is prepared for

    def warm_up(self) -> None:
        """Send a small batch of submits, not counted, and guess the rate from their latency.

        wrk keeps CONCURRENCY submits in flight, so it completes about CONCURRENCY / latency
        a second (Little's law). The median leaves out the first, cold submits (the mean
        guessed a third of the rate), and a margin absorbs the rest.
        """
        run, _, _, _ = self._send(self.submits.take(WARM_UP_SUBMITS), 1)
        self.expected = CONCURRENCY / run.median_latency if run.median_latency else 60.0

    def saturate(self) -> None:
        """Send prepared submits flat out with wrk for one round; count grades in the database.

        They are prepared before the CPU readings, enough for the fastest rate seen yet with a
        margin. wrk's clock runs to the end whatever happens, so a round that runs out of
        submits would understate the rate: it is thrown away and run with twice as many.
        """
        count = int(self.expected * DURATION * MARGIN) + CONCURRENCY
        while True:
            ready = self.submits.take(count)
            run, graded, passed, cpu = self._send(ready, DURATION)
            self.sent, self.graded = self.sent + len(run.sent), self.graded + graded
            self.passed += passed
            if not run.ran_out:
                break
            if len(ready) < count:
                raise SystemExit(
                    f"{self.name}: {count} submits wanted, {len(ready)} could be prepared:"
                    " seed more learners (BENCH_QUIZ_LEARNERS)"
                )
            print(f"  {self.name}: {count} submits ran out; once more with twice as many")
            count *= 2
        # Counted: answered with the redirect in wrk's window, and graded in the database.
        counted = min(run.saturation.requests, graded)
        self._record(counted / run.saturation.seconds, cpu, graded, run.saturation.errors)
        self.size = run.saturation.received / max(1, run.answered)
        self.expected = max(self.expected, self.runs[-1][0])

    def _send(self, ready: list[quiz.Submit], seconds: float):
        """Send prepared submits with wrk; return its run, the grades, passes and their CPU.

        The CPU reading lasts until the database has graded every submit sent, those still in
        flight when wrk stopped included, so it is divided by the grades.
        """
        before = quiz.graded_attempts(self.database_url)
        passed = quiz.graded_attempts(self.database_url, passed=True)
        self.meter.start()
        run = load.wrk_prepared(
            self.port, [s.request for s in ready], seconds, CONCURRENCY, SUBMITTED
        )
        graded = quiz.wait_for_grades(self.database_url, before + len(run.sent)) - before
        cpu = self.meter.stop()
        passed = quiz.graded_attempts(self.database_url, passed=True) - passed
        self.submits.sent([ready[i] for i in run.sent])
        return run, graded, passed, cpu

    def pace(self) -> None:
        """Send prepared submits at the fixed rate for one round."""
        ready = self.submits.take(int(self.rate * LATENCY_SECONDS))
        seconds = len(ready) / self.rate
        latencies, errors = load.open_loop(
            self.port, [s.request for s in ready], self.rate, seconds, SUBMITTED
        )
        self.submits.sent(ready)
        self.latencies += latencies
        self.errors += errors
