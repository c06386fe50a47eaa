"""Quiz answers behind a rating, one attempt at a time: a failed attempt and the pass after
it each under their own heading, with their number, when and their result as graded."""

import html
import re

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import Attempt, Evidence
from tests.conftest import post_form, sign_in
from tests.web.quiz_helpers import attempt_form
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import decide, name_supervisor, user_id
from tests.web.test_quiz import finish_screens


def take(app, client, module, *, right):
    """Take the module's quiz through its pages, every answer right or every answer wrong."""
    url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    with app.app_context():
        attempt = db.session().get(Attempt, int(url.rstrip("/").rsplit("/", 1)[1]))
        data = attempt_form(module.assessment, attempt.selection, right=right)
    assert post_form(client, url, {**data, "action": "submit"}).status_code == 302


@pytest.fixture
def failed_then_passed(app, make_user):
    """A link worker who failed the first module's quiz, then passed it; the code of a
    competency both attempts gave evidence for; and their supervisor, signed in."""
    learner_email = make_user(
        email="lee@example.org", profession="link-worker", org="Riverside PCN",
        full_name="Lee Learner",
    )  # fmt: skip
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    learner, sue = app.test_client(), app.test_client()
    sign_in(learner, learner_email)
    sign_in(sue, "sue@example.org")
    with app.app_context():
        module = catalogue().modules[0]
    finish_screens(app, learner_email, module)
    take(app, learner, module, right=False)
    take(app, learner, module, right=True)
    with app.app_context():
        code = db.session().scalar(
            select(Evidence.competency_code)
            .where(Evidence.competency_code.like("SPLW-%"))  # the link worker's framework
            .group_by(Evidence.competency_code)
            .having(func.count(func.distinct(Evidence.attempt_id)) == 2)
            .order_by(Evidence.competency_code)
            .limit(1)
        )
    assert code, "no competency with evidence from both attempts"
    return learner, sue, code


def attempts_shown(page: str) -> list[str]:
    """Return each attempt's part of a page, in the order shown (text, tags stripped)."""
    parts = page.split('<div class="lw-attempt">')[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", html.unescape(part)).split()) for part in parts]


def assert_by_attempt(page: str, quiz_title: str):
    first, *rest = attempts_shown(page)
    assert len(rest) == 1, "one part per attempt, the pass and the failure"
    second = rest[0]
    # Newest first: the pass, attempt 2, then the failure, attempt 1.
    assert first.startswith(f"{quiz_title}: attempt 2 Submitted on ")
    # Submitted at a UK time with its zone: "Submitted on 7 December 2026 at 2:05pm GMT."
    assert re.search(r"(am|pm|midday|midnight) (GMT|BST)\. Result: 100%, Passed", first)
    assert "Marked 100% right" in first and "Marked 0% right" not in first
    assert second.startswith(f"{quiz_title}: attempt 1 Submitted on ")
    assert re.search(r"(am|pm|midday|midnight) (GMT|BST)\. Result: 0%, Not passed", second)
    assert "Marked 0% right" in second and "Marked 100% right" not in second
    assert "These answers show knowledge from a quiz, not practice." in html.unescape(page)


def test_the_learners_page_shows_each_attempts_answers_under_its_own_number_and_result(
    app, failed_then_passed
):
    learner, _, code = failed_then_passed
    with app.app_context():
        quiz = catalogue().modules[0].assessment
    page = learner.get(f"/my/competencies/{code}")
    assert page.status_code == 200
    assert_by_attempt(page.text, quiz.title)


def test_the_supervisors_request_shows_each_attempt_apart_before_and_after_deciding(
    app, failed_then_passed
):
    learner, sue, code = failed_then_passed
    with app.app_context():
        quiz = catalogue().modules[0].assessment
        sue_id = user_id(app, "sue@example.org")
    url = f"/my/competencies/{code}"
    assert (
        post_form(learner, f"{url}/request", {"supervisor": str(sue_id)}, page=url).status_code
        == 302
    )
    queue = sue.get("/supervise/").text
    request_id = int(re.search(r'href="/supervise/requests/(\d+)"', queue).group(1))
    waiting = sue.get(f"/supervise/requests/{request_id}")
    assert waiting.status_code == 200
    assert_by_attempt(waiting.text, quiz.title)

    with app.app_context():
        evidence_before = db.session().scalar(select(func.count(Evidence.id)))
    assert decide(sue, request_id, outcome="confirmed", comments="Seen it.").status_code == 302
    # As decided: the answers it was decided on, still apart by attempt.
    assert_by_attempt(sue.get(f"/supervise/requests/{request_id}").text, quiz.title)
    with app.app_context():  # shown as graded: nothing stored was rewritten
        assert db.session().scalar(select(func.count(Evidence.id))) == evidence_before
        passed = db.session().scalars(select(Attempt.passed).order_by(Attempt.number)).all()
    assert passed == [False, True]


def test_the_answers_by_attempt_are_valid_html(app, failed_then_passed, tmp_path, database_url):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    learner, sue, code = failed_then_passed
    with app.app_context():
        quiz = catalogue().modules[0].assessment
        sue_id = user_id(app, "sue@example.org")
    url = f"/my/competencies/{code}"
    post_form(learner, f"{url}/request", {"supervisor": str(sue_id)}, page=url)
    request_id = re.search(r'href="/supervise/requests/(\d+)"', sue.get("/supervise/").text)[1]
    pages = {
        "practice-by-attempt": learner.get(url).text,
        "request-by-attempt": sue.get(f"/supervise/requests/{request_id}").text,
    }
    for page in pages.values():
        assert_by_attempt(page, quiz.title)
    assert nu_errors(pages, tmp_path) == []
