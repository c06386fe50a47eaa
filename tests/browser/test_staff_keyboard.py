"""Staff pages by keyboard alone, in Chromium with JavaScript.

An administrator's header holds more links than a desktop window shows, so the NHS.UK header
gathers the rest under "More" at 1280 px as well as on a phone. Escape closes that menu; it
once left focus on the link it had just hidden, so the next Tab started again from the top
of the page.
"""

from playwright.sync_api import expect

from tests.browser.conftest import browser_sign_in

ORG = "Riverside PCN"


def test_escape_in_the_header_menu_puts_focus_back_on_more(page, live_server, make_user):
    email = make_user("ada@example.org", role="admin", org=ORG, full_name="Ada Admin")
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/admin/audit")
    more = page.locator(".nhsuk-header__menu-toggle")
    expect(more).to_be_visible()  # 1280 px: an administrator's links do not all fit
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    in_menu = page.locator(".nhsuk-header__menu-list a").first
    expect(in_menu).to_be_focused()

    page.keyboard.press("Escape")

    expect(more).to_have_attribute("aria-expanded", "false")
    expect(in_menu).to_be_hidden()
    expect(more).to_be_focused()
    page.keyboard.press("Tab")  # on from the menu, not from the top of the page
    expect(page.get_by_label("Event", exact=True)).to_be_focused()

    more.focus()  # Escape from "More" itself closes the menu and leaves focus there
    page.keyboard.press("Enter")
    expect(in_menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(in_menu).to_be_hidden()
    expect(more).to_be_focused()
