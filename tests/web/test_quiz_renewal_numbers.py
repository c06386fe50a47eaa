"""A renewal's attempts are numbered within it: "renewal attempt 1 of 3", not the lifetime
count; only an attempt given beyond the set is called an extra attempt."""

import pytest
from lxml import html

from app import db
from app.content import catalogue
from app.services import extra_attempts
from tests.conftest import post_form
from tests.web.renewal_helpers import age, assign_yearly, fail, failed_then_passed
from tests.web.test_quiz_renewal_pages import quiz_url, renew, words


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def lapsed(app, client, make_user, module):
    """A learner who failed once, passed on attempt 2 370 days ago, assigned yearly."""
    learner = failed_then_passed(app, client, make_user, module)
    assign_yearly(app, module)
    age(app, learner, 370)
    return learner


def caption(page: str) -> str:
    """Return the words of the attempt page's caption."""
    found = html.fromstring(page).find_class("nhsuk-caption-l")[0]
    return " ".join(found.text_content().split())


def test_a_renewals_attempts_count_from_one_of_its_own_set(app, client, lapsed, module):
    most = module.assessment.max_attempts
    url = post_form(client, quiz_url(module), {}).location
    assert caption(client.get(url).text).endswith(f"· renewal attempt 1 of {most}")
    client.get(quiz_url(module))
    fail(client, module, int(url.rstrip("/").rsplit("/", 1)[1]))
    result = words(client.get(url).text)
    assert f"renewal attempt 1 of {most}." in result
    assert f"You have {most - 1} attempts left" in result
    overview = words(client.get(quiz_url(module)).text)
    assert f"See the results of renewal attempt 1 of {most}" in overview
    assert f"1 used, {most - 1} left" in overview
    for place in range(2, most + 1):
        url = renew(app, client, module, right=False)
        assert f"renewal attempt {place} of {most}." in words(client.get(url).text)
    # The attempts before the renewal keep their places in their own set.
    panel = html.fromstring(client.get(quiz_url(module)).text).get_element_by_id("renewal")
    [link] = [a.get("href") for a in panel.iter("a") if a.text_content() == "see its results"]
    assert f"{quiz_url(module)}attempts/" in link
    assert f"attempt 2 of {most}." in words(client.get(link).text)


def test_only_an_attempt_given_beyond_the_set_is_an_extra_one(app, client, lapsed, module):
    most = module.assessment.max_attempts
    for _ in range(most):
        renew(app, client, module, right=False)
    with app.app_context():
        extra_attempts.grant_attempt(None, lapsed, module.assessment.id, "Ill on the day")
        db.session().commit()
    url = post_form(client, quiz_url(module), {}).location
    assert caption(client.get(url).text).endswith(
        f"· renewal attempt {most + 1} (an extra attempt)"
    )
