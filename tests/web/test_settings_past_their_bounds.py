"""Settings beyond what validate now allows, kept by an attempt or loaded, never give a 500.

An attempt keeps the settings it started under, so one started under a time limit of
99,999,999,999 minutes (which validate once accepted) must still load and be submitted.
"""

from dataclasses import replace

from app import db
from app.content import catalogue
from app.domain.quizzes.model import RetakeRule
from app.models import Attempt
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import (  # noqa: F401 (learner and module are fixtures)
    attempt_row,
    learner,
    module,
    start,
    submit,
)

HUGE_LIMIT = 99_999_999_999  # minutes: the QA round's value, far past year 9999


def serve_quiz(app, quiz):
    """Serve `quiz` as its module's assessment, as if it had been loaded from its file."""
    with app.app_context():
        app.extensions["linkwise.catalogue"] = replace(
            catalogue(),
            modules=tuple(
                replace(m, assessment=quiz) if m.slug == quiz.module else m
                for m in catalogue().modules
            ),
        )


def test_an_attempt_kept_with_a_huge_time_limit_loads_and_can_be_submitted(app, learner, module):  # noqa: F811
    url = start(learner, module)
    with app.app_context():
        attempt = db.session().get(Attempt, attempt_row(app, url).id)
        attempt.quiz_settings = {**attempt.quiz_settings, "time_limit_minutes": HUGE_LIMIT}
        db.session().commit()
    page = learner.get(url)
    assert page.status_code == 200
    assert "Submit answers" in page.text
    assert "This attempt closes at" not in page.text  # it never closes: no deadline to show
    # Starting again takes the learner back to the same attempt, which now works.
    assert start(learner, module) == url
    answers = attempt_form(module.assessment, attempt_row(app, url).selection, right=True)
    done = submit(learner, url, answers)
    assert done.status_code == 302
    graded = attempt_row(app, url)
    assert graded.status == "graded" and graded.percent == 100
    result = learner.get(url)
    assert result.status_code == 200 and "100%" in result.text


def test_a_learner_out_of_attempts_under_a_huge_retake_wait_sees_the_quiz_pages(
    app,
    learner,  # noqa: F811
    module,  # noqa: F811
):
    quiz = replace(module.assessment, max_attempts=1, retake=RetakeRule(3_000_000))
    serve_quiz(app, quiz)
    url = start(learner, module)
    wrong = attempt_form(quiz, attempt_row(app, url).selection, right=False)
    assert submit(learner, url, wrong).status_code == 302
    assert attempt_row(app, url).status == "graded"
    overview = learner.get(f"/modules/{module.slug}/quiz/")
    assert overview.status_code == 200
    assert learner.get(url).status_code == 200
    assert learner.get(f"/modules/{module.slug}/").status_code == 200
