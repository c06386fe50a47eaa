"""A request closed because its learner left the organisation, as the supervisor, the learner
and the manager see it in Chromium, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.conftest import post_form
from tests.web.test_leaving_closes_requests import _riverside
from tests.web.test_practice import CODE, ask, people, the_request  # noqa: F401 (a fixture)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_request_closed_by_leaving_says_why_and_shows_nothing_of_the_learner(
    app,
    browser,
    live_server,
    people,  # noqa: F811
    make_user,
    javascript,
):
    learner, _, _ = people
    ask(learner, app)
    waiting = the_request(app)
    make_user(email="mo@example.org", role="manager", org="Riverside PCN")
    left = post_form(learner, "/account/organisation/leave", {"organisation": str(_riverside(app))})
    assert left.status_code == 302
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
        browser_sign_in(page, live_server, "sue@example.org")
        page.goto(f"{live_server}/supervise/requests/{waiting}")
        expect(page.get_by_text("when Lee Learner left Riverside PCN")).to_be_visible()
        expect(page.get_by_role("heading", name="Quiz answers")).to_have_count(0)
        expect(page.get_by_role("button", name="Save decision")).to_have_count(0)
        check("closed-request")
        page.context.clear_cookies()
        browser_sign_in(page, live_server, "learner@example.org")
        page.goto(f"{live_server}/my/competencies/{CODE}")
        expect(page.get_by_text("undecided: you left Riverside PCN")).to_be_visible()
        check("learners-page")
        page.context.clear_cookies()
        browser_sign_in(page, live_server, "mo@example.org")
        page.goto(f"{live_server}/manage/teams")
        expect(page.get_by_role("cell", name="Lee Learner")).to_be_visible()
        check("leavers")
    finally:
        context.close()
