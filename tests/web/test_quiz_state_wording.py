"""What the module and quiz pages say in each state of the quiz: true words, not praise after
a fail, and only the rules that still concern the learner."""

import html
from datetime import timedelta

from sqlalchemy import select

from app import db
from app.models import Attempt, Completion
from tests.conftest import post_form
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import latest_code
from tests.web.quiz_helpers import attempt_form
from tests.web.statements import statements
from tests.web.test_quiz import attempt_row, quiz_url, start, submit
from tests.web.test_quiz_next_attempt import use_every_attempt, with_quiz

RETAKE = "retake:\n  wait_days: 7\n  revisit_screens: true\n"
ANSWERS_ROW = "Your answers"
RETAKE_ROW = "If you use them all"


def _module_page(client, module) -> str:
    return client.get(f"/modules/{module.slug}/").text


def _take(app, client, module, *, right: bool) -> None:
    url = start(client, module)
    submit(
        client, url, attempt_form(module.assessment, attempt_row(app, url).selection, right=right)
    )
    assert attempt_row(app, url).passed is right


def _wait_and_go_back_over(app, client, module) -> None:
    """The retake rule's wait goes by, and the learner goes back over every screen."""
    with app.app_context():
        for attempt in db.session().scalars(select(Attempt)):
            attempt.submitted_at -= timedelta(days=8)
        for done in db.session().scalars(select(Completion)):
            done.completed_at -= timedelta(days=9)
        db.session().commit()
    for screen in module.screens:
        post_form(client, f"/modules/{module.slug}/{screen.slug}/", {})


def test_out_of_attempts_the_module_page_says_the_quiz_is_not_passed(app, learner, module):
    before = _module_page(learner, module)
    assert "getting there" in before  # every screen done: the quiz is what is left
    use_every_attempt(app, learner, module)
    page = html.unescape(_module_page(learner, module))
    assert "getting there" not in page and "Well done" not in page and "Good start" not in page
    assert "Quiz not passed: you have used all your attempts" in page
    assert "You have not passed this module's quiz" in page
    assert f'href="{quiz_url(module)}">See how you can try again</a>' in page


def test_a_new_set_of_attempts_ready_is_not_called_out_of_attempts(app, learner, module, course):
    module = with_quiz(app, course, module, attempts=1, extra=RETAKE)
    use_every_attempt(app, learner, module)
    assert "Quiz not passed" in _module_page(learner, module)
    _wait_and_go_back_over(app, learner, module)
    page = _module_page(learner, module)
    assert "Quiz not passed" not in page and "quiz-not-passed" not in page


def test_the_quiz_overview_shows_only_the_rows_that_concern_the_learner_now(
    app, learner, module, course
):
    module = with_quiz(app, course, module, attempts=2, extra=RETAKE)
    fresh = learner.get(quiz_url(module)).text  # not started
    assert ANSWERS_ROW in fresh and RETAKE_ROW in fresh
    url = start(learner, module)
    going = learner.get(quiz_url(module)).text  # in progress
    assert ANSWERS_ROW in going and RETAKE_ROW in going
    submit(learner, url, {"confirmed": "yes"})
    failed = learner.get(quiz_url(module)).text  # failed, one attempt left
    assert ANSWERS_ROW in failed and RETAKE_ROW in failed
    url = start(learner, module)
    submit(learner, url, {"confirmed": "yes"})
    out = learner.get(quiz_url(module)).text  # out of attempts: the panel says how to go on
    assert ANSWERS_ROW not in out and RETAKE_ROW not in out
    assert "A new set of attempts opens <strong>at" in out


def test_after_a_pass_the_overview_drops_the_rules_for_taking_attempts(app, learner, module):
    _take(app, learner, module, right=True)
    page = learner.get(quiz_url(module)).text
    assert "You passed this quiz with 100%" in page
    assert ANSWERS_ROW not in page and RETAKE_ROW not in page
    assert "1 used" in page and " left" not in page


def test_the_retake_notice_says_select_not_press(app, learner, module, course):
    module = with_quiz(app, course, module, attempts=1, extra=RETAKE)
    use_every_attempt(app, learner, module)
    page = learner.get(quiz_url(module)).text
    assert "select Next at the end of each (on the last screen, “Next: end-of-module quiz”)" in page
    assert "press " not in page.lower() and "click " not in page.lower()


def _screen_page(client, module, screen) -> str:
    return html.unescape(client.get(f"/modules/{module.slug}/{screen.slug}/").text)


def test_out_of_attempts_each_screen_says_the_quiz_is_not_passed(app, learner, module):
    first, last = module.screens[0], module.screens[-1]
    assert "Well done, you're getting there" in _screen_page(learner, module, last)
    assert module.assessment.max_attempts > 1
    _take(app, learner, module, right=False)
    # Failed fewer times than the quiz allows: the learner's own row says so, and the screen
    # reads nothing more.
    with statements(app) as run:
        page = _screen_page(learner, module, last)
    assert len(run) == 1, [" ".join(s.split())[:150] for s in run]
    assert "Well done, you're getting there" in page
    use_every_attempt(app, learner, module)
    for screen in (first, last):
        # Failed as often as it allows: the quiz's rows are read to tell whether a new
        # attempt is open (an extra one given, a retake rule met): one statement more.
        with statements(app) as run:
            page = _screen_page(learner, module, screen)
        assert len(run) == 2, [" ".join(s.split())[:150] for s in run]
        assert "getting there" not in page and "Well done" not in page, screen.slug
        assert "Quiz not passed: you have used all your attempts" in page, screen.slug


def test_a_screen_calls_the_quiz_out_of_attempts_until_a_new_set_is_ready(
    app, learner, module, course
):
    module = with_quiz(app, course, module, attempts=1, extra=RETAKE)
    use_every_attempt(app, learner, module)
    screen = module.screens[0]
    assert "Quiz not passed" in _screen_page(learner, module, screen)  # the wait is not over
    _wait_and_go_back_over(app, learner, module)
    page = _screen_page(learner, module, screen)
    assert "Quiz not passed" not in page and "Well done, you're getting there" in page


def test_after_a_revoked_pass_a_screen_counts_only_the_fresh_set_of_attempts(
    app, learner, module, runner
):
    _take(app, learner, module, right=True)
    with app.app_context():
        learner_id = db.session().scalar(select(Attempt.user_id))
    code = latest_code(app, learner_id, module.slug)
    revoked = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert revoked.exit_code == 0, revoked.output
    screen = module.screens[0]
    page = _screen_page(learner, module, screen)  # the pass withdrawn: the quiz is to pass again
    assert "Well done, you're getting there" in page and "Quiz not passed" not in page
    use_every_attempt(app, learner, module)
    for page in (
        _screen_page(learner, module, screen),
        html.unescape(_module_page(learner, module)),
    ):
        assert "Quiz not passed: you have used all your attempts" in page
