"""Learner forms met from two tabs, or answered twice: what they say is accessible."""

import re

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from app.services import accounts, password_changes, quizzes
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_as_shown,
    assert_accessible_without_javascript,
    browser_sign_in,
    fresh_page,
)
from tests.browser.quiz_steps import fill_in, shot
from tests.conftest import DEMO_PASSWORD, sign_in
from tests.web.journeys import pass_module
from tests.web.test_learn import reach

EMAIL = "learner@example.org"


@pytest.fixture
def page(browser, javascript):
    """Open a page with JavaScript on or off, as the test is parametrized (only that one)."""
    with fresh_page(browser, javascript) as page:
        yield page


def two_tabs(context, url):
    """Open the same page in two tabs of one browser."""
    first, second = context.new_page(), context.new_page()
    first.goto(url)
    second.goto(url)
    return first, second


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_details_changed_in_two_tabs(app, browser, page, live_server, make_user, javascript):
    make_user()
    browser_sign_in(page, live_server, EMAIL)
    tab_a, tab_b = two_tabs(page.context, f"{live_server}/account/details")
    tab_a.get_by_label("Full name").fill("Sam Other")
    tab_a.get_by_role("button", name="Save details").click()
    expect(tab_a.get_by_text("Your details have been saved")).to_be_visible()
    tab_b.get_by_label("Full name").fill("Samantha Learner")
    tab_b.get_by_label("GP", exact=True).check()
    tab_b.get_by_role("button", name="Save details").click()
    summary = tab_b.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Your other changes have been saved.")
    message = re.compile("Your full name was changed to “Sam Other” in another tab")
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(tab_b.get_by_label("Full name")).to_have_value("Samantha Learner")
    if javascript:
        expect(summary).to_be_focused()
        assert_accessible(tab_b)
    else:
        assert_accessible_without_javascript(tab_b, browser)
    shot(tab_b, f"details-conflict-{'js' if javascript else 'no-js'}")
    tab_b.get_by_role("button", name="Save details").click()
    expect(tab_b.get_by_text("Your details have been saved")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_reflection_changed_in_two_tabs_and_over_long(
    app, client, browser, page, live_server, make_user, javascript
):
    sign_in(client, make_user())
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_module(app, client, EMAIL, module)
    browser_sign_in(page, live_server, EMAIL)
    url = f"{live_server}/modules/{module.slug}/certificate/"
    tab_a, tab_b = two_tabs(page.context, url)
    tab_a.get_by_label("What happened (optional)").fill("Written in tab A.\nSecond line.")
    tab_a.get_by_role("button", name="Save reflective account").click()
    expect(tab_a.get_by_text("Your reflective account has been saved")).to_be_visible()
    tab_b.get_by_label("What happened (optional)").fill("Written in tab B.")
    tab_b.get_by_role("button", name="Save reflective account").click()
    summary = tab_b.locator(".nhsuk-error-summary")
    expect(
        summary.get_by_role("link", name=re.compile("The text under “What happened” was changed"))
    ).to_be_visible()
    expect(tab_b.locator("#reflection-activity-saved")).to_contain_text("Written in tab A.")
    expect(tab_b.get_by_label("What happened (optional)")).to_have_value("Written in tab B.")
    mode = "js" if javascript else "no-js"
    shot(tab_b, f"reflection-conflict-{mode}")
    if javascript:
        assert_accessible(tab_b)
        # A crafted form over the limit (the box's maxlength stops typing past it).
        tab_b.locator("#reflection-code").evaluate(
            "(box, text) => { box.removeAttribute('maxlength'); box.value = text; }", "x" * 2501
        )
        tab_b.get_by_role("button", name="Save reflective account").click()
        expect(
            summary.get_by_role("link", name=re.compile("must be 2500 characters"))
        ).to_be_visible()
        shot(tab_b, "reflection-too-long-js")
        assert_accessible(tab_b)
    else:
        assert_accessible_without_javascript(tab_b, browser)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_knowledge_check_answer_recorded_elsewhere(
    app, client, browser, page, live_server, make_user, monkeypatch, javascript
):
    sign_in(client, make_user())
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check
        )
    reach(client, module, screen)
    question = screen.knowledge_check.questions[0]
    # Every answer takes number 1, as an answer sent a moment before this one did.
    monkeypatch.setattr(quizzes, "_next_number", lambda user_id, quiz_id: 1)
    browser_sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server}/modules/{module.slug}/{screen.slug}/")
    place = page
    for right in (False, True):  # the right answer loses: the wrong one is recorded
        if javascript:
            page.get_by_role("button", name="Check your knowledge").click()
            place = page.get_by_role("dialog")
        else:
            page.goto(f"{live_server}/modules/{module.slug}/{screen.slug}/")
        fill_in(page, question, question.example_answer(right))
        place.get_by_role("button", name="Check my answer").click()
        expect(place.get_by_text("Your answer:")).to_be_visible()
        if not right and javascript:
            place.get_by_role("button", name="Close the knowledge check").click()
            page.reload()
    expect(place.get_by_text("already been recorded from another tab")).to_be_visible()
    expect(place.get_by_text("Not correct", exact=True)).to_be_visible()
    shot(page, f"knowledge-check-recorded-elsewhere-{'js' if javascript else 'no-js'}")
    assert_accessible_as_shown(page, browser, javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_empty_team_code_and_a_bad_registration_number(
    app, browser, page, live_server, make_user, javascript
):
    mode = "js" if javascript else "no-js"
    make_user()
    browser_sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server}/my/team")
    page.get_by_role("button", name="Join team").click()
    expect(page.get_by_role("link", name="Enter the team code")).to_be_visible()
    shot(page, f"team-code-empty-{mode}")
    assert_accessible_as_shown(page, browser, javascript)
    page.goto(f"{live_server}/account/details")
    page.get_by_label("Professional registration number (optional)").fill("=HYPERLINK(1)")
    page.get_by_role("button", name="Save details").click()
    message = "Registration number must only include letters, numbers, spaces and hyphens"
    expect(page.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator("#registration_number-error")).to_contain_text(message)
    shot(page, f"registration-number-error-{mode}")
    assert_accessible_as_shown(page, browser, javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_password_change_refused_as_just_changed(
    app, browser, page, live_server, make_user, monkeypatch, javascript
):
    make_user()
    browser_sign_in(page, live_server, EMAIL)

    def changed_a_moment_ago(*args, **kwargs):  # as when another tab's change won the race
        raise accounts.AccountError("new_password", password_changes.JUST_CHANGED)

    monkeypatch.setattr(password_changes, "change_password", changed_a_moment_ago)
    page.goto(f"{live_server}/account/")
    page.get_by_label("Current password").fill(DEMO_PASSWORD)
    page.get_by_label("New password").fill("plum harbour violin 77")
    page.get_by_role("button", name="Change password").click()
    message = re.compile("^Your password was changed a moment ago")
    expect(page.get_by_role("link", name=message)).to_be_visible()
    shot(page, f"password-just-changed-{'js' if javascript else 'no-js'}")
    assert_accessible_as_shown(page, browser, javascript)
