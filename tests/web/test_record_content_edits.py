"""The record holds when a trainer edits content: a quiz file goes, a screen is added."""

import csv
import html
import io
import shutil
from datetime import date, timedelta

import pytest

from app.content import catalogue
from tests.conftest import post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.pcn import make_pcn
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz import finish_screens
from tests.web.test_quiz_record import take

ADDED = """---
title: What changed in 2027
---
## A new screen

Read this screen to catch up with what changed since the module was first published.
"""


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for this test alone: these tests add and delete files."""
    return course_files.copy_course(tmp_path)


def record_row(html: str, title: str) -> str:
    """Return the learning record's table row for a module."""
    return html.split(f">{title}</a></th>", 1)[1].split("</tr>", 1)[0]


def csv_row(client, title: str) -> dict[str, str]:
    """Return the record CSV's row for a module, by column."""
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    return dict(zip(rows[0], next(r for r in rows if r[0] == title), strict=True))


def add_screen(course, module) -> str:
    """Add a screen at the end of the module in the copy; return its slug."""
    number = len(module.screens) + 1
    folder = course / "content" / "modules" / module.slug
    (folder / f"{number:02d}-what-changed.md").write_text(ADDED, "utf-8")
    return "what-changed"


@pytest.mark.parametrize("edit", ["deleted", "renamed"])
def test_the_best_quiz_score_stays_on_the_record_when_the_quiz_file_goes(
    app, learner, module, course, edit
):
    take(app, learner, module, right=False)
    take(app, learner, module, right=True)
    path = course_files.quiz_path(course, module.slug)
    if edit == "deleted":
        path.unlink()
    else:
        text = path.read_text("utf-8").replace(f"id: {module.slug}-assessment", "id: renamed-quiz")
        (path.parent / "renamed-quiz.md").write_text(text, "utf-8")
        path.unlink()
    course_files.reload(app)
    with app.app_context():
        now = catalogue().module(module.slug).assessment
    assert (now is None) if edit == "deleted" else (now.id == "renamed-quiz")
    row = record_row(learner.get("/my/record").text, module.title)
    assert "100%" in row and "No attempt" not in row
    assert csv_row(learner, module.title)["quiz score (%)"] == "100"
    assert "best quiz score 100%" in pdf_text(learner.get("/my/record.pdf").data)


def test_a_screen_added_after_completion_leaves_the_module_completed(
    app, learner, module, course, tmp_path
):
    take(app, learner, module, right=True)
    slug = add_screen(course, module)
    course_files.reload(app)
    record = learner.get("/my/record").text
    row = record_row(record, module.title)
    assert "Completed" in row and "In progress" not in row
    assert csv_row(learner, module.title)["status"] == "Completed"
    mine = learner.get("/modules/").text
    assert "Continue where you left off" not in mine
    assert "1 screen new or changed since you went through it" in mine
    served = learner.get(f"/modules/{module.slug}/").text
    page = html.unescape(served)
    assert "getting there" not in page and "Well done, you've completed this module" in page
    # A plain note, with a link to the screen to read.
    assert "added or changed since you went through this module" in page
    assert f'href="/modules/{module.slug}/{slug}/">What changed in 2027</a>' in page
    screen = learner.get(f"/modules/{module.slug}/{slug}/")
    assert screen.status_code == 200 and "getting there" not in screen.text
    pages = {"my-learning": mine, "module": served, "screen": screen.text, "record": record}
    assert nu_errors(pages, tmp_path) == []
    # Reading it leaves nothing to catch up with.
    assert post_form(learner, f"/modules/{module.slug}/{slug}/", {}).status_code == 302
    assert "since you went through" not in learner.get(f"/modules/{module.slug}/").text
    assert "since you went through" not in learner.get("/modules/").text


def test_managers_still_count_a_module_completed_before_a_screen_was_added(
    app, client, module, course, make_user
):
    runner = app.test_cli_runner()
    pcn = make_pcn(app, runner, make_user)
    due = date.today() + timedelta(days=60)
    sign_in(client, "lead@example.org")
    post_form(
        client,
        "/manage/assignments",
        {
            "modules": [module.slug],
            "who": "learners",
            "emails": "asha@example.org",
            "due-day": str(due.day),
            "due-month": str(due.month),
            "due-year": str(due.year),
        },
    )
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    finish_screens(app, "asha@example.org", module)
    take(app, learner, module, right=True)
    add_screen(course, module)
    course_files.reload(app)
    drill = client.get(f"/manage/learners/{pcn['asha']}").text
    modules = drill.split('id="modules"', 1)[1].split("</table>", 1)[0]
    assert "In progress" not in modules and "Completed" in modules
    assigned = drill.split('id="assigned"', 1)[1].split("</table>", 1)[0]
    assert "Complete" in assigned
    compliance = client.get("/manage/compliance").text
    assert "100%" in compliance


def test_a_certified_module_stays_on_the_record_as_its_certificate_recorded_it(
    app, learner, module, course
):
    take(app, learner, module, right=True)
    before_page = record_row(learner.get("/my/record").text, module.title)
    before_csv = csv_row(learner, module.title)
    folder = course / "content" / "modules" / module.slug
    course_files.edit(folder / "module.md", f"cpd_minutes: {module.cpd_minutes}", "cpd_minutes: 99")
    course_files.edit(folder / "module.md", f"title: {module.title}", "title: Renamed since")
    course_files.reload(app)
    # The title and CPD time it was certified with, not today's.
    assert record_row(learner.get("/my/record").text, module.title) == before_page
    assert csv_row(learner, module.title) == before_csv
    assert "1 hour 39 minutes" not in learner.get("/my/record").text
    # The module leaves the course: its certificate stays on the record, and counts.
    shutil.rmtree(folder)
    for quiz in (course / "content" / "quizzes").glob(f"{module.slug}-*.md"):
        quiz.unlink()
    course_files.edit(
        course / "content" / "modules" / "how-the-system-works" / "module.md",
        f"[What is social prescribing?](module:{module.slug})",
        "the first module",
    )
    course_files.reload(app)
    page = learner.get("/my/record").text
    row = page.split(f"{module.title}<br>", 1)[1].split("</tr>", 1)[0]
    assert "No longer in the course" in row and "Completed" in row and "100%" in row
    # Its holder's own certificate page, as every certified row links (it still works).
    assert f'href="/modules/{module.slug}/certificate/"' in row
    assert learner.get(f"/modules/{module.slug}/certificate/").status_code == 200
    assert csv_row(learner, module.title)["quiz score (%)"] == "100"
    assert module.title in pdf_text(learner.get("/my/record.pdf").data)


def test_a_screens_number_is_its_place_in_the_module_whatever_its_file_says(
    app, learner, module, course
):
    folder = course / "content" / "modules" / module.slug
    (folder / "99-what-changed.md").write_text(ADDED, "utf-8")  # a gap in the files' numbers
    course_files.reload(app)
    total = len(module.screens) + 1
    page = learner.get(f"/modules/{module.slug}/what-changed/").text
    assert f"screen {total} of {total}" in page
