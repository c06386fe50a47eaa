"""A revoked pass no longer closes the quiz nor anchors its renewal, as compliance counts it.

Revoking a certificate withdraws the pass it certifies (services/passes.py). The quiz then
stands on the latest pass that still counts: due for renewal from it, or open as for someone
who never passed when none is left, with a fresh set of attempts after the revocation.
"""

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, utcnow
from app.services import quiz_standing, quizzes
from tests.conftest import sign_in
from tests.web.journeys import latest_code, pass_module, user_id
from tests.web.renewal_helpers import ORG, age, assign_yearly, fail
from tests.web.test_quiz_renewal_pages import quiz_url, renew, status_in_compliance, words


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def revoke(app, runner, learner: int, module) -> str:
    """Revoke the learner's latest certificate for the module; return its code."""
    code = latest_code(app, learner, module.slug)
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    return code


@pytest.fixture
def renewed_then_revoked(app, client, runner, make_user, module):
    """A learner who passed 370 days ago, renewed (yearly assignment), then lost the renewal."""
    email = make_user(org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    assign_yearly(app, module)
    learner = user_id(app, email)
    age(app, learner, 370)
    renew(app, client, module)
    assert status_in_compliance(app, module) == "complete"
    revoke(app, runner, learner, module)
    return learner


def test_a_revoked_renewal_leaves_the_earlier_pass_due_as_compliance_says(
    app, client, renewed_then_revoked, module
):
    assert status_in_compliance(app, module) == "expired"
    with app.app_context():
        standing = quiz_standing.status(renewed_then_revoked, module)
        assert standing.passed.number == 1 and standing.withdrawn.number == 2
        assert standing.renewing and standing.renewal.late
        # A fresh set after the revocation: the revoked renewal's attempt is not counted.
        assert standing.allowance.used == 0
        assert standing.allowance.left == module.assessment.max_attempts
    page = words(client.get(quiz_url(module)).text)
    assert "Renew this module" in page and "Start your renewal" in page
    assert "so that pass no longer counts. Your earlier pass stands." in page
    assert "It opens again for renewal" not in page and "Get your CPD certificate" not in page
    assert "This module is due for renewal" in client.get(f"/modules/{module.slug}/").text
    assert "Due for renewal" in client.get("/modules/").text


def test_the_renewal_after_a_revoked_one_can_be_passed(app, client, renewed_then_revoked, module):
    renew(app, client, module)
    assert status_in_compliance(app, module) == "complete"
    with app.app_context():
        standing = quiz_standing.status(renewed_then_revoked, module)
        assert standing.passed.number == 3 and standing.withdrawn is None
        assert not standing.renewing


def test_a_revoked_only_pass_opens_the_quiz_again_with_a_fresh_set(
    app, client, runner, make_user, module
):
    email = make_user(org=ORG)
    sign_in(client, email)
    learner = user_id(app, email)
    pass_module(app, client, email, module)
    revoke(app, runner, learner, module)
    with app.app_context():
        standing = quiz_standing.status(learner, module)
        assert standing.passed is None and standing.withdrawn is not None
        assert standing.allowance.used == 0 and not standing.allowance.locked
    page = words(client.get(quiz_url(module)).text)
    assert "You passed this quiz" not in page and "Get your CPD certificate" not in page
    assert "so that pass no longer counts. You need to pass the quiz again" in page
    assert "Start the quiz" in page
    with app.app_context():
        attempt = quizzes.start(learner, module, now=utcnow())
        assert attempt.status == "in-progress"
        attempt_id = attempt.id
    fail(client, module, attempt_id)
    with app.app_context():
        standing = quiz_standing.status(learner, module)
        assert standing.allowance.used == 1


def test_attempts_before_the_revocation_do_not_count(app, client, runner, make_user, module):
    email = make_user(org=ORG)
    sign_in(client, email)
    learner = user_id(app, email)
    pass_module(app, client, email, module)
    age(app, learner, 10)
    with app.app_context():
        standing = quiz_standing.status(learner, module)
        assert standing.allowance.used == 1
    revoke(app, runner, learner, module)
    with app.app_context():
        standing = quiz_standing.status(learner, module)
        assert standing.allowance.used == 0
        assert db.session().scalar(select(Attempt.passed).where(Attempt.user_id == learner))
