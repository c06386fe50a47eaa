"""Ctrl+C stops a command with "Aborted!" and exit status 1: while it starts, and while its
worker processes run, none of them printing a traceback."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from app import cli, cli_commands
from app.config import PROJECT_ROOT


def _main_interrupted(monkeypatch, capsys, argv) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", argv)
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.main()
    except KeyboardInterrupt:
        pytest.fail("Ctrl+C went through as a traceback")
    return stopped.value.code, capsys.readouterr().err


def _interrupt(*_args, **_kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_while_a_command_starts_says_aborted(monkeypatch, capsys):
    monkeypatch.setattr(cli_commands, "main", _interrupt)  # as if while importing the app
    assert _main_interrupted(monkeypatch, capsys, ["linkwise", "audit"]) == (1, "Aborted!\n")
    monkeypatch.setattr(cli, "import_module", _interrupt)
    assert _main_interrupted(monkeypatch, capsys, ["linkwise", "validate"]) == (1, "Aborted!\n")


WORKERS = textwrap.dedent(
    """
    import os
    import time
    from app.services.worker_pools import forked_pool

    def start(): pass

    def batch(number):
        os.write(1, b"working\\n")  # one write: the two workers' lines never interleave
        time.sleep(60)

    try:
        with forked_pool(2, start, ()) as pool:
            list(pool.map(batch, range(6)))
    except KeyboardInterrupt:
        print("stopped", flush=True)
    """
)


def test_ctrl_c_stops_worker_processes_at_once_and_quietly():
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", WORKERS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's command has
        # Ctrl+C as a terminal delivers it: a test run started in the background (nohup, a
        # CI job) ignores SIGINT, children inherit that, and Python then never raises it.
        preexec_fn=_ctrl_c_as_at_a_terminal,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        assert [process.stdout.readline() for _ in range(2)] == ["working\n"] * 2
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C: sent to every process of the group
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert (out, err, process.returncode) == ("stopped\n", "", 0)
    assert time.monotonic() - started < 30  # the queued batches were not waited for


def _ctrl_c_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
