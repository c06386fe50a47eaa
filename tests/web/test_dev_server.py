"""The development server, run as `make run` runs it, survives broken content and sees new files."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from html import unescape
from pathlib import Path

import pytest

from app.cli import upgrade_database
from tests.module_text import PROVENANCE

ROOT = Path(__file__).resolve().parents[2]
NEW_MODULE = (
    """---
title: Working with carers
summary: A short module added while the server runs.
order: 9
estimated_minutes: 5
cpd_minutes: 10
learning_outcomes:
  - Recognise the needs of unpaid carers
competencies: [SPLW-6.3]
"""
    + PROVENANCE
    + """---
Start with [carers' needs](screen:carers-needs).
"""
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start `linkwise run --reload` on a copy of the course; yield its folder, URL and log."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copytree(ROOT / "competencies", site / "competencies")
    database = f"sqlite:///{site / 'dev.db'}"
    upgrade_database(database)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (site / "server.log").open("w+")
    environment = {
        **os.environ,
        "LINKWISE_ENV": "development",
        "LINKWISE_CONTENT_DIR": str(site / "content"),
        "LINKWISE_COMPETENCIES_DIR": str(site / "competencies"),
        "DATABASE_URL": database,
    }
    linkwise = Path(sys.executable).parent / "linkwise"
    process = subprocess.Popen(
        [linkwise, "run", "--host", "127.0.0.1", "--port", str(port), "--reload", "--no-debugger"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the reloader's child shares the group, so both are stopped
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url)
        yield site, url, process, Path(log.name)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


def _wait_for(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the development server never answered at {url}")


def home(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode()


def test_a_broken_save_keeps_the_site_up_shows_the_error_and_the_fix_is_picked_up(server):
    site, url, process, log = server
    module = site / "content" / "modules" / "referral-routes" / "module.md"
    good = module.read_text()
    module.write_text(good.replace("title: Referral routes", "title: [Referral routes"))
    page = home(url)
    assert "The course content has errors" in page
    assert "content/modules/referral-routes/module.md:2: error: invalid YAML" in page
    modules = len([p for p in (site / "content" / "modules").iterdir() if p.is_dir()])
    assert "Referral routes" in page and page.count("nhsuk-card__heading") == modules
    assert "referral-routes/module.md:2: error: invalid YAML" in log.read_text()
    module.write_text(good)
    assert "The course content has errors" not in home(url)
    assert process.poll() is None


def add_carers(site: Path, module_file: str = "module.md") -> Path:
    """Add the carers module, its module.md named `module_file`; return its folder."""
    folder = site / "content" / "modules" / "carers"
    folder.mkdir()
    (folder / module_file).write_text(NEW_MODULE)
    (folder / "01-carers-needs.md").write_text("---\ntitle: Carers' needs\n---\n## Who\n\nText.\n")
    return folder


def shown_then_deleted(url: str, folder: Path, process) -> None:
    """Check the carers module is served, then gone once its folder is deleted."""
    page = home(url)
    assert "Working with carers" in page and "content has errors" not in page
    shutil.rmtree(folder)
    assert "Working with carers" not in home(url)
    assert process.poll() is None


def test_new_and_deleted_files_are_picked_up_without_a_restart(server):
    site, url, process, _ = server
    shown_then_deleted(url, add_carers(site), process)


def test_a_module_folder_without_module_md_is_an_error_there_and_the_site_stays_up(server):
    site, url, process, log = server
    folder = add_carers(site, "Module.md")
    page = home(url)
    error = "content/modules/carers: error: no module.md (found Module.md): rename it module.md"
    assert "The course content has errors" in page and error in page
    assert "Referral routes" in page  # the last good course is still served
    assert error in log.read_text()
    (folder / "Module.md").rename(folder / "module.md")
    shown_then_deleted(url, folder, process)


def test_adding_or_removing_a_folder_alone_is_picked_up_without_a_restart(server):
    site, url, process, _ = server
    folder = site / "content" / "modules" / "referral-routes" / "10-dir.md"
    folder.mkdir()
    page = home(url)
    assert "The course content has errors" in page
    assert "content/modules/referral-routes/10-dir.md:1: error: is a folder" in page
    folder.rmdir()
    assert "The course content has errors" not in home(url)
    assert process.poll() is None


def test_a_slip_that_renders_without_a_word_is_shown_as_an_error_and_the_site_stays_up(server):
    site, url, process, log = server
    screen = site / "content" / "modules" / "referral-routes" / "04-self-referral.md"
    good = screen.read_text()
    bad = good.replace('!!! warning "Important"', "!!! warning Important", 1).replace(
        "\n## ", "\nSee <script>alert('x')</script> here.\n\n## ", 1
    )
    screen.write_text(bad)
    lines = bad.split("\n")
    callout = lines.index("!!! warning Important") + 1
    html = next(n for n, line in enumerate(lines, 1) if "<script>" in line)
    page = home(url)
    assert "The course content has errors" in page
    shown = "content/modules/referral-routes/04-self-referral.md"
    assert f"{shown}:{callout}: error: callout title 'Important' is not in straight" in unescape(
        page
    )
    assert f"{shown}:{html}: error: raw HTML &lt;script&gt; is not allowed" in page
    assert "Referral routes" in page  # the last good course is still served
    assert f"{shown}:{html}: error: raw HTML <script> is not allowed" in log.read_text()
    screen.write_text(good)
    assert "The course content has errors" not in home(url)
    assert process.poll() is None


def test_a_slip_in_a_quiz_and_a_footnote_nothing_marks_are_shown_and_the_site_stays_up(server):
    site, url, process, log = server
    check = site / "content" / "quizzes" / "referral-routes-check-1.md"
    screen = (
        site / "content" / "modules" / "how-the-system-works" / "05-model-of-personalised-care.md"
    )
    good_check, good_screen = check.read_text(), screen.read_text()
    bad = good_check.replace(
        "    more likely to answer the call.", "    more <b>likely</b> to answer."
    )
    check.write_text(bad)
    screen.write_text(good_screen.replace("six parts.[^1]", "six parts.", 1))
    html = next(n for n, line in enumerate(bad.split("\n"), 1) if "<b>" in line)
    footnote = next(n for n, line in enumerate(good_screen.split("\n"), 1) if line[:5] == "[^1]:")
    in_quiz = f"content/quizzes/referral-routes-check-1.md:{html}: error: raw HTML"
    unmarked = (
        f"content/modules/how-the-system-works/05-model-of-personalised-care.md:{footnote}: "
        "error: footnote [^1] is never marked in the text"
    )
    page = home(url)
    assert "The course content has errors" in page
    assert f"{in_quiz} &lt;b&gt; is not allowed" in page and unmarked in page
    assert "Referral routes" in page  # the last good course is still served
    assert f"{in_quiz} <b> is not allowed" in log.read_text() and unmarked in log.read_text()
    check.write_text(good_check)
    screen.write_text(good_screen)
    assert "The course content has errors" not in home(url)
    assert process.poll() is None


def test_points_under_a_learning_outcome_are_an_error_at_its_line_on_every_page(server):
    # They once raised while the content was read: the first page was a 500, and every page
    # after served the old content without a word until the next save.
    site, url, process, log = server
    module = site / "content" / "modules" / "referral-routes" / "module.md"
    good = module.read_text()
    lines = good.split("\n")
    line = lines.index("learning_outcomes:") + 2
    lines.insert(line - 1, "  - Recognise the needs of unpaid carers:\n      - practical")
    module.write_text("\n".join(lines))
    error = (
        f"content/modules/referral-routes/module.md:{line}: error: item 1 of "
        "'learning_outcomes' is a line ending in"
    )
    for _ in range(2):
        page = unescape(home(url))
        assert "The course content has errors" in page and error in page
        assert "Referral routes" in page  # the last good course is still served
    assert error in log.read_text() and "Traceback" not in log.read_text()
    module.write_text(good)
    assert "The course content has errors" not in home(url)
    assert process.poll() is None


def serve_with_the_reloader(monkeypatch, child: bool, create_app) -> tuple:
    """Run `linkwise run --reload` in this process as the reloader's parent or child process
    runs it, the server itself not started; return the command's result and the app it would
    have served (None if none)."""
    from click.testing import CliRunner
    from flask import cli as flask_cli

    from app.cli_serve import run_command

    served = []
    monkeypatch.setattr(flask_cli, "run_simple", lambda host, port, app, **_: served.append(app))
    monkeypatch.setenv("PORT", "5000")  # the command sets it; put back after
    if child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    result = CliRunner().invoke(
        run_command, ["--port", "5173", "--reload"], obj=flask_cli.ScriptInfo(create_app=create_app)
    )
    return result, (served or [None])[0]


def test_with_the_reloader_only_the_child_process_builds_the_app(monkeypatch):
    # The reloader's parent only restarts the child that serves: building the app there too
    # took as long again and printed each message of the app's start (the content's errors)
    # twice.
    from flask import Flask

    built = []

    def create_app():
        built.append(Flask("linkwise"))
        return built[-1]

    result, served = serve_with_the_reloader(monkeypatch, False, create_app)
    assert result.exit_code == 0 and served is not None
    assert built == []
    result, served = serve_with_the_reloader(monkeypatch, True, create_app)
    assert result.exit_code == 0
    assert len(built) == 1 and served is built[0]


def test_a_wrong_setting_stops_the_reloaders_child_with_its_sentence(monkeypatch):
    # The parent no longer builds the app, so no longer finds a wrong setting first: the child
    # stops (and the parent with it) instead of serving a page with the traceback.
    from app.cli_errors import SetupError

    def create_app():
        raise SetupError("DATABASE_URL is not a database URL")

    result, served = serve_with_the_reloader(monkeypatch, True, create_app)
    assert result.exit_code != 0 and served is None
    assert "Error: DATABASE_URL is not a database URL" in result.output
    assert "Traceback" not in result.output
