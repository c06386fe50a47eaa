"""The Nu HTML checker the page tests use finds errors at their lines, and only errors."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.nu_checker import NuChecker, error_lines, nu_errors, running_checker

VALID = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A valid page</title>
</head>
<body>
<main>
<h1>Valid</h1>
<section><p>A section with no heading is worth a warning, not an error.</p></section>
<p>A paragraph with <span>a span</span> in it.</p>
</main>
</body>
</html>
"""

INVALID = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
</head>
<body>
<p id="twice">One</p>
<p id="twice">Two</p>
<div>Closed twice</div></div>
<span><p>A paragraph in a span</p></span>
</body>
</html>
"""


def test_each_error_is_reported_at_its_line_and_valid_html_reports_nothing(tmp_path):
    assert nu_errors({"valid": VALID, "invalid": INVALID}, tmp_path) == [
        "invalid.html:5: Element “head” is missing a required instance of child element “title”.",
        "invalid.html:8: Duplicate ID “twice”.",
        "invalid.html:9: Stray end tag “div”.",
        "invalid.html:10: Element “p” not allowed as child of element “span” in this context."
        " (Suppressing further errors from this subtree.)",
    ]
    assert (tmp_path / "invalid.html").read_text() == INVALID


def test_warnings_are_not_errors():
    messages = running_checker().messages(VALID.encode(), "text/html; charset=utf-8")
    assert [(m["type"], m["message"].split(".")[0]) for m in messages] == [
        ("info", "Section lacks heading")
    ]
    assert error_lines("valid", messages) == []


def test_a_document_the_checker_cannot_check_fails_the_test():
    messages = running_checker().messages(b"Plain words", "text/plain")
    with pytest.raises(RuntimeError, match="could not check notes.html: .*Non-XML Content-Type"):
        error_lines("notes", messages)


def test_a_checker_that_does_not_start_fails_with_what_it_said():
    with pytest.raises(RuntimeError, match=r"the Nu HTML checker stopped \(exit code 1\)"):
        NuChecker(shutil.which("false")).wait_until_ready()


def test_the_service_stops_when_its_test_process_is_killed(tmp_path):
    """A worker killed with SIGKILL runs no atexit handler, yet its service must not outlive it."""
    service_pid = tmp_path / "service.pid"
    stand_in = tmp_path / "java"  # stands in for the checker's JVM: it says its pid, then waits
    stand_in.write_text(f"#!/bin/sh\necho $$ > {service_pid}\nexec sleep 300\n")
    stand_in.chmod(0o755)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from tests.nu_checker import NuChecker; NuChecker({str(stand_in)!r}); input()",
        ],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.PIPE,
    )
    try:
        pid = int(wait_for(service_pid.read_text, 10))
        assert running(pid)
    finally:
        worker.kill()
        worker.wait()
    assert wait_for(lambda: not running(pid), 10), "the service outlived its killed test process"


def running(pid: int) -> bool:
    """Say whether the process is alive (and not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone before, or while, it was read
        return False


def wait_for(condition, seconds: float):
    """Return condition()'s first truthy result within the seconds, or its last, falsy, one."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = condition()
        except (FileNotFoundError, ValueError):
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)
