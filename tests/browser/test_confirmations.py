"""Withdrawing an assignment and leaving an organisation ask first, in Chromium, with and
without JavaScript; a confined manager's assignments page shows what the organisation set."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import User
from app.models_teams import Team
from app.services import assignments, teams
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.web.pcn import make_pcn


@pytest.fixture
def pcn(app, runner, make_user):
    """The PCN of two practices, with a module assigned to Elm Practice and one to everyone."""
    found = make_pcn(app, runner, make_user)
    with app.app_context():
        session = db.session()
        org = session.scalar(select(User.organisation_id).where(User.email == "lead@example.org"))
        elm = session.scalar(select(Team.id).where(Team.name == "Elm Practice"))
        due = date.today() + timedelta(days=40)
        first, second = (m.slug for m in catalogue().modules[:2])
        for slug, target in ((first, {"team_id": elm}), (second, {})):
            asked = assignments.Request((slug,), due, **target)
            assignments.assign(teams.Scope(org), None, asked, catalogue())
    return found


def _module_title(app, place: int) -> str:
    with app.app_context():
        return catalogue().modules[place].title


def test_a_confined_manager_withdraws_after_confirming(app, page, live_server, pcn):
    elm_module, everyone_module = _module_title(app, 0), _module_title(app, 1)
    browser_sign_in(page, live_server, "pm@example.org")
    page.goto(live_server + "/manage/assignments")
    expect(page.get_by_role("heading", name="Set by your organisation")).to_be_visible()
    expect(page.get_by_role("link", name=f"Withdraw {everyone_module}")).to_have_count(0)
    assert_accessible(page)
    shot(page, "assignments-confined")
    page.get_by_role("link", name=f"Withdraw {elm_module} for Elm Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this assignment?")
    assert_accessible(page)
    shot(page, "withdraw")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("link", name=f"Withdraw {elm_module} for Elm Practice")).to_be_visible()
    page.get_by_role("link", name=f"Withdraw {elm_module} for Elm Practice").click()
    page.get_by_role("button", name="Withdraw assignment").click()
    expect(page.get_by_text(f"“{elm_module}” for Elm Practice has been withdrawn.")).to_be_visible()
    assert_accessible(page)
    # The browser's back button asks again: it was withdrawn, and nothing more happens.
    page.go_back()
    expect(page.get_by_text("was already withdrawn on")).to_be_visible()
    assert_accessible(page)
    shot(page, "withdraw-again")


def test_withdrawing_and_the_confined_page_work_without_javascript(
    app, browser, no_js_page, live_server, pcn
):
    page = no_js_page
    everyone_module = _module_title(app, 1)
    browser_sign_in(page, live_server, "pm@example.org")
    page.goto(live_server + "/manage/assignments")
    assert_accessible_without_javascript(page, browser)
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + "/manage/assignments")
    page.get_by_role("link", name=f"Withdraw {everyone_module}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this assignment?")
    assert_accessible_without_javascript(page, browser)
    page.get_by_role("button", name="Withdraw assignment").click()
    withdrawn = f"“{everyone_module}” for Everyone in the organisation has been withdrawn."
    expect(page.get_by_text(withdrawn)).to_be_visible()
    assert_accessible_without_javascript(page, browser)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_learner_leaves_after_confirming(app, browser, live_server, pcn, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, "asha@example.org")
        page.goto(live_server + "/account/organisation")
        page.get_by_role("link", name="Leave Riverside PCN").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Leave Riverside PCN?")
        expect(page.get_by_text("you will leave your team, Elm Practice")).to_be_visible()
        if javascript:
            assert_accessible(page)
            shot(page, "leave")
        else:
            assert_accessible_without_javascript(page, browser)
        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation")
        page.get_by_role("link", name="Leave Riverside PCN").click()
        page.get_by_role("button", name="Leave Riverside PCN").click()
        expect(page.get_by_text("You have left Riverside PCN")).to_be_visible()
        page.go_back()  # the question again: nothing is left to leave
        expect(page.get_by_text("You are not a member of an organisation")).to_be_visible()
        if javascript:
            assert_accessible(page)
        else:
            assert_accessible_without_javascript(page, browser)
    finally:
        context.close()
