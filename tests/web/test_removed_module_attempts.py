"""An attempt at a module that has since left the course, never certified, is still named by
the module's title: the attempt recorded it when it started (migration 0038)."""

import html
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from app import db
from app.models import Attempt, Certificate
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module, user_id
from tests.web.quiz_helpers import attempt_form
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz import finish_screens, start
from tests.web.test_quiz_record import take

ORG = "Riverside PCN"
EMAIL = "learner@example.org"


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests remove a module from it."""
    return course_files.copy_course(tmp_path / "copy")


@pytest.fixture(name="failed")
def failed_then_removed(app, client, make_user, module, course):
    """Sign in a learner of Riverside PCN who failed the first module's quiz once, then take
    the module out of the course; return the attempt's address."""
    sign_in(client, make_user(email=EMAIL, org=ORG))
    finish_screens(app, EMAIL, module)
    url = take(app, client, module, right=False)
    gone(app, course, module)
    return url


def gone(app, course, module) -> None:
    """Take the module out of the copied course and serve the course without it."""
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    with app.app_context():
        assert app.extensions["linkwise.catalogue"].module(module.slug) is None


def test_a_failed_result_of_a_removed_module_names_it_and_says_it_has_gone(
    client, module, failed, tmp_path
):
    response = client.get(failed)
    page = html.unescape(response.text)
    assert "You did not pass this time" in page
    assert f"{module.title} is no longer in the course" in page
    assert f">{module.slug}" not in page and f"{module.slug} is" not in page
    assert nu_errors({"result": response.text}, tmp_path) == []


def test_the_manager_sees_a_removed_modules_results_by_its_title(
    app, client, make_user, module, failed
):
    make_user(email="lead@example.org", role="manager", org=ORG)
    sign_in(client, "lead@example.org")
    page = html.unescape(client.get(f"/manage/learners/{user_id(app, EMAIL)}").text)
    results = page.split('id="attempts"', 1)[1].split("</table>", 1)[0]
    row = results.split("<tbody", 1)[1].split("</tr>", 1)[0]
    assert module.title in row and "No longer offered" in row and "Not passed" in row
    standing = page.split('id="quiz-attempts"', 1)[1]
    assert f'<h3 class="nhsuk-heading-s">{module.title}</h3>' in standing
    assert module.slug not in results.replace(f"/{module.slug}/", "")


def test_the_trainer_sees_a_removed_modules_failed_attempt_by_its_title(
    app, client, make_user, module, failed
):
    make_user(email="trainer@example.org", role="trainer")
    sign_in(client, "trainer@example.org")
    page = html.unescape(client.get(f"/author/learners/{user_id(app, EMAIL)}").text)
    section = page.split(f'<h3 class="nhsuk-heading-s">{module.title}</h3>', 1)[1]
    section = section.split("</div>", 1)[0]
    assert "This module is no longer in the course" in section
    assert "Attempt 1" in section and "not passed" in section
    assert f'<h3 class="nhsuk-heading-s">{module.slug}</h3>' not in page


def test_the_learners_data_export_holds_the_title_each_attempt_recorded(client, module, failed):
    archive = zipfile.ZipFile(io.BytesIO(post_form(client, "/account/data", {}).data))
    (attempt,) = json.loads(archive.read("linkwise-data.json"))["attempts"]
    assert (attempt["module"], attempt["module_title"]) == (module.slug, module.title)


def test_a_pass_graded_after_its_module_left_is_certified_by_the_title_it_started_with(
    app, client, make_user, module, course
):
    sign_in(client, make_user(email=EMAIL))
    finish_screens(app, EMAIL, module)
    url = start(client, module)
    with app.app_context():
        attempt = db.session().get(Attempt, int(url.rstrip("/").rsplit("/", 1)[1]))
        assert attempt.module_title == module.title
        data = attempt_form(module.assessment, attempt.selection, right=True)
    gone(app, course, module)
    assert post_form(client, url, {**data, "action": "submit"}).status_code == 302
    page = html.unescape(client.get(url).text)
    assert f"you have completed <strong>{module.title}</strong>" in page
    assert f"{module.title} is no longer in the course" in page
    with app.app_context():
        recorded = db.session().scalar(select(Certificate.module_title))
    assert recorded == module.title


def test_evidence_from_a_removed_modules_quiz_is_named_by_the_quiz_title_it_recorded(
    app, client, make_user, module, course
):
    sign_in(client, make_user(email=EMAIL, profession="link-worker"))
    pass_module(app, client, EMAIL, module)
    quiz = module.assessment
    gone(app, course, module)
    code = module.competency_codes[0]
    # Both pages head each attempt's answers with the quiz's name and number.
    page = html.unescape(client.get("/my/competencies").text)
    assert f"<strong>{quiz.title}: attempt 1</strong>" in page
    assert f">{quiz.id}: attempt" not in page
    page = html.unescape(client.get(f"/my/competencies/{code}").text)
    assert f">{quiz.title}: attempt 1</h3>" in page
    assert f">{quiz.id}: attempt" not in page
