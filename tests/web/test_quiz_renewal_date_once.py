"""A renewal's date is said once: a reason that names it ("renew by ...") is not followed by
"Renew by ..." again, on My learning, the module page or the quiz page."""

from datetime import timedelta

import pytest
from lxml import html

from app.content import catalogue
from app.domain.dates import uk_day
from app.domain.quizzes.renewal import StoredRating, renewal
from app.models import utcnow
from tests.conftest import sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.renewal_helpers import ORG, age, assign_yearly
from tests.web.test_quiz_renewal_pages import quiz_url, text_of

NOW = utcnow()


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def due_soon(app, client, make_user, module):
    """A learner who passed 340 days ago, assigned yearly: due for renewal, not yet expired."""
    email = make_user(org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    assign_yearly(app, module)
    age(app, user_id(app, email), 340)
    passed = uk_day(utcnow() - timedelta(days=340))
    return passed.replace(year=passed.year + 1)


def test_the_assignments_date_is_said_once_on_every_page(client, due_soon, module):
    day = f"{due_soon.day} {due_soon:%B %Y}"
    mine = html.fromstring(client.get("/modules/").text).find_class("lw-renewals")[0]
    mine = " ".join(mine.text_content().split())
    assert f"every year: renew by {day}." in mine and mine.count(day) == 1
    module_page = text_of(client.get(f"/modules/{module.slug}/").text, "renewal")
    assert module_page.count(day) == 1
    quiz_page = text_of(client.get(quiz_url(module)).text, "renewal")
    assert quiz_page.count(day) == 1


def test_a_date_no_reason_names_is_still_said():
    rating = StoredRating(
        "Knowing the routes for immediate risk",
        True,
        NOW + timedelta(days=20),
        NOW - timedelta(days=5),
        False,
    )
    found = renewal(passed_at=NOW - timedelta(days=300), ratings=[rating], now=NOW)
    assert found.open and found.renew_by == uk_day(NOW + timedelta(days=20))
    assert not found.renew_by_said
