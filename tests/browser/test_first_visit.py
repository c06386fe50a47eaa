"""A newcomer's first visit, in Chromium: gate, register, sign in, home; by keyboard."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.conftest import DEMO_PASSWORD

PASSWORD = "meadow copper kite 2026"


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible text contains name."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.innerText || e.value || e.getAttribute('aria-label') || '') + ' '"
            " + (e.labels && e.labels[0] ? e.labels[0].innerText : ''); }"
        )
        if name in text:
            return
    raise AssertionError(f"never reached {name!r} by Tab")


def test_gate_register_sign_in_by_keyboard_with_no_axe_violations(page, live_server, mailbox):
    page.goto(live_server + "/")
    assert_accessible(page)

    page.goto(live_server + "/register")
    expect(page).to_have_url(re.compile(r"/confirm-professional\?next=/register$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This site is intended for healthcare professionals only"
    )
    assert_accessible(page)

    tab_to(page, "I am a healthcare professional")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server + "/register")
    assert_accessible(page)

    # An empty submission shows the error summary, which must pass axe too.
    tab_to(page, "Create account")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Full name").fill("Jo Okafor")
    page.get_by_label("Email address").fill("jo.okafor@example.org")
    page.get_by_label("Practice nurse").check()
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Create a password").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    # The account is made from the link emailed to the address, read from the SMTP server.
    page.goto(live_server + urlsplit(mailbox.link("jo.okafor@example.org", "/register/")).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish creating your account")
    assert_accessible(page)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_text("Your account has been created")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()

    page.goto(live_server + "/sign-in")
    assert_accessible(page)
    tab_to(page, "Email address")
    page.keyboard.type("jo.okafor@example.org")
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_text("You are signed in as Jo Okafor")).to_be_visible()


def test_declining_the_gate_points_to_public_information(page, live_server):
    page.goto(live_server + "/account/")
    page.get_by_role("button", name="I am not a healthcare professional").click()
    expect(page).to_have_url(live_server + "/not-a-healthcare-professional")
    assert_accessible(page)


def test_every_public_page_has_no_axe_violations(page, live_server, make_user):
    for url in ["/privacy", "/cookies", "/accessibility", "/no-such-page", "/sign-in"]:
        page.goto(live_server + url)
        assert_accessible(page)
    make_user()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("learner@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(live_server + "/account/")
    assert_accessible(page)


def test_the_journey_works_with_javascript_off(no_js_page, live_server, mailbox):
    page = no_js_page
    page.goto(live_server + "/register")
    page.get_by_role("button", name="I am a healthcare professional").click()
    page.get_by_label("Full name").fill("Ana Silva")
    page.get_by_label("Email address").fill("ana.silva@example.org")
    page.get_by_label("Pharmacist").check()
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(live_server + urlsplit(mailbox.link("ana.silva@example.org", "/register/")).path)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("You are signed in as Ana Silva")).to_be_visible()
