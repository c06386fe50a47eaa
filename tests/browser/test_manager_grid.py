"""A manager searches, pages and scrolls the competency grid sideways in Chromium."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.web.pcn import make_pcn
from tests.web.test_manage import add_learners


def test_manager_searches_jumps_to_a_page_and_keeps_names_in_view(
    app, page, live_server, make_user
):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    add_learners(app, "Riverside PCN", 230)
    page.set_viewport_size({"width": 900, "height": 900})
    browser_sign_in(page, live_server, "manager@example.org")
    page.goto(live_server + "/manage/")
    page.get_by_label("Go to page (1 to 10)").fill("7")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.get_by_text("page 7 of 10")).to_be_visible()
    expect(page.locator('.nhsuk-pagination [aria-current="page"]')).to_have_text("7")
    assert_accessible(page)
    page.get_by_label("Search by name or email").fill("LEARNER 2")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("These figures count the 30 learners")).to_be_visible()
    page.get_by_role("link", name="Page 2", exact=True).click()
    expect(page.get_by_text("page 2 of 2")).to_be_visible()
    scroller = page.locator(".lw-grid-scroll")
    scroller.evaluate("element => { element.scrollLeft = 400 }")
    name = page.locator(".lw-grid tbody th").first
    box, frame = name.bounding_box(), scroller.bounding_box()
    # The learner column stays at the left edge of what scrolls: inside the box's side
    # border, where its scroll cue is drawn.
    border = scroller.evaluate("element => element.clientLeft")
    assert abs(box["x"] - (frame["x"] + border)) < 2
    assert_accessible(page)
    shots = os.environ.get("LINKWISE_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.locator("#learners").scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/grid-scrolled.png", full_page=False)
        page.screenshot(path=f"{shots}/dashboard-full.png", full_page=True)


def test_the_matrix_with_competency_columns_is_accessible(app, page, live_server, make_user):
    make_pcn(app, runner=app.test_cli_runner(), make_user=make_user)
    page.set_viewport_size({"width": 900, "height": 900})
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + "/manage/compliance")
    page.get_by_label("Competencies of").select_option("referrer")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#by-competency")).to_be_visible()
    expect(page.locator(".lw-compliance tbody tr").first).to_contain_text("Not met")
    assert_accessible(page)
    shots = os.environ.get("LINKWISE_SHOTS_DIR")
    if shots:
        page.screenshot(path=f"{shots}/compliance-competencies.png", full_page=True)


def test_go_to_page_sends_what_was_typed_with_no_browser_bubble(
    app, browser, no_js_page, live_server, make_user
):
    # The field's pattern (digits, for a phone's number pad) once let the browser stop the
    # form with its own bubble over the label, which the NHS.UK design system switches off:
    # the page answers instead, in the NHS error pattern, and shows the first page.
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    add_learners(app, "Riverside PCN", 30)
    browser_sign_in(no_js_page, live_server, "manager@example.org")
    no_js_page.goto(live_server + "/manage/?page=2")
    expect(no_js_page.get_by_text("page 2 of 2")).to_be_visible()

    no_js_page.get_by_label("Go to page (1 to 2)").fill("one")
    no_js_page.get_by_role("button", name="Go", exact=True).click()

    expect(no_js_page).to_have_url(re.compile(r"page=one"))
    expect(no_js_page.get_by_text("page 1 of 2")).to_be_visible()
    message = "Enter a page number from 1 to 2, like 2"
    expect(no_js_page).to_have_title(re.compile(r"^Error: "))
    summary = no_js_page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#go-to-page")
    expect(no_js_page.locator("#go-to-page-error")).to_contain_text(message)
    expect(no_js_page.get_by_label("Go to page (1 to 2)")).to_have_value("one")
    assert_accessible_without_javascript(no_js_page, browser)

    no_js_page.get_by_label("Go to page (1 to 2)").fill("2")
    no_js_page.get_by_role("button", name="Go", exact=True).click()
    expect(no_js_page.get_by_text("page 2 of 2")).to_be_visible()
    expect(no_js_page.locator(".nhsuk-error-summary")).to_have_count(0)
