"""The screen bench's ratios: each round's comes from that round's two runs (`make bench`)."""

import io
from contextlib import redirect_stdout

from bench import screen
from bench.procstat import CpuMeter
from bench.targets import Target


def target(name: str, cpu_ms: list[float]) -> Target:
    """Return a target as its rounds left it: req/s, CPU s a request, the database's share."""
    made = Target(name, 0, CpuMeter(lambda: []))
    made.runs = [(1000 / ms, ms / 1000, 0.0) for ms in cpu_ms]
    return made


def test_each_rounds_ratio_pairs_that_rounds_runs():
    # The machine ran at half speed in round 2: both targets cost twice as much there.
    screen_runs = target("screen", [1.0, 2.0, 1.0])
    submit_runs = target("quiz submit", [4.0, 8.0, 5.0])

    assert screen.round_ratios(submit_runs, screen_runs) == [0.25, 0.25, 0.2]
    # The medians over the rounds pair round 2's screen with round 1's submit, or the like.
    assert screen_runs.cpu / submit_runs.cpu == 1.0 / 5.0


def test_the_table_prints_each_rounds_ratio():
    targets = [
        target("bare Flask", [0.3, 0.6, 0.3]),
        target("screen", [1.0, 2.0, 1.0]),
        target("quiz submit", [4.0, 8.0, 5.0]),
    ]
    printed = io.StringIO()
    with redirect_stdout(printed):
        screen.report("PostgreSQL", targets)

    lines = {line.split("  ")[0].strip(): line for line in printed.getvalue().splitlines()}
    assert "0.250 0.250 0.200" in lines["submit / screen"]
    assert "0.300 0.300 0.300" in lines["screen / bare Flask"]
