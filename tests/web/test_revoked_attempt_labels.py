"""After a revocation, every label of an attempt says one thing.

A learner passes (attempt 1), an administrator revokes its certificate, the learner fails
attempt 2. Every page calls each attempt by its own number, as the competency page does,
and says its place in the fresh set of attempts the revocation opened apart: "attempt 2 (1
of 3 since the certificate was revoked)". The quiz page counts the attempts used from the
revocation and says so; the manager's quiz results say the pass was revoked, and when.
"""

import pytest
from lxml import html
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.dates import uk_today
from app.models import Attempt
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module
from tests.web.renewal_helpers import fail
from tests.web.test_quiz_renewal_numbers import caption
from tests.web.test_quiz_renewal_pages import quiz_url, words
from tests.web.test_revoked_certificate_labels import day, revoke

ASHA = "asha@example.org"


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def revoked(app, client, runner, pcn, module):
    """Asha, signed in, passed the quiz (attempt 1) and had its certificate revoked."""
    sign_in(client, ASHA)
    revoke(runner, pass_module(app, client, ASHA, module))
    return client


def attempt_url(app, module, learner: int, number: int) -> str:
    """Return the address of the learner's attempt with this number at the module's quiz."""
    with app.app_context():
        found = db.session().scalar(
            select(Attempt.id).where(
                Attempt.user_id == learner,
                Attempt.module_slug == module.slug,
                Attempt.number == number,
            )
        )
    return f"{quiz_url(module)}attempts/{found}/"


def quiz_results(page: str) -> list[str]:
    """Return the words of each row of the manager's quiz results table, newest first."""
    rows = html.fromstring(page).xpath("//h2[@id='attempts']/following-sibling::div[1]//tbody/tr")
    return [" ".join(" ".join(row.itertext()).split()) for row in rows]


def test_the_managers_quiz_results_say_a_pass_was_revoked_and_when(app, revoked, pcn):
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    [row] = quiz_results(manager.get(f"/manage/learners/{pcn['asha']}").text)
    assert row.endswith(
        f"100% Passed, certificate revoked on {day(uk_today())}: it no longer counts"
    )


def test_straight_after_a_revocation_the_quiz_page_counts_attempts_from_it(revoked, module):
    most = module.assessment.max_attempts
    page = words(revoked.get(quiz_url(module)).text)
    assert f"Attempts 0 used since the certificate was revoked, {most} left" in page
    assert (
        f"See the results of attempt 1 of {most} (100%): the pass whose certificate was revoked"
        in page
    )


def test_an_attempt_after_a_revocation_keeps_its_own_number_everywhere(app, revoked, pcn, module):
    most = module.assessment.max_attempts
    url = post_form(revoked, quiz_url(module), {}).location
    since = f"attempt 2 (1 of {most} since the certificate was revoked)"
    assert caption(revoked.get(url).text).endswith(f"· {since}")
    fail(revoked, module, int(url.rstrip("/").rsplit("/", 1)[1]))
    assert f"{since}." in words(revoked.get(url).text)
    page = words(revoked.get(quiz_url(module)).text)
    assert f"See the results of {since} (0%)" in page
    assert f"Attempts 1 used since the certificate was revoked, {most - 1} left" in page
    # The revoked pass keeps its number and its place in the set it was taken in.
    first = words(revoked.get(attempt_url(app, module, pcn["asha"], 1)).text)
    assert f"attempt 1 of {most}." in first and "since the certificate" not in first
    # The competency page names the same attempt by the same number.
    competencies = words(revoked.get("/my/competencies").text)
    assert "End-of-module quiz: attempt 2 Submitted" in competencies
