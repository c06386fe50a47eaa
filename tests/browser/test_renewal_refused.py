"""A learner sends the request form from a page opened before their practice was confirmed,
in Chromium with and without JavaScript: nothing is asked, and the page says until when
practice is confirmed and from when it can be renewed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.web.test_confirmation_validity import confirm
from tests.web.test_practice import CODE, people  # noqa: F401 (a fixture)
from tests.web.test_practice_renewal_refused import counted


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_form_from_before_the_confirmation_asks_nobody_and_says_when_to_renew(
    app,
    browser,
    live_server,
    people,  # noqa: F811
    javascript,
):
    learner, sue, _ = people
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, "learner@example.org")
        page.goto(f"{live_server}/my/competencies/{CODE}")
        page.get_by_label("Sam Second").check()
        confirm(app, learner, sue)  # in another tab: asked Sue, who confirmed
        page.get_by_role("button", name="Ask for confirmation").click()
        expect(page.get_by_text("you can ask for renewal from")).to_be_visible()
        expect(page.get_by_text("No request was sent.")).to_be_visible()
        expect(page.get_by_role("button", name="Ask for confirmation")).to_have_count(0)
        if javascript:
            assert_accessible(page)
        else:
            assert_accessible_without_javascript(page, browser)
        shot(page, f"refused{'' if javascript else '-nojs'}")
    finally:
        context.close()
    assert counted(app) == (1, 1)
