"""A trainer takes a competency out of the framework after a supervisor confirmed a learner's
practice in it: the confirmation stays on the learner's and their manager's pages."""

import html

import pytest

from tests.conftest import sign_in
from tests.nu_checker import nu_errors
from tests.web import course_files
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.test_practice import decide, people, the_request, user_id  # noqa: F401
from tests.web.test_practice_record import ask

CODE = "SPLW-1.1"  # taught and quizzed by "How the system works"


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: it takes a competency out of it."""
    return course_files.copy_course(tmp_path / "copy")


def take_out_asking_what_matters(course) -> None:
    """Remove CODE from the framework, and from the module and questions that named it."""
    framework = course / "competencies" / "splw.yaml"
    text = framework.read_text("utf-8")
    start = text.index(f"      - code: {CODE}\n")
    framework.write_text(text[:start] + text[text.index("      - code:", start + 1) :], "utf-8")
    content = course / "content"
    course_files.edit(content / "modules/how-the-system-works/module.md", f"{CODE}, ", "")
    assessment = content / "quizzes/how-the-system-works-assessment.md"
    course_files.edit(assessment, f"Competencies: {CODE}\n", "Competencies: SPLW-1.2\n")
    course_files.edit(assessment, f"SPLW-1.2, {CODE}\n", "SPLW-1.2\n")
    for _ in range(2):
        course_files.edit(assessment, f"{CODE}, SPLW-1.2\n", "SPLW-1.2\n")
    check = content / "quizzes/how-the-system-works-check-1.md"
    course_files.edit(check, f"Competencies: {CODE}\n", "Competencies: SPLW-1.2\n")


def section(page: str) -> str:
    """Return the profile's list of confirmations no longer in the framework ("" when none)."""
    if 'id="no-longer-in-framework"' not in page:
        return ""
    return page.split('id="no-longer-in-framework"', 1)[1].split("</ul>", 1)[0]


def test_a_confirmation_stays_listed_once_its_competency_leaves_the_framework(
    app,
    people,  # noqa: F811
    make_user,
    course,
    tmp_path,
):
    learner, sue, _ = people
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    assert ask(learner, app, code=CODE).status_code == 302
    request_id = the_request(app)
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    take_out_asking_what_matters(course)
    course_files.reload(app)

    mine = learner.get("/my/competencies").text
    listed = html.unescape(section(mine))
    assert CODE in listed and "Asking what matters" in listed
    assert "a supervisor confirmed your practice on" in listed
    pdf = f"/my/competencies/confirmations/{request_id}.pdf"
    assert pdf in listed and learner.get(pdf).mimetype == "application/pdf"
    # The supervisor's update no longer links to the competency's page, which has gone.
    assert learner.get(f"/my/competencies/{CODE}").status_code == 404
    assert f'href="/my/competencies/{CODE}#confirmation"' not in mine
    assert f'href="#no-longer-in-framework">{CODE}</a>' in mine
    theirs = html.unescape(
        section(manager.get(f"/manage/learners/{user_id(app, 'learner@example.org')}").text)
    )
    assert CODE in theirs and "a supervisor confirmed Lee Learner’s practice on" in theirs
    assert nu_errors({"competencies": mine}, tmp_path) == []


def test_a_request_waiting_on_a_competency_taken_out_is_not_offered_to_decide(
    app,
    people,  # noqa: F811
    course,
):
    learner, sue, _ = people
    assert ask(learner, app, code=CODE).status_code == 302
    request_id = the_request(app)
    take_out_asking_what_matters(course)
    course_files.reload(app)

    queue = html.unescape(sue.get("/supervise/").text)
    assert f"{CODE}: no longer in the framework, so there is nothing to decide" in queue
    # Its page has nothing to decide on: the queue does not lead there, nor count it.
    assert sue.get(f"/supervise/requests/{request_id}").status_code == 404
    assert f'href="/supervise/requests/{request_id}"' not in queue
    assert "Requests to confirm practice</a>: 0 waiting for you" in sue.get("/my/competencies").text
