"""Content load as the course grows: `linkwise validate` and start-up with 50 modules.

The shipped modules and their quizzes are copied, renamed and renumbered into a temporary
content folder until there are MODULES of them; then, in interleaved rounds, the bench times
`linkwise validate`, `create_app()` in a fresh process, and the README's gunicorn command
until it first answers. Wall time and CPU time (of the process and its children) are both
reported: CPU time is what the content costs, wall time what an operator waits.
BENCH_BEFORE=DIR times another checkout (of main, say) in the same rounds.

Loaded content is kept on disk (app/content_cache.py), so after the first round these time
unchanged content, as a restart or a second `validate` sees it; "nothing stored" times
`linkwise validate` with an empty store each round, as after an edit to every file. Each
checkout's code is compiled to bytecode first, as an installed app's is: without it (with
PYTHONDONTWRITEBYTECODE set, say) every run would also time compiling the app's modules.
The timed commands run as an installed app does, free to write bytecode: the first run
keeps its dataclass methods beside it (app/dataclass_code.py), as after an app's first start.
"""

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from app import content_cache
from bench.procstat import cpu_seconds, family
from bench.server import BIN, ROOT, app_env, free_port, readme_gunicorn, stop

MODULES = int(os.environ.get("BENCH_MODULES", "50"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET_SECONDS = 1.0
BEFORE = os.environ.get("BENCH_BEFORE")  # another checkout, timed in the same rounds


def copy_course(source: Path, target: Path, modules: int) -> None:
    """Write `modules` modules into target: the shipped ones, then renamed copies of them."""
    originals = sorted(p.name for p in (source / "modules").iterdir() if p.is_dir())
    (target / "modules").mkdir(parents=True)
    (target / "quizzes").mkdir()
    quizzes = {p: p.read_text("utf-8") for p in (source / "quizzes").glob("*.md")}
    for number in range(modules):
        original = originals[number % len(originals)]
        copy = original if number < len(originals) else f"{original}-copy-{number}"
        suffix = "" if copy == original else f"-copy-{number}"
        # Quiz ids are "<module>-check-N" or "<module>-assessment", named so in each screen.
        quiz_id = re.compile(rf"\b{re.escape(original)}-(check-\d+|assessment)\b")
        folder = target / "modules" / copy
        shutil.copytree(source / "modules" / original, folder)
        for path in folder.glob("*.md"):
            text = quiz_id.sub(rf"{copy}-\1", path.read_text("utf-8"))
            if path.name == "module.md":
                text = re.sub(r"(?m)^order: \d+$", f"order: {number + 1}", text)
            path.write_text(text, "utf-8")
        for path, text in quizzes.items():
            if not re.search(rf"(?m)^module: {re.escape(original)}$", text):
                continue
            text = re.sub(rf"(?m)^module: {re.escape(original)}$", f"module: {copy}", text)
            text = quiz_id.sub(rf"{copy}-\1", text)
            text = re.sub(r"(?m)^ID: (.+)$", rf"ID: \1{suffix}", text)
            (target / "quizzes" / quiz_id.sub(rf"{copy}-\1", path.name)).write_text(text, "utf-8")


def timed(command: list[str], env: dict, root: Path) -> tuple[float, float]:
    """Run a command to the end; return its wall and CPU seconds (children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True, cwd=root)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{run.stdout}{run.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def gunicorn_ready(env: dict, root: Path) -> tuple[float, float]:
    """Start the README's gunicorn command; return wall and CPU seconds until it first answers."""
    port = free_port()
    started = time.perf_counter()
    command = readme_gunicorn("app:create_app()", port, root)
    server = subprocess.Popen(command, env=env, cwd=root)
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30):
                    wall = time.perf_counter() - started
                    return wall, sum(cpu_seconds(pid) for pid in family(server.pid))
            except OSError:
                time.sleep(0.02)
    finally:
        stop(server)


def main() -> None:
    """Time validate and start-up on a course of MODULES modules."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        copy_course(ROOT / "content", content, MODULES)
        env = app_env(
            f"sqlite:///{folder}/bench.db",
            LINKWISE_CONTENT_DIR=str(content),
            LINKWISE_COMPETENCIES_DIR=str(ROOT / "competencies"),
        )
        subprocess.run([BIN / "linkwise", "db", "upgrade"], env=env, check=True, cwd=ROOT)
        python = [sys.executable, "-c"]
        checkouts = [("", ROOT), *([(" (before)", Path(BEFORE))] if BEFORE else [])]
        for _, root in checkouts:
            compileall = [sys.executable, "-m", "compileall", "-q", str(root / "app")]
            subprocess.run(compileall, check=True, capture_output=True)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed app runs
        env[content_cache.SETTING] = f"{folder}/content-cache"
        commands = {
            "linkwise validate": [str(BIN / "linkwise"), "validate"],
            "create_app()": [*python, "from app import create_app; create_app()"],
            "Python and imports only": [*python, "import app.cli, app.web.learn"],
        }
        times = {}
        for number in range(ROUNDS):
            print(f"  content: round {number + 1} of {ROUNDS}", flush=True)
            for name, command in commands.items():
                for suffix, root in checkouts:
                    run = timed(command, {**env, "PYTHONPATH": str(root)}, root)
                    times.setdefault(name + suffix, []).append(run)
            for suffix, root in checkouts:
                empty = f"{folder}/empty-{number}{suffix.strip(' ()')}"
                cold = {**env, "PYTHONPATH": str(root), content_cache.SETTING: empty}
                run = timed(commands["linkwise validate"], cold, root)
                times.setdefault("linkwise validate, nothing stored" + suffix, []).append(run)
            for suffix, root in checkouts:
                run = gunicorn_ready({**env, "PYTHONPATH": str(root)}, root)
                times.setdefault("gunicorn until it answers" + suffix, []).append(run)
    print(
        f"\nContent load with {MODULES} modules (the shipped ones and renamed copies), "
        f"median of {ROUNDS} interleaved rounds"
    )
    if BEFORE:
        print(f"'(before)': the checkout in {BEFORE}, timed in the same rounds")
    width = max(len(name) for name in times)
    print(f"{'':<{width}} {'wall s':>7} {'CPU s':>7}  target")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        target = "" if name.startswith("Python") else f"< {TARGET_SECONDS:.0f} s"
        print(f"{name:<{width}} {wall:>7.2f} {cpu:>7.2f}  {target}")
