"""Instructions a signed-in screen and a final quiz submit take, counted by callgrind.

The screen bench's CPU figures move by 10-20 % from run to run on a small shared machine;
instructions counted by `valgrind --tool=callgrind` do not (the same requests give the same
count to well under 1 %), so a change's before and after can be told apart. Counted: the
app's process serving each request in one thread (bench/counted.py; the few instructions
of the client sending it are in the count too, the same for every checkout), not the
database's. Each checkout gets its own database, seeded alike; BENCH_BEFORE=DIR counts
another checkout the same way, for before and after. Needs Debian's valgrind; skipped with a
note without it. About four minutes a checkout and database.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import quiz
from bench.server import ROOT, another_database, app_env, course, databases, linkwise, settle

BEFORE = os.environ.get("BENCH_BEFORE")
SCREENS = int(os.environ.get("BENCH_SCREENS", "100"))
LEARNERS = int(os.environ.get("BENCH_COUNT_LEARNERS", "25"))
DUMP = re.compile(r"^desc: Trigger: dump (\w+) (\d+) ([\d,]+)$", re.M)
TOTALS = re.compile(r"^totals: (\d+)", re.M)
PASSED = re.compile(r"^passed (\d+)$", re.M)  # bench/counted.py's last line


def per_request(folder: Path) -> dict[str, float]:
    """Return instructions per request for each phase callgrind dumped in the folder.

    Each dump's `totals:` line is its phase's count (bench/counted.py zeroes the counters
    before each phase; the `summary:` line was seen to be wrong after instrumentation had
    been switched off and on again). A phase whose requests did not all answer as expected
    (200 for the screen, 302 for a submit: graded and sent on to the result) stops the bench.
    """
    expected = {"screen": "200", "submit": "302"}
    found = {"submits": 0}
    for dump in folder.glob("callgrind.out.*"):
        text = dump.read_text("utf-8", "replace")
        phase, totals = DUMP.search(text), TOTALS.search(text)
        if phase is None or totals is None:
            raise RuntimeError(f"{dump} is not a dump of one phase")
        name, count, statuses = phase[1], int(phase[2]), phase[3]
        if statuses != expected[name]:
            raise RuntimeError(f"{name} requests answered {statuses}, not only {expected[name]}")
        found[name] = int(totals[1]) / count
        found["submits"] += count if name == "submit" else 0
    return found


def count(root: Path, database_url: str) -> dict[str, float]:
    """Seed the database and count one checkout's requests under callgrind."""
    env = app_env(database_url, PYTHONPATH=str(root))
    linkwise(env, "db", "upgrade")
    linkwise(env, "seed-demo")
    emails = quiz.seed_learners(env, database_url, LEARNERS, course())
    settle(database_url)
    with tempfile.TemporaryDirectory() as folder:
        listed = Path(folder, "emails")
        listed.write_text("\n".join(emails))
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                str(ROOT / "bench" / "counted.py"),
                str(ROOT),
                str(SCREENS),
                str(listed),
            ],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
        )
        if run.returncode:
            raise RuntimeError(f"counting {root} failed:\n{run.stderr[-3000:]}")
        found = per_request(Path(folder))
    found["passed"] = int(PASSED.findall(run.stdout)[-1])
    return found


def table(label: str, now: dict[str, float], before: dict[str, float] | None) -> str:
    """Return the figures of one database as a table."""
    lines = [
        label,
        f"{'':24}{'this checkout':>16}" + (f"{'before':>12}{'now/before':>12}" if before else ""),
    ]
    for name, title in (("screen", "signed-in screen"), ("submit", "final quiz submit")):
        line = f"{title:24}{now[name] / 1e6:>14.3f} M"
        if before:
            line += f"{before[name] / 1e6:>10.3f} M{now[name] / before[name]:>12.3f}"
        lines.append(line)
    ratio = f"{'submit / screen':24}{now['submit'] / now['screen']:>16.2f}"
    if before:
        ratio += f"{before['submit'] / before['screen']:>12.2f}"
    passes = f"{'submits (of them passed)':24}{_passes(now):>16}" + (
        f"{_passes(before):>12}" if before else ""
    )
    return "\n".join([*lines, ratio, passes])


def _passes(found: dict) -> str:
    return f"{found['submits']} ({found['passed']})"


def main() -> None:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("instructions: skipped, valgrind is not installed (apt-get install valgrind)")
        return
    with tempfile.TemporaryDirectory() as folder:
        for label, url in databases(folder):
            before = None
            if BEFORE:
                print(f"  {label}: counting {BEFORE}", flush=True)
                with another_database(url) as before_url:
                    before = count(Path(BEFORE), before_url)
            print(f"  {label}: counting this checkout", flush=True)
            now = count(ROOT, url)
            print()
            print(
                "Instructions per request (callgrind): the app's process, one request at a "
                f"time, {SCREENS} screens and {LEARNERS} learners' quiz submits"
            )
            print(table(label, now, before))
