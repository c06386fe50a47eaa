"""A learner withdraws their waiting request in Chromium, with and without JavaScript: a page
asks first, the back button afterwards withdraws nothing more, and they may then ask someone
else. A supervisor pages through the requests they decided."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.web.test_practice import CODE, ask, people  # noqa: F401 (a fixture)
from tests.web.test_practice_withdraw import closings
from tests.web.test_supervise_queue_pages import DECIDED_PER_PAGE, decided_already


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_learner_withdraws_a_waiting_request_and_is_offered_the_supervisors_again(
    app,
    browser,
    live_server,
    people,  # noqa: F811
    javascript,
):
    learner, _, _ = people
    ask(learner, app)
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    suffix = "" if javascript else "-nojs"

    def check(name: str) -> None:
        if javascript:
            assert_accessible(page)
        else:
            assert_accessible_without_javascript(page, browser)
        shot(page, name + suffix)

    try:
        browser_sign_in(page, live_server, "learner@example.org")
        competency = f"{live_server}/my/competencies/{CODE}"
        page.goto(competency)
        expect(page.get_by_text("Waiting for a decision.")).to_be_visible()
        withdraw = page.get_by_role("link", name="Withdraw this request to Sue Supervisor")
        expect(withdraw).to_be_visible()
        check("waiting")
        # The link asks first; Cancel goes back and changes nothing.
        withdraw.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this request?")
        expect(page.get_by_text("Sue Supervisor is no longer asked")).to_be_visible()
        check("withdraw-question")
        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_text("Waiting for a decision.")).to_be_visible()
        assert closings(app) == ([], 0)
        page.get_by_role("link", name="Withdraw this request to Sue Supervisor").click()
        page.get_by_role("button", name="Withdraw request").click()
        expect(page.get_by_text("Your request has been withdrawn.")).to_be_visible()
        expect(page.get_by_text("by you on")).to_be_visible()
        expect(page.get_by_role("link", name="Withdraw this request")).to_have_count(0)
        expect(page.get_by_role("button", name="Ask for confirmation")).to_be_visible()
        check("withdrawn")
        # The browser's back button finds the question answered: nothing more happens,
        # whether the browser asks for the page again or shows it from its cache (and the
        # button is pressed a second time).
        page.go_back()
        if page.url.endswith("/withdraw"):
            page.get_by_role("button", name="Withdraw request").click()
        expect(page.get_by_text("You had already withdrawn this request")).to_be_visible()
        assert len(closings(app)[0]) == 1
        page.get_by_label("Sam Second").check()
        page.get_by_role("button", name="Ask for confirmation").click()
        expect(page.get_by_text("Your supervisor has been asked")).to_be_visible()
    finally:
        context.close()


def test_a_supervisor_pages_through_their_decisions_without_javascript(
    app,
    browser,
    live_server,
    people,  # noqa: F811
    no_js_page,
):
    decided_already(app, DECIDED_PER_PAGE + 2)
    page = no_js_page
    browser_sign_in(page, live_server, "sue@example.org")
    page.goto(f"{live_server}/supervise/")
    decided = page.locator("#decided + p + ul > li")
    expect(decided).to_have_count(DECIDED_PER_PAGE)
    expect(decided.first).to_contain_text(f"Decision {DECIDED_PER_PAGE + 1:03}")
    assert_accessible_without_javascript(page, browser)
    shot(page, "queue-page-1-nojs")
    page.get_by_role("link", name="Next page").click()
    expect(decided).to_have_count(2)
    expect(decided.last).to_contain_text("Decision 000")
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    assert_accessible_without_javascript(page, browser)
    shot(page, "queue-page-2-nojs")
