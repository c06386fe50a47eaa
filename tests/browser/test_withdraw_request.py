"""A learner withdraws their waiting request in Chromium, with and without JavaScript, and may
then ask someone else."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.web.test_practice import CODE, ask, people  # noqa: F401 (a fixture)


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
        page.goto(f"{live_server}/my/competencies/{CODE}")
        expect(page.get_by_text("Waiting for a decision.")).to_be_visible()
        withdraw = page.get_by_role("button", name="Withdraw this request to Sue Supervisor")
        expect(withdraw).to_be_visible()
        check("waiting")
        withdraw.click()
        expect(page.get_by_text("Your request has been withdrawn.")).to_be_visible()
        expect(page.get_by_text("by you on")).to_be_visible()
        expect(page.get_by_role("button", name="Withdraw this request")).to_have_count(0)
        expect(page.get_by_role("button", name="Ask for confirmation")).to_be_visible()
        check("withdrawn")
        page.get_by_label("Sam Second").check()
        page.get_by_role("button", name="Ask for confirmation").click()
        expect(page.get_by_text("Your supervisor has been asked")).to_be_visible()
    finally:
        context.close()
