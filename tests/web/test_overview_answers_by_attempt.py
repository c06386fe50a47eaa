"""The quiz answers listed with each competency on My competencies, and on the manager's
page about the learner, one attempt at a time: a failed attempt and the pass after it each
under their own number and result, as the competency's own page shows them."""

import re

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import Attempt, Evidence
from tests.conftest import sign_in
from tests.web.test_evidence_by_attempt import attempts_shown, failed_then_passed  # noqa: F401
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import user_id


def row_of(page: str, code: str) -> str:
    """Return the competency's row of the profile's tables."""
    rows = [row for row in page.split("<tr ") if f"<strong>{code}</strong>" in row]
    assert len(rows) == 1, f"one row for {code}"
    return rows[0]


def assert_by_attempt(row: str, quiz_title: str, attempt: str, answer: str):
    """Check the row lists the pass (attempt 2), then the failure (attempt 1), each apart
    with its result; `attempt` is how an attempt is named ("attempt", "Lee Learner’s
    attempt"), `answer` how an answer is ("Your answer", "Lee Learner’s answer")."""
    assert "2 attempts" in row
    first, *rest = attempts_shown(row)
    assert len(rest) == 1, "one part per attempt, the pass and the failure"
    second = rest[0]
    assert first.startswith(f"{quiz_title}: {attempt} 2 Submitted on ")
    # Submitted at a UK time with its zone: "Submitted on 7 December 2026 at 2:05pm GMT."
    assert re.search(r"(am|pm|midday|midnight) (GMT|BST)\. Result: 100%, Passed", first)
    assert "Marked 100% right" in first and "Marked 0% right" not in first
    assert second.startswith(f"{quiz_title}: {attempt} 1 Submitted on ")
    assert re.search(r"(am|pm|midday|midnight) (GMT|BST)\. Result: 0%, Not passed", second)
    assert "Marked 0% right" in second and "Marked 100% right" not in second
    assert f"{answer}: " in first and f"{answer}: " in second


@pytest.fixture
def manager(app, make_user):
    """A manager of the learner's organisation, signed in."""
    make_user(email="mo@example.org", role="manager", org="Riverside PCN", full_name="Mo Manager")
    client = app.test_client()
    sign_in(client, "mo@example.org")
    return client


def quiz_title(app) -> str:
    with app.app_context():
        return catalogue().modules[0].assessment.title


def test_my_competencies_lists_each_attempts_answers_under_its_number_and_result(
    app,
    failed_then_passed,  # noqa: F811
):
    learner, _, code = failed_then_passed
    page = learner.get("/my/competencies")
    assert page.status_code == 200
    assert_by_attempt(row_of(page.text, code), quiz_title(app), "attempt", "Your answer")


def test_the_managers_page_lists_the_learners_attempts_apart(
    app,
    failed_then_passed,  # noqa: F811
    manager,
):
    _, _, code = failed_then_passed
    with app.app_context():
        evidence_before = db.session().scalar(select(func.count(Evidence.id)))
    page = manager.get(f"/manage/learners/{user_id(app, 'lee@example.org')}")
    assert page.status_code == 200
    row = row_of(page.text, code)
    assert_by_attempt(row, quiz_title(app), "Lee Learner’s attempt", "Lee Learner’s answer")
    assert "Your answer" not in row and "your attempt" not in row.lower()
    with app.app_context():  # shown as graded: nothing stored was rewritten
        assert db.session().scalar(select(func.count(Evidence.id))) == evidence_before
        passed = db.session().scalars(select(Attempt.passed).order_by(Attempt.number)).all()
    assert passed == [False, True]


def test_the_overviews_by_attempt_are_valid_html(
    app,
    failed_then_passed,  # noqa: F811
    manager,
    tmp_path,
    database_url,
):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    learner, _, code = failed_then_passed
    lee = user_id(app, "lee@example.org")
    pages = {
        "overview-by-attempt": learner.get("/my/competencies").text,
        "manager-by-attempt": manager.get(f"/manage/learners/{lee}").text,
    }
    title = quiz_title(app)
    assert_by_attempt(row_of(pages["overview-by-attempt"], code), title, "attempt", "Your answer")
    named = ("Lee Learner’s attempt", "Lee Learner’s answer")
    assert_by_attempt(row_of(pages["manager-by-attempt"], code), title, *named)
    assert nu_errors(pages, tmp_path) == []
