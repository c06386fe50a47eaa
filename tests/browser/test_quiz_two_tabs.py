"""Two tabs on one typed answer: after another tab's answer refills the field being typed
in, the caret is at its end and the notice stays until the learner changes it on purpose."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_sign_in
from tests.browser.quiz_steps import questions_on_screen, shot, start_quiz
from tests.browser.test_quiz_journey import prepare, seed_showing

CHANGED = re.compile("changed in another tab or window", re.IGNORECASE)


def test_a_field_refilled_from_another_tab_keeps_its_notice_and_the_caret_at_its_end(
    app, page, live_server, make_user
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        # The clash itself is tested on both databases (tests/web/test_quiz_tabs.py).
        pytest.skip("the page's script does not depend on the database; checked once on SQLite")
    email, module = prepare(app, make_user)
    app.config["QUIZ_SEED"] = seed_showing(module.assessment, "numeric")
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    stale = page.context.new_page()  # tab A, opened before tab B answers
    stale.goto(page.url)
    number = next(q for q in questions_on_screen(app) if q.type_name == "numeric")
    name = f'[name="q.{number.id}"]'
    page.locator(name).fill("7")  # tab B
    expect(page.locator(f'[data-status-for="{number.id}"]')).to_have_text("Answer saved")

    field, status = stale.locator(name), stale.locator(f'[data-status-for="{number.id}"]')
    field.click()
    field.fill("")
    stale.keyboard.type("1")
    # A's save clashes with B's: the field shows B's answer, still focused.
    expect(status).to_have_text(CHANGED)
    expect(field).to_have_value("7")
    expect(field).to_be_focused()
    stale.keyboard.type("2")  # the key the learner was about to type: after B's answer
    expect(field).to_have_value("72")
    expect(stale.locator("form[data-autosave]")).not_to_have_attribute("data-saving", "")
    expect(status).to_have_text(CHANGED)  # saved, and still saying why it reads so
    expect(status).to_contain_text("Answer saved")
    shot(stale, "two-tabs-typed")
    # Leaving the field is a change on purpose: from then on saves say only that.
    stale.keyboard.press("Tab")
    expect(stale.locator("form[data-autosave]")).not_to_have_attribute("data-saving", "")
    field.click()
    stale.keyboard.press("End")
    stale.keyboard.type("3")
    expect(field).to_have_value("723")
    expect(stale.locator("form[data-autosave]")).not_to_have_attribute("data-saving", "")
    expect(status).to_have_text("Answer saved")
    page.reload()
    expect(page.locator(name)).to_have_value("723")
