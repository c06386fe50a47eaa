"""A pass mark edited after an attempt started: what the pass's credential says it met.

The attempt is graded against the pass mark it started with (test_quiz_pass_mark_kept);
the signed credential of its certificate names that mark too, never the one the quiz file
asks for today, whether it is signed with the grade or later.
"""

from sqlalchemy import delete, select

from app import db
from app.models import Certificate
from app.models_credentials import Credential
from app.services import credentials
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.quiz_helpers import answer_fields, attempt_questions
from tests.web.test_credentials import payload
from tests.web.test_quiz import attempt_row, quiz_url, start, submit
from tests.web.test_quiz_pass_mark_kept import pass_mark_shown
from tests.web.test_quiz_pass_mark_kept import raise_pass_mark as set_pass_mark


def pass_at_80_after_the_mark_rose(app, course, learner, module) -> None:
    """Start an attempt at the quiz's 80%, raise the mark to 95, then pass with four of five."""
    url = start(learner, module)
    questions = attempt_questions(module.assessment, attempt_row(app, url).selection)
    data = {"confirmed": "yes"}
    for number, question in enumerate(questions):
        data.update(answer_fields(question, right=number > 0))
    set_pass_mark(app, course, module, 95)
    assert submit(learner, url, data).status_code == 302
    assert attempt_row(app, url).passed


def marks_claimed(token: str) -> tuple[str, str, str]:
    """Return the pass mark a credential's criteria, result description and evidence name."""
    claims = payload(token)
    achievement = claims["credentialSubject"]["achievement"]
    quiz = next(e for e in claims["evidence"] if e["genre"] == "Knowledge assessment")
    return (
        achievement["criteria"]["narrative"],
        achievement["resultDescription"][0]["requiredValue"],
        quiz["description"],
    )


def test_a_pass_graded_at_the_mark_it_started_with_is_credentialed_at_that_mark(
    app, course, learner, module
):
    pass_at_80_after_the_mark_rose(app, course, learner, module)
    narrative, required, evidence = marks_claimed(
        learner.get(f"/modules/{module.slug}/credential.jwt").text
    )
    assert "score at least 80% in its end-of-module quiz" in narrative
    assert required == "80"
    assert "Scored 80% against a pass mark of 80%" in evidence


def test_a_credential_signed_after_the_mark_changed_names_the_mark_the_pass_met(
    app, course, learner, module
):
    pass_at_80_after_the_mark_rose(app, course, learner, module)
    # A certificate from before credentials were issued gets its credential later
    # (`linkwise issue-credentials`), by which time the quiz asks for 95%.
    with app.app_context():
        session = db.session()
        session.execute(delete(Credential))
        session.commit()
        assert credentials.issue_missing() == 1
        session.commit()
        assert session.scalar(select(Certificate.id)) is not None
    narrative, required, evidence = marks_claimed(
        learner.get(f"/modules/{module.slug}/credential.jwt").text
    )
    assert "score at least 80% in its end-of-module quiz" in narrative
    assert required == "80"
    assert "Scored 80% against a pass mark of 80%" in evidence


def test_a_fail_at_the_old_mark_stays_a_fail_and_the_quiz_page_says_which_mark_graded_it(
    app, course, learner, module
):
    url = start(learner, module)
    questions = attempt_questions(module.assessment, attempt_row(app, url).selection)
    data = {"confirmed": "yes"}
    for number, question in enumerate(questions):
        data.update(answer_fields(question, right=number < 3))
    assert submit(learner, url, data).status_code == 302
    assert attempt_row(app, url).percent == 60 and not attempt_row(app, url).passed
    set_pass_mark(app, course, module, 50)

    assert not attempt_row(app, url).passed
    result = learner.get(url).text
    assert "You did not pass" in result and "The pass mark is 80%" in result
    # 60% beside a bare "Pass mark 50%" reads as a pass the learner was refused.
    assert pass_mark_shown(learner.get(quiz_url(module)).text) == (
        "50% (your last attempt was graded against 80%, the pass mark when it started)"
    )
    assert learner.get(f"/modules/{module.slug}/certificate/").status_code == 404
