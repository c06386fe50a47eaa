"""Too many attempts, in Chromium: the page says whose attempts were counted and what to do.

Guessing at one account is stopped at that device; many people failing from one address
(a workplace's shared connection) are stopped there, and the page says so. Both pages pass
axe-core with JavaScript on and off.
"""

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
)


def fail_to_sign_in(page, live_server, email):
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_too_many_attempts_pages_say_whose_attempts_counted(
    page, browser, live_server, make_user
):
    make_user()
    for _ in range(5):
        fail_to_sign_in(page, live_server, "learner@example.org")
        expect(page.get_by_text("Enter a correct email address and password").first).to_be_visible()
    fail_to_sign_in(page, live_server, "learner@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    expect(page.get_by_text("too many attempts from this device")).to_be_visible()
    expect(page.get_by_role("link", name="reset your password")).to_be_visible()
    assert_accessible(page)
    assert_accessible_without_javascript(page, browser)

    # Colleagues behind the same address, each mistyping once: 20 failures in all.
    for n in range(15):
        fail_to_sign_in(page, live_server, f"colleague{n}@example.org")
    fail_to_sign_in(page, live_server, "someone.else@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    expect(page.get_by_text("too many attempts from your internet connection")).to_be_visible()
    expect(page.get_by_text("it can be set to allow for a shared connection")).to_be_visible()
    assert_accessible(page)
    assert_accessible_without_javascript(page, browser)
