"""A learner renews a module in Chromium, with and without JavaScript: My learning points to
the renewal, the quiz page says why and by when, a renewal attempt is taken and passed, and
the yearly assignment is complete again."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible_as_shown, browser_sign_in
from tests.browser.quiz_steps import answer_every_question
from tests.conftest import sign_in
from tests.web.journeys import pass_module, user_id
from tests.web.renewal_helpers import ORG, age, assign_yearly


def shot(page, name: str) -> None:
    """Save a full-page screenshot where ISSUE_SHOTS points, to look at by eye."""
    folder = os.environ.get("ISSUE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_learner_renews_a_module_whose_yearly_assignment_expired(
    app, browser, live_server, make_user, javascript
):
    email = make_user(full_name="Robin Reid", org=ORG)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    client = app.test_client()
    sign_in(client, email)
    pass_module(app, client, email, module)
    assign_yearly(app, module)
    age(app, user_id(app, email), 370)  # a year and a bit later
    suffix = "" if javascript else "-nojs"

    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, email)
        page.goto(f"{live_server}/modules/")
        expect(page.get_by_role("heading", name="Due for renewal")).to_be_visible()
        assert_accessible_as_shown(page, browser, javascript)
        shot(page, f"1-my-learning{suffix}")

        page.get_by_role("link", name=f"Renew {module.title}").click()
        panel = page.locator("#renewal")
        expect(panel).to_contain_text("Renew this module")
        expect(panel).to_contain_text("Your organisation asks for this module every year")
        expect(panel).to_contain_text("Renew it now")
        assert_accessible_as_shown(page, browser, javascript)
        shot(page, f"2-quiz-page{suffix}")

        page.get_by_role("button", name="Start your renewal").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
        answer_every_question(page, app, right=True)
        shot(page, f"3-renewal-attempt{suffix}")
        page.get_by_role("button", name="Submit").first.click()
        expect(page.get_by_role("heading", name="You passed")).to_be_visible()
        assert_accessible_as_shown(page, browser, javascript)
        shot(page, f"4-renewal-result{suffix}")

        page.goto(f"{live_server}/modules/{module.slug}/quiz/")
        expect(page.locator("#renewal")).to_have_count(0)
        expect(page.locator("#maincontent")).to_contain_text("It opens again for renewal on")
        assert_accessible_as_shown(page, browser, javascript)
        shot(page, f"5-quiz-page-renewed{suffix}")

        page.goto(f"{live_server}/modules/")
        expect(page.get_by_role("heading", name="Due for renewal")).to_have_count(0)
        expect(page.locator(".lw-assigned")).to_contain_text("Complete")
        shot(page, f"6-my-learning-renewed{suffix}")
    finally:
        context.close()
