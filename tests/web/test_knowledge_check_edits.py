"""A knowledge check answered, then edited or taken off its screen: what the learner is shown.

Its feedback is on its screen, from the question as it was asked; it has no quiz result
page, where its pass mark of 0 would read as a pass of the module's quiz.
"""

import html

import pytest
from sqlalchemy import select

from app import db
from app.models import Attempt
from tests.conftest import post_form
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.test_after_content_edits import open_first_check


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: these tests edit and remove files."""
    return course_files.copy_course(tmp_path / "copy")


def answer_first_check(app, client, make_user):
    """Sign in a learner who reached the module's first check and answered it wrongly.

    Returns the module, the check's screen and the address of the answer's feedback.
    """
    module, screen, url, _, stamp = open_first_check(app, client, make_user)
    question = screen.knowledge_check.questions[0]
    wrong = next(c for c in question.choices if c.id not in question.correct_ids)
    sent = {f"q.{question.id}": wrong.form_value, "check_versions": stamp}
    response = post_form(client, url + "check", sent, page=url)
    assert response.status_code == 302, response.status_code
    with app.app_context():
        attempt = db.session().scalar(select(Attempt.id).where(Attempt.quiz_id != ""))
    return module, screen, attempt, wrong.text


def test_a_checks_answer_is_no_quiz_result_claiming_the_module_completed(app, client, make_user):
    module, _, attempt, _ = answer_first_check(app, client, make_user)
    page = client.get(f"/modules/{module.slug}/quiz/attempts/{attempt}/")
    assert page.status_code == 404
    assert "You passed" not in page.text and "Get your CPD certificate" not in page.text
    assert client.get(f"/modules/{module.slug}/certificate/").status_code == 404


def test_a_checks_feedback_shows_the_question_answered_after_it_is_edited_or_taken_off(
    app, client, make_user, course
):
    module, screen, attempt, chosen = answer_first_check(app, client, make_user)
    feedback = f"/modules/{module.slug}/{screen.slug}/?check={attempt}"
    question = screen.knowledge_check.questions[0]
    asked = " ".join(question.text.split()[:6])
    before = html.unescape(client.get(feedback).text)
    assert asked in " ".join(before.split()) and chosen in before

    path = course / "content" / "quizzes" / f"{screen.knowledge_check.id}.md"
    course_files.edit(path, "shape each of their social prescriptions?", "shape their plans?")
    course_files.reload(app)
    edited = " ".join(html.unescape(client.get(feedback).text).split())
    assert asked in edited and "shape their plans?" not in edited
    assert "Not correct" in edited

    screen_file = next((course / "content" / "modules" / module.slug).glob(f"*-{screen.slug}.md"))
    course_files.edit(screen_file, f"knowledge_check: {screen.knowledge_check.id}\n", "")
    path.unlink()
    course_files.reload(app)
    gone = client.get(feedback)
    assert gone.status_code == 200 and "You passed" not in gone.text
    assert client.get(f"/modules/{module.slug}/quiz/attempts/{attempt}/").status_code == 404
