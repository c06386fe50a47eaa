"""After a change of profession, the earlier framework's confirmation in Chromium: the profile's
section and the competency's page pass axe and fit a 1280 px and a 320 px window."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.quiz_steps import shot
from tests.web.test_profession_change import (
    CODE,
    GP,
    gp_confirmed_then_link_worker,  # noqa: F401
)


@pytest.mark.parametrize("width", [1280, 320])
def test_an_earlier_professions_confirmation_reads_well_at_any_width(
    page, live_server, confirmed, width
):
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, live_server, GP)
    page.goto(live_server + "/my/competencies")
    section = page.locator("#earlier-profession")
    expect(section).to_have_text("From your earlier profession")
    page.get_by_role("link", name=f"Your evidence and the supervisor’s decision for {CODE}").click()
    expect(page.locator("#not-in-your-framework")).to_contain_text("Not in your current framework")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    shot(page, f"profession-competency-{width}")
    page.goto(live_server + "/my/competencies#earlier-profession")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    shot(page, f"profession-competencies-{width}")
