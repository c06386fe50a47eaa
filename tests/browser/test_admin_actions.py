"""Administrators' and managers' pages after a repeated action, in Chromium with and without
JavaScript: the credential revoked from two tabs (then the Organisations page, a name
refused), and the removal, placing and naming that find their work done. Each passes
axe-core; screenshots go to LINKWISE_SHOTS_DIR."""

import re

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.conftest import post_form, sign_in
from tests.web import revoking
from tests.web.journeys import pass_module
from tests.web.pcn import make_pcn


def _context(browser, javascript: bool):
    return browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )


def _check(page, browser, javascript: bool, name: str) -> None:
    if javascript:
        assert_accessible(page)
    else:
        assert_accessible_without_javascript(page, browser)
    shot(page, f"{name}{'' if javascript else '-nojs'}")


@pytest.mark.both_databases
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_revocation_from_a_second_tab_is_told_whose_stood(
    app, browser, live_server, make_user, javascript
):
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    helper = app.test_client()
    sign_in(helper, email)
    code = pass_module(app, helper, email, module)
    make_user("ada@example.org", role="admin", full_name="Ada Admin")
    make_user("bo@example.org", role="admin", full_name="Bo Other")
    context = _context(browser, javascript)
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, "bo@example.org")
        page.goto(f"{live_server}/admin/credentials/?code={code}")  # the second tab, open
        expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
        first = app.test_client()
        sign_in(first, "ada@example.org")
        url = f"/admin/credentials/?code={code}"
        revoked = revoking.revoke(first, code, "Reason A", page=url)
        assert revoked.status_code == 302
        page.get_by_label("Why are you revoking this credential?").fill("Reason B")
        page.get_by_role("button", name="Continue to revoke").click()
        expect(page.get_by_text("This credential was already revoked on")).to_be_visible()
        expect(page.get_by_text("Your reason was not recorded.")).to_be_visible()
        expect(page.get_by_role("definition").filter(has_text="Robin Reid")).to_be_visible()
        revoked_at = re.compile(r"(am|pm|midday|midnight) (GMT|BST), by Ada Admin")  # UK time
        expect(page.get_by_text(revoked_at)).to_be_visible()
        _check(page, browser, javascript, "credential-already-revoked")
        if javascript:  # the Organisations page, a refused name shown, passes axe-core too
            page.goto(f"{live_server}/admin/organisations/")
            page.get_by_role("button", name="Create organisation").click()
            expect(page.get_by_role("link", name="Enter the organisation's name")).to_be_visible()
            _check(page, browser, javascript, "organisations-name-refused")
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_manager_is_told_when_an_action_finds_its_work_done(
    app, browser, live_server, runner, make_user, javascript
):
    ids = make_pcn(app, runner, make_user)
    make_user(email="eve@example.org", org="Riverside PCN", full_name="Eve Unplaced")
    helper = app.test_client()
    sign_in(helper, "lead@example.org")
    context = _context(browser, javascript)
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, "lead@example.org")
        # Removing: the confirmation page, then the same removal sent again from it.
        page.goto(f"{live_server}/manage/learners/{ids['asha']}/remove")
        remove = f"/manage/learners/{ids['asha']}/remove"
        assert post_form(helper, remove, {}, page=remove).status_code == 302  # another tab
        page.get_by_role("button", name="Remove from organisation").click()
        expect(
            page.get_by_text("Asha Elm was already removed from your organisation on")
        ).to_be_visible()
        _check(page, browser, javascript, "remove-already")
        page.go_back()  # to the confirmation page, which now says she has gone
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Asha Elm is no longer in your organisation"
        )
        _check(page, browser, javascript, "removed-page")
        # Placing someone already in the team.
        page.goto(f"{live_server}/manage/teams")
        page.get_by_role("link", name="Oak Practice").click()
        page.get_by_label("Learner's email address").fill("ben@example.org")
        page.get_by_role("button", name="Place learner").click()
        expect(
            page.get_by_text("Ben Oak is already in this team: nothing was changed.")
        ).to_be_visible()
        _check(page, browser, javascript, "place-already")
        # Naming a supervisor: the learner page leads to the question, which is confirmed
        # after another tab named them.
        learner = f"/manage/learners/{ids['ben']}"
        page.goto(f"{live_server}{learner}")
        page.get_by_role("link", name="Name as a supervisor").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Name Ben Oak as a supervisor?")
        _check(page, browser, javascript, "supervisor-question")
        confirmed = {"named": "yes", "confirmed": "yes"}
        question = f"{learner}/supervisor?named=yes"
        named = post_form(helper, f"{learner}/supervisor", confirmed, page=question)
        assert named.status_code == 302
        page.get_by_role("button", name="Name as a supervisor").click()
        expect(
            page.get_by_text("Ben Oak is already a supervisor of your organisation")
        ).to_be_visible()
        _check(page, browser, javascript, "supervisor-already")
    finally:
        context.close()


