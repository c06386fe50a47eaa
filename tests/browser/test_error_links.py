"""In Chromium: an error summary's link for a radio question puts focus on its first radio,
and a reflection typed up to its limit, line breaks and all, is saved as typed."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.web.test_practice import name_supervisor

CODE = "SPLW-1.4"


def test_each_radio_question_s_summary_link_focuses_its_first_radio(
    app, page, live_server, make_user
):
    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Lee Learner")  # fmt: skip
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    browser_sign_in(page, live_server, "lee@example.org")
    page.goto(f"{live_server}/my/competencies/{CODE}")
    page.get_by_role("button", name="Save self-assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    summary.get_by_role("link", name="Select how confident you are").click()
    expect(page.get_by_label("1: Not confident")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("3: Fairly confident").check()
    page.get_by_role("button", name="Save self-assessment").click()
    page.locator(".nhsuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Before", exact=True)).to_be_focused()

    page.get_by_role("button", name="Ask for confirmation").click()
    page.locator(".nhsuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Sue Supervisor")).to_be_focused()
    assert_accessible(page)


def test_a_reflection_of_2000_characters_with_50_line_breaks_is_saved(
    app, page, live_server, make_user
):
    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN")
    browser_sign_in(page, live_server, "lee@example.org")
    page.goto(f"{live_server}/my/competencies/{CODE}")
    expect(page.get_by_text("Up to 2000 characters.")).to_be_visible()
    page.get_by_label("2: A little confident").check()
    page.get_by_label("After", exact=True).check()
    box = page.get_by_label("Reflection or an example")
    box.fill(("x" * 39 + "\n") * 50 + "and one more")  # 12 past the limit: maxlength cuts them
    assert box.evaluate("box => box.value.length") == 2000
    page.get_by_role("button", name="Save self-assessment").click()
    expect(page.get_by_text("Your self-assessment has been saved.")).to_be_visible()
