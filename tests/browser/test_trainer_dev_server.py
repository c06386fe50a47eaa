"""A trainer saves a broken quiz while `make run`'s server runs, in Chromium: the site stays up.

The server is `linkwise run --reload`, as `make run` starts it, on a copy of the course; the
trainer signs in, breaks a quiz, reads the errors at their file and line on the page, fixes
the quiz, and adds a module, without anyone restarting the server.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.cli import upgrade_database
from tests.browser.conftest import assert_accessible
from tests.browser.test_trainer_items import shot
from tests.conftest import DEMO_PASSWORD
from tests.web.cli_helpers import run_linkwise
from tests.web.item_data import question_place
from tests.web.test_dev_server import NEW_MODULE, _wait_for
from tests.web.test_html_valid import nu_errors

ROOT = Path(__file__).resolve().parents[2]
QUIZ = "referral-routes-assessment"
RIGHT = "*b) Refer him herself through the route the local service has agreed"
UNMARKED = "b)  Refer him herself through the route the local service has agreed"


@pytest.fixture
def dev_server(tmp_path):
    """Serve a copy of the course as `make run` does, with the demo accounts; yield it."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "competencies", tmp_path / "competencies")
    database = f"sqlite:///{tmp_path / 'dev.db'}"
    upgrade_database(database)
    environment = {
        "LINKWISE_CONTENT_DIR": str(tmp_path / "content"),
        "LINKWISE_COMPETENCIES_DIR": str(tmp_path / "competencies"),
        "DATABASE_URL": database,
        "LINKWISE_DEMO_PASSWORD": DEMO_PASSWORD,
    }
    seeded = run_linkwise("seed-demo", env=environment)
    assert seeded.returncode == 0, seeded.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(
        [Path(sys.executable).parent / "linkwise", "run", "--host", "127.0.0.1"]
        + ["--port", str(port), "--reload", "--no-debugger"],
        env={**os.environ, "LINKWISE_ENV": "development", **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the reloader's child shares the group, so both are stopped
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/")
        yield tmp_path, url, process, Path(log.name)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.close()


def test_a_broken_save_shows_its_place_keeps_the_site_up_and_a_new_module_appears(
    dev_server, page, tmp_path
):
    site, url, process, log = dev_server
    page.goto(url + "/sign-in")
    page.get_by_label("Email address").fill("trainer@example.org")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    bank = f"{url}/author/quizzes/{QUIZ}/bank"
    page.goto(bank)
    expect(page.get_by_role("heading", name="Question bank")).to_be_visible()

    # The trainer takes the right-answer mark off question 1 and saves.
    quiz = site / "content" / "quizzes" / f"{QUIZ}.md"
    good = quiz.read_text()
    assert good.count(RIGHT) == 1
    quiz.write_text(good.replace(RIGHT, UNMARKED))
    page.goto(bank)
    box = page.locator(".lw-content-errors")
    expect(box.get_by_role("heading", name="The course content has errors")).to_be_visible()
    place = question_place("rr-q22")  # content/quizzes/referral-routes-assessment.md:LINE
    expect(box).to_contain_text(f"{place}: error: question 1 has no correct answer")
    # The bank still shows the last version without errors, its right answer marked.
    expect(page.get_by_role("heading", name="Question bank")).to_be_visible()
    shot(page, "dev-server-broken-save")
    assert_accessible(page)
    assert nu_errors({"broken-save": page.content()}, tmp_path) == []
    assert f"{place}: error: question 1 has no correct answer" in log.read_text()

    # Every page shows the box, not only the file's own.
    page.goto(url + "/")
    expect(page.locator(".lw-content-errors")).to_be_visible()

    # The fix is picked up on the next request.
    quiz.write_text(good)
    page.goto(bank)
    expect(page.locator(".lw-content-errors")).to_have_count(0)
    shot(page, "dev-server-fixed")

    # A new module's files are picked up without a restart.
    folder = site / "content" / "modules" / "carers"
    folder.mkdir()
    (folder / "module.md").write_text(NEW_MODULE)
    (folder / "01-carers-needs.md").write_text(
        "---\ntitle: Carers' needs\n---\n## Who carers are\n\n"
        "A carer looks after someone who could not manage without their help.\n"
    )
    page.goto(url + "/")
    page.get_by_role("link", name="Working with carers").click()
    expect(page.get_by_role("heading", name="Working with carers")).to_be_visible()
    expect(page.locator(".lw-content-errors")).to_have_count(0)
    shot(page, "dev-server-new-module")
    assert_accessible(page)
    assert process.poll() is None
