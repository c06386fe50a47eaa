"""A trainer takes a competency out of the framework after a supervisor confirmed a learner's
practice in it: the confirmation stays on the learner's and their manager's pages."""

import html
import io
import json
import re
import zipfile

import pytest

from app.content import catalogue
from app.services import data_rights, rating_recompute
from tests.conftest import sign_in
from tests.nu_checker import nu_errors
from tests.web import course_files
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.journeys import pass_module
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
    # It is named as decided: code and name.
    assert f'href="#no-longer-in-framework">{CODE} Asking what matters</a>' in mine
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
    assert (
        f"{CODE} Asking what matters: no longer in the framework, so there is nothing to decide"
        in queue
    )
    # Its page has nothing to decide on: the queue does not lead there, nor count it.
    assert sue.get(f"/supervise/requests/{request_id}").status_code == 404
    assert f'href="/supervise/requests/{request_id}"' not in queue
    assert (
        "Requests to confirm practice</a>: none waiting for you" in sue.get("/my/competencies").text
    )


def totals(page: str) -> tuple[str, str]:
    """Return the profile's totals, met and secure knowledge, each as "n of m"."""
    found = re.findall(r"<strong>(\d+ of \d+)</strong>", page)
    return found[0], found[1]


def test_a_rating_of_knowledge_alone_stays_listed_once_its_competency_leaves_the_framework(
    app,
    people,  # noqa: F811
    make_user,
    course,
    tmp_path,
):
    learner, _, _ = people
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    with app.app_context():
        module = catalogue().module("how-the-system-works")
    pass_module(app, learner, "learner@example.org", module)
    before = learner.get("/my/competencies").text
    assert f'href="/my/competencies/{CODE}"' in before
    take_out_asking_what_matters(course)
    course_files.reload(app)
    # The nightly re-rating leaves a rating no framework can re-rate as it was.
    with app.app_context():
        rating_recompute.recompute_levels(catalogue())

    mine = learner.get("/my/competencies").text
    listed = html.unescape(section(mine))
    # Named as the framework file last named it, though the file no longer has it.
    assert (
        f"{CODE}</strong> Asking what matters: knowledge shown in quizzes, not competence in "
        "practice." in listed
    )
    assert re.search(r"Last rated Secure \(\d+%\) on \d+ \w+ \d{4}, ", listed)
    assert "from your quiz answers up to" in listed
    # No link to a page that has gone, nothing to ask for, and no total counts it.
    assert f"/my/competencies/{CODE}" not in mine
    assert "supervisor" not in listed
    (met, of), (secure, _) = (n.split(" of ") for n in totals(before))
    assert totals(mine) == (f"{met} of {int(of) - 1}", f"{int(secure) - 1} of {int(of) - 1}")
    theirs = html.unescape(
        section(manager.get(f"/manage/learners/{user_id(app, 'learner@example.org')}").text)
    )
    assert f"{CODE}</strong> Asking what matters: knowledge shown in quizzes" in theirs
    assert "from Lee Learner’s quiz answers up to" in theirs
    # The learner's data export keeps it, marked as out of the framework.
    lee = user_id(app, "learner@example.org")
    with app.app_context():
        archive = data_rights.export_archive(lee, catalogue(), actor_id=lee)
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("linkwise-data.json"))
    [kept] = [r for r in data["competency_levels"] if r["competency"] == CODE]
    assert kept["in_framework"] is False and kept["level"] == "Secure"
    assert kept["competency_name"] == "Asking what matters"
    assert nu_errors({"competencies": mine}, tmp_path) == []


def test_a_rating_listed_apart_says_when_its_answers_expired_and_gives_way_to_a_confirmation():
    from datetime import UTC, datetime, timedelta

    from app.domain.content import Catalogue
    from app.services.retired_confirmations import Confirmation
    from app.services.retired_ratings import RetiredRating, shown_apart

    now = datetime(2026, 12, 6, tzinfo=UTC)

    def rating(code, level="Secure", count=3, until=None, practice="Not started"):
        return RetiredRating(code, level, practice, 90.0, count, now, now, until)

    ratings = [
        rating("OLD-3", until=now - timedelta(days=1)),
        rating("OLD-1", until=now + timedelta(days=1)),
        rating("OLD-2"),  # its confirmation is listed: that says more
        rating("OLD-4", level="Not enough evidence", count=0, practice="Awaiting confirmation"),
        rating("OLD-5", level="Not enough evidence", count=2),
    ]
    confirmed = [Confirmation(7, "OLD-2", "Old two", "A framework", now)]
    listed = shown_apart(ratings, confirmed, Catalogue((), ()), now)
    assert [(r.code, r.answers_expired, r.rated) for r in listed] == [
        ("OLD-1", False, True),
        ("OLD-3", True, True),
        ("OLD-5", False, False),
    ]