def _tab_to(page, test_js: str, limit: int = 80) -> str:
    """Press Tab until the focused element passes the test (a JavaScript function of it):
    reachable by keyboard. Return the focused element's text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({test_js})(document.activeElement)"):
            return page.evaluate("() => document.activeElement.textContent.trim()")
    raise AssertionError(f"never reached {test_js} by Tab")


def _href(href: str) -> str:
    return f"el => el.getAttribute('href') === '{href}'"


@pytest.mark.parametrize(
    ("javascript", "width"),
    [(True, 1280), (True, 320), (False, 1280)],
    ids=["with-js", "with-js-320", "without-js"],
)
def test_the_people_pages_pass_axe_and_are_reached_by_keyboard(
    app, browser, live_server, make_user, javascript, width
):
    """Find a person, open them (sign-in locked), change their role after an error, lift
    the lock and erase the account: each page passes axe-core, at 1280 and 320 pixels."""
    make_user("ada@example.org", role="admin", full_name="Ada Admin")
    make_user("sam@example.org", full_name="Sam Learner")  # in no organisation
    make_user("kim@example.org", org="Riverside PCN", full_name="Kim Manager", role="manager")
    guesser = app.test_client()
    for _ in range(5):
        post_form(guesser, "/sign-in", {"email": "sam@example.org", "password": "wrong guess"})
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    name = f"people-{width}{'' if javascript else '-nojs'}"
    try:
        browser_sign_in(page, live_server, "ada@example.org")
        page.goto(f"{live_server}/admin/audit")
        # The header's link, by keyboard: where the links overflow, behind its More menu.
        more = "el => el.id === 'toggle-menu'"
        found = _tab_to(page, f"el => ({_href('/admin/people/')})(el) || ({more})(el)")
        if found.endswith("More"):
            page.keyboard.press("Enter")
            _tab_to(page, _href("/admin/people/"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("People")
        _check(page, browser, javascript, f"{name}-list")
        page.get_by_label("Search by name or email address").fill("sam")
        page.get_by_label("Search by name or email address").press("Enter")
        expect(page.get_by_text("1 person has a name or email address containing")).to_be_visible()
        sam = page.get_by_role("link", name="Sam Learner").get_attribute("href")
        _tab_to(page, _href(sam))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sam Learner")
        expect(page.get_by_text("Stopped now: signing in to this account from")).to_be_visible()
        _check(page, browser, javascript, f"{name}-person")
        page.get_by_role("link", name="Change role").click()
        page.get_by_label("Manager").check()
        page.get_by_role("button", name="Continue").click()
        expect(
            page.get_by_role("link", name="Select the organisation Sam Learner will manage")
        ).to_be_visible()
        _check(page, browser, javascript, f"{name}-role-error")
        page.get_by_label("Organisation").select_option(label="Riverside PCN")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Make them a manager of Riverside PCN?"
        )
        _check(page, browser, javascript, f"{name}-role-confirm")
        page.get_by_role("button", name="Change role").click()
        expect(page.get_by_text("Sam Learner is now a manager of Riverside PCN.")).to_be_visible()
        _tab_to(page, "el => el.textContent.trim() === 'Lift the sign-in lock'")
        page.keyboard.press("Enter")
        expect(
            page.get_by_text(
                re.compile(
                    r"For sam@example\.org: 5 of 5 failed sign-ins from \S+ forgotten, "
                    "so they can sign in"
                )
            )
        ).to_be_visible()
        _check(page, browser, javascript, f"{name}-unlocked")
        page.get_by_role("button", name="Erase account").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Erase their account?")
        _check(page, browser, javascript, f"{name}-erase")
        page.get_by_role("button", name="Erase account").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Erased account \d+"))
        _check(page, browser, javascript, f"{name}-erased")
    finally:
        context.close()
