"""A certificate's clinical-review line says when it held: when the module's quiz was taken,
as the attempt recorded the module then. It reads true for a module still in the course and
for one that has left it, even one that left before the certificate was issued; and the
address of a module that has left describes the module, with no one certificate's review."""

import html
import re

import pytest
from sqlalchemy import select

from app import db
from app.domain import open_badges
from app.models import Attempt, Certificate
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.quiz_helpers import attempt_form
from tests.web.test_credentials import payload
from tests.web.test_quiz import finish_screens, start

EMAIL = "learner@example.org"
AS_TAKEN = "Not yet reviewed by a named independent clinician when the module's quiz was taken"


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests remove a module from it."""
    return course_files.copy_course(tmp_path / "copy")


def _review_row(page) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    return words.split("Clinical review of the content ", 1)[1].split(" Completed ", 1)[0]


def _gone(app, course, module) -> None:
    course_files.remove_first_module(course, module)
    course_files.reload(app)


def test_the_public_check_says_when_the_review_held_in_the_course_and_after_it_left(
    app, client, make_user, module, course
):
    sign_in(client, make_user(email=EMAIL))
    code = pass_module(app, client, EMAIL, module)
    anyone = app.test_client()
    assert _review_row(anyone.get(f"/certificates/{code}")) == AS_TAKEN
    signed = payload(client.get(f"/modules/{module.slug}/credential.jwt").text)
    achievement = signed["credentialSubject"]["achievement"]
    assert achievement["description"].endswith(f"\n\nClinical review of the content: {AS_TAKEN}.")
    _gone(app, course, module)
    assert _review_row(anyone.get(f"/certificates/{code}")) == AS_TAKEN
    # The module's address describes the module, as while it was in the course: no one
    # holder's certificate, so no line that speaks of one.
    described = anyone.get(achievement["id"]).json["description"]
    assert "Clinical review" not in described and "certificate was issued" not in described
    kept = achievement["description"].rsplit("\n\nClinical review of the content: ", 1)[0]
    assert described == f"{kept}\n\n{open_badges.NO_LONGER_OFFERED}"


def test_a_pass_graded_after_its_module_left_states_the_review_its_attempt_recorded(
    app, client, make_user, module, course
):
    sign_in(client, make_user(email=EMAIL))
    finish_screens(app, EMAIL, module)
    url = start(client, module)
    with app.app_context():
        attempt = db.session().get(Attempt, int(url.rstrip("/").rsplit("/", 1)[1]))
        data = attempt_form(module.assessment, attempt.selection, right=True)
        assert attempt.module_facts["clinical_reviewer"].startswith("Awaiting named")
    _gone(app, course, module)
    assert post_form(client, url, {**data, "action": "submit"}).status_code == 302
    with app.app_context():
        code = db.session().scalar(select(Certificate.code))
    # Issued when the module was no longer in the course: the review is the one recorded
    # when the quiz was taken, and the line says so rather than "when issued".
    assert _review_row(app.test_client().get(f"/certificates/{code}")) == AS_TAKEN
