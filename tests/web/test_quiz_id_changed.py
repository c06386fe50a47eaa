"""A trainer gives a module's quiz a new id in the same module: the learner's standing holds.

The module is the same module (its pass keeps it completed: progress.passed_quiz), so its
quiz page counts the attempts taken under the old id: a pass stays the pass, used attempts
stay used, and an attempt in progress is the one to continue, numbered as before.
"""

import html

import pytest
from sqlalchemy import select

from app import db
from app.models import Attempt, AttemptGrant, Certificate
from tests.conftest import post_form
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import attempt_row, quiz_url, start, submit
from tests.web.test_quiz_record import take

NEW_ID = "renamed-quiz"


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: these tests rename its quiz file."""
    return course_files.copy_course(tmp_path / "copy")


def give_the_quiz_a_new_id(app, course, module) -> None:
    """Rename the module's quiz (its id and its file, which must agree) and reload."""
    path = course_files.quiz_path(course, module.slug)
    text = path.read_text("utf-8").replace(f"id: {module.slug}-assessment", f"id: {NEW_ID}")
    (path.parent / f"{NEW_ID}.md").write_text(text, "utf-8")
    path.unlink()
    course_files.reload(app)


def overview(learner, module) -> str:
    """Return the quiz page's text, its spaces run together."""
    return " ".join(html.unescape(learner.get(quiz_url(module)).text).split())


def submit_start(learner, module) -> str:
    """Press Start on the quiz page; return where it leads."""
    return post_form(learner, quiz_url(module), {}).location


def test_a_pass_under_the_old_id_still_stands_on_the_quiz_page(app, course, learner, module):
    take(app, learner, module, right=True)
    give_the_quiz_a_new_id(app, course, module)

    page = overview(learner, module)
    assert "You passed this quiz with 100%" in page
    assert "Start the quiz" not in page and "0 used" not in page
    # Passed under its old id, the quiz is not something added since the module was completed.
    mine = " ".join(html.unescape(learner.get("/modules/").text).split())
    assert "new or changed since you went through it" not in mine
    assert "100% complete" in mine
    # Starting again makes no attempt, so no second certificate for the same pass.
    assert submit_start(learner, module) == quiz_url(module)
    with app.app_context():
        assert len(db.session().scalars(select(Attempt)).all()) == 1
        assert len(db.session().scalars(select(Certificate)).all()) == 1


def test_attempts_used_under_the_old_id_stay_used(app, course, learner, module):
    for _ in range(3):
        take(app, learner, module, right=False)
    give_the_quiz_a_new_id(app, course, module)

    page = overview(learner, module)
    assert "3 used, 0 left" in page and "Start the quiz" not in page
    assert submit_start(learner, module) == quiz_url(module)
    with app.app_context():
        assert len(db.session().scalars(select(Attempt)).all()) == 3


def test_an_attempt_in_progress_is_continued_and_the_next_is_numbered_after_it(
    app, course, learner, module
):
    first = take(app, learner, module, right=False)
    url = start(learner, module)
    give_the_quiz_a_new_id(app, course, module)

    assert "Continue your attempt" in overview(learner, module)
    assert start(learner, module) == url
    attempt = attempt_row(app, url)
    data = attempt_form(module.assessment, attempt.selection, right=False)
    assert submit(learner, url, {**data, "confirmed": "yes"}).status_code == 302
    third = start(learner, module)
    assert third not in (first, url)
    assert attempt_row(app, third).quiz_id == NEW_ID and attempt_row(app, third).number == 3
    assert "attempt 3 of 3" in html.unescape(learner.get(third).text)


def test_an_extra_attempt_given_under_the_old_id_is_still_there_to_use(
    app, course, learner, module
):
    for _ in range(3):
        take(app, learner, module, right=False)
    with app.app_context():
        session = db.session()
        learner_id = session.scalar(select(Attempt.user_id))
        session.add(
            AttemptGrant(
                user_id=learner_id,
                quiz_id=module.assessment.id,
                extra=1,
                kind="person",
                reason="Unwell on the day",
            )
        )
        session.commit()
    give_the_quiz_a_new_id(app, course, module)

    assert "3 used, 1 left" in overview(learner, module)
    url = start(learner, module)
    assert attempt_row(app, url).number == 4
