"""An answered knowledge check offers one primary button: "Continue" without JavaScript, where
the screen's "Next" below it would do the same; with JavaScript, "Next" behind the dialog."""

import re

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import browser_sign_in
from tests.browser.quiz_steps import shot


def open_a_check(app, page, live_server, make_user):
    """Sign in and walk to the first screen with a knowledge check; return its question."""
    with app.app_context():
        module, screen = next(
            (m, s)
            for m in catalogue().modules
            for s in m.screens
            if s.knowledge_check
            and [q.type_name for q in s.knowledge_check.questions] == ["single-choice"]
        )
    make_user(email="learner@example.org", full_name="Robin Reid")
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    while page.get_by_role("heading", level=1).inner_text() != screen.title:
        page.get_by_role("button", name=re.compile("^(Next|Continue)")).first.click()
    return screen.knowledge_check.questions[0]


def pick_wrong(where, question) -> None:
    """Pick a wrong option, by its field's name and value (options may be shuffled)."""
    [(field, [value])] = question.form_fields(question.example_answer(False)).items()
    where.locator(f"input[name='{field}'][value='{value}']").check()


def primary_buttons(page):
    """Return the visible green buttons of the page's main content."""
    found = page.locator("main .nhsuk-button:not(.nhsuk-button--secondary):visible")
    return [" ".join(text.split()) for text in found.all_inner_texts()]


def test_without_javascript_the_answered_check_has_one_primary_button(
    app, no_js_page, live_server, make_user
):
    page = no_js_page
    question = open_a_check(app, page, live_server, make_user)
    assert "Check my answer" in primary_buttons(page)
    pick_wrong(page, question)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("[data-check-feedback]")).to_be_visible()
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"knowledge-check-answered-no-js-{width}")
        [only] = primary_buttons(page)
        assert only.startswith("Continue"), only
    page.get_by_role("button", name=re.compile("^Continue")).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("^$"))


def test_with_javascript_next_is_there_behind_the_closed_dialog(app, page, live_server, make_user):
    question = open_a_check(app, page, live_server, make_user)
    page.get_by_role("button", name="Check your knowledge").click()
    dialog = page.get_by_role("dialog")
    pick_wrong(dialog, question)
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.locator("[data-check-feedback]")).to_be_visible()
    dialog.get_by_role("button", name="Close the knowledge check").click()
    expect(page.get_by_role("button", name=re.compile("^Next"))).to_be_visible()
