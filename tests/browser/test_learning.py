"""A learner goes through a module in Chromium; every learning page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import fill_in, shot
from tests.browser.scroll_cues import assert_scroll_cues
from tests.question_order import FIELD_ORDER, expected


def sign_in_as_learner(page, live_server, make_user, role="learner"):
    email = make_user(email=f"{role}@example.org", role=role, full_name="Robin Reid")
    browser_sign_in(page, live_server, email)


def progress_text(page) -> str:
    return page.locator(".lw-progress__text").inner_text()


@pytest.mark.both_databases
def test_learner_goes_through_a_module_leaves_and_continues(app, page, live_server, make_user):
    with app.app_context():
        course = catalogue()
    module = course.modules[0]
    sign_in_as_learner(page, live_server, make_user)

    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=module.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
    assert_accessible(page)
    page.get_by_role("link", name="Start module").click()

    seen = []
    for number, screen in enumerate(module.screens, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(screen.title)
        seen.append(progress_text(page))
        if number == 1:
            assert_accessible(page)
        if "<table" in screen.html or "<figure" in screen.html:
            assert_accessible(page)
        if number == 3:
            # Leave, come back through My learning, and continue where we stopped.
            page.goto(live_server + "/")
            page.goto(live_server + "/modules/")
            page.get_by_role("link", name=re.compile("^Continue")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(screen.title)
        if screen.knowledge_check:
            answer_knowledge_check(page, screen.knowledge_check)  # Continue moves on
            continue
        page.get_by_role("button", name=re.compile("^(Next|Finish module)")).click()

    assert seen[0].startswith("Ready to start")
    assert any(text.startswith("Well done, you're getting there") for text in seen)
    # Every screen done: the module's quiz is next, and the module is not complete yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    page.goto(live_server + "/modules/")
    expect(page.get_by_text("In progress").first).to_be_visible()


def answer_knowledge_check(page, check):
    """Open and close the knowledge check by mouse and keyboard, then answer it rightly."""
    opener = page.get_by_role("button", name="Check your knowledge")
    dialog = page.get_by_role("dialog")
    opener.click()
    expect(dialog).to_be_visible()
    assert_accessible(page)
    dialog.get_by_role("button", name="Close the knowledge check").click()
    expect(dialog).to_be_hidden()
    opener.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert_accessible(page)
    opener.click()
    # Nothing chosen: the error shows inside the open dialog, in the NHS error pattern.
    dialog.get_by_role("button", name="Check my answer").click()
    question = check.questions[0]
    message = f"Question 1: {question.blank_message}"
    expect(dialog.get_by_role("link", name=message)).to_be_visible()
    expect(dialog.locator(f"#question-{question.id}-error")).to_have_text(f"Error: {message}")
    expect(dialog.locator(".nhsuk-error-summary")).to_be_focused()
    # Drawn by the script, in the NHS order: the question, its type's hint, the error.
    has_hint = question.type_name in ("multiple-answers", "ordering")
    assert page.evaluate(FIELD_ORDER, f"dialog #question-{question.id}") == expected(has_hint)
    shot(page, "knowledge-check-error-js", full_page=False)
    assert_accessible(page)
    # The summary's link puts focus on the question's first field.
    dialog.get_by_role("link", name=message).click()
    fields = f'input[id^="q.{question.id}"], select[id^="q.{question.id}"]'
    expect(dialog.locator(fields).first).to_be_focused()
    for question in check.questions:
        fill_in(page, question, question.example_answer(True))
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.get_by_text("Correct", exact=True)).to_be_visible()
    # A right answer that is the correct answer is shown once: the verdict says Correct.
    expect(dialog.get_by_text(re.compile(r"^Your answer:$"))).to_be_visible()
    shot(page, "knowledge-check-feedback-js", full_page=False)
    assert_accessible(page)
    heading = page.get_by_role("heading", level=1).inner_text()
    dialog.get_by_role("button", name=re.compile("^Continue")).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(heading)


def test_the_knowledge_check_dialog_takes_focus_and_gives_it_back(
    app, page, live_server, make_user
):
    """The dialog puts focus inside it when it opens, whether Next (the check unanswered) or
    its button opened it, and on "Check your knowledge" when it closes (WCAG 2.4.3)."""
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check
        )
    sign_in_as_learner(page, live_server, make_user)
    here = f"{live_server}/modules/{module.slug}/{screen.slug}/"
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    while page.get_by_role("heading", level=1).inner_text() != screen.title:
        page.get_by_role("button", name=re.compile("^Next")).click()
    dialog = page.get_by_role("dialog")
    heading = dialog.get_by_role("heading", name="Check your knowledge")
    opener = page.get_by_role("button", name="Check your knowledge")

    def close(how: str) -> None:
        if how == "Escape":
            page.keyboard.press("Escape")
        else:
            dialog.get_by_role("button", name="Close the knowledge check").click()
        expect(dialog).to_be_hidden()

    for how in ("Escape", "close button"):
        # Next with the check unanswered: the screen comes back at #knowledge-check, open.
        page.goto(here)
        page.get_by_role("button", name=re.compile("^Next")).click()
        expect(page).to_have_url(re.compile("#knowledge-check$"))
        expect(dialog).to_be_visible()
        page.wait_for_load_state()  # the browser moves focus as a page at a fragment loads
        expect(heading).to_be_focused()
        close(how)
        expect(opener).to_be_focused()
    for how in ("Escape", "close button"):
        opener.click()
        expect(heading).to_be_focused()
        close(how)
        expect(opener).to_be_focused()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        expect(heading).to_be_focused()
        close(how)
        expect(opener).to_be_focused()

    # The answer sent without the dialog's help (the request failing, the form is sent as
    # a page): the screen comes back with the feedback, and focus goes to it once loaded.
    page.route(
        "**/check",
        lambda route: (
            route.abort() if route.request.headers.get("x-linkwise-part") else route.continue_()
        ),
    )
    opener.click()
    for question in screen.knowledge_check.questions:
        fill_in(page, question, question.example_answer(True))
    dialog.get_by_role("button", name="Check my answer").click()
    expect(page).to_have_url(re.compile(r"\?check=\d+#knowledge-check$"))
    page.wait_for_load_state()
    expect(dialog.locator("[data-check-feedback]")).to_be_focused()
    close("Escape")
    expect(opener).to_be_focused()


REASON = "Answer the knowledge check on this screen before you go on"


def test_next_with_the_check_unanswered_says_why_in_the_dialog(
    app, page, browser, live_server, make_user
):
    """Next with the knowledge check unanswered brings the screen back with the check open:
    the reason is in the dialog, seen and read out as it opens, not left behind it where
    nobody can reach it. Without JavaScript the page lands on the check, the reason in it,
    in sight even in a window of 320 by 256 (400% zoom), and the title starts "Error: "."""
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check
        )
    sign_in_as_learner(page, live_server, make_user)
    here = f"{live_server}/modules/{module.slug}/{screen.slug}/"
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    while page.get_by_role("heading", level=1).inner_text() != screen.title:
        page.get_by_role("button", name=re.compile("^Next")).click()
    dialog = page.get_by_role("dialog")
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(here)
        page.get_by_role("button", name=re.compile("^Next")).click()
        expect(page).to_have_url(re.compile("#knowledge-check$"))
        expect(dialog).to_be_visible()
        reason = dialog.get_by_text(REASON)
        expect(reason).to_be_visible()
        expect(reason).to_be_in_viewport()
        expect(dialog).to_have_accessible_description(REASON)
        expect(page.get_by_text(REASON)).to_have_count(1)  # in the dialog, not behind it
        page.wait_for_load_state()
        expect(dialog.get_by_role("heading", name="Check your knowledge")).to_be_focused()
        shot(page, f"knowledge-check-reason-js-{width}", full_page=False)
        assert_accessible(page)
    # Its answer takes the reason away with the question, and the dialog's description.
    for question in screen.knowledge_check.questions:
        fill_in(page, question, question.example_answer(True))
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.locator("[data-check-feedback]")).to_be_focused()
    expect(page.get_by_text(REASON)).to_have_count(0)
    expect(dialog).not_to_have_attribute("aria-describedby", re.compile("."))
    assert_accessible(page)

    # Without JavaScript: the reason in the check, where the page lands.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 256})
    no_js = context.new_page()
    make_user(email="other@example.org", full_name="Alex Other")
    browser_sign_in(no_js, live_server, "other@example.org")
    no_js.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    while no_js.get_by_role("heading", level=1).inner_text() != screen.title:
        no_js.get_by_role("button", name=re.compile("^Next")).click()
    no_js.get_by_role("button", name=re.compile("^Next")).click()
    expect(no_js).to_have_url(re.compile("#knowledge-check$"))
    expect(no_js).to_have_title(re.compile("^Error: "))
    reason = no_js.locator("#knowledge-check").get_by_role("link", name=REASON)
    expect(reason).to_be_in_viewport(ratio=1)
    expect(no_js.get_by_text(REASON)).to_have_count(1)
    expect(no_js.locator(".nhsuk-notification-banner")).to_have_count(0)
    shot(no_js, "knowledge-check-reason-no-js-320x256", full_page=False)
    assert_accessible_without_javascript(no_js, browser)
    context.close()


def test_every_screen_of_the_course_passes_axe_in_preview(app, page, live_server, make_user):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("screens in preview do not depend on the database; checked once on SQLite")
    with app.app_context():
        course = catalogue()
    sign_in_as_learner(page, live_server, make_user, role="trainer")
    # Each screen is loaded again on a phone, in a second page of the same signed-in
    # context: neither page is resized to and fro for each screen.
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 320, "height": 900})
    too_wide = {}
    for module in course.modules:
        for screen in module.screens:
            page.goto(f"{live_server}/modules/{module.slug}/{screen.slug}/")
            expect(page.get_by_text("Preview.")).to_be_visible()
            assert_accessible(page)
            # On a phone too: no screen is wider than the window, and a table that scrolls
            # in its box shows it (its cues; the narrow-pages walk reads two screens only).
            phone.goto(f"{live_server}/modules/{module.slug}/{screen.slug}/")
            if (width := phone.evaluate("document.documentElement.scrollWidth")) > 320:
                too_wide[screen.slug] = width
            for box in phone.locator(".lw-table-scroll").element_handles():
                if box.is_visible():
                    assert_scroll_cues(phone, box)
        if module.assessment:
            page.goto(f"{live_server}/modules/{module.slug}/quiz/")
            expect(page.get_by_text("Preview.")).to_be_visible()
            assert_accessible(page)
    assert not too_wide, f"wider than 320 px: {too_wide}"
    page.goto(live_server + "/author/learners")
    expect(page.get_by_role("heading", name="Find a learner")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server + "/competencies/")
    assert_accessible(page)


def test_locked_screen_by_typed_url_sends_the_learner_back(app, page, live_server, make_user):
    with app.app_context():
        module = catalogue().modules[0]
    sign_in_as_learner(page, live_server, make_user)
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[-1].slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(module.screens[0].title)
    expect(page.get_by_text("screens open in order")).to_be_visible()
    assert_accessible(page)


def test_a_knowledge_check_works_with_javascript_off(
    app, browser, no_js_page, live_server, make_user
):
    with app.app_context():
        module, screen = next(
            (m, s) for m in catalogue().modules for s in m.screens if s.knowledge_check
        )
    page = no_js_page
    sign_in_as_learner(page, live_server, make_user)
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    while page.get_by_role("heading", level=1).inner_text() != screen.title:
        page.get_by_role("button", name=re.compile("^Next")).click()
    page.get_by_role("button", name="Check my answer").click()
    question = screen.knowledge_check.questions[0]
    message = f"Question 1: {question.blank_message}"
    # The error is where the form is, and the page opens there.
    expect(page).to_have_url(re.compile("#knowledge-check$"))
    expect(page.locator(f"#question-{question.id}-error")).to_be_in_viewport()
    expect(page.get_by_role("link", name=message)).to_be_visible()
    shot(page, "knowledge-check-error-no-js", full_page=False)
    assert_accessible_without_javascript(page, browser)
    fill_in(page, question, question.example_answer(False))
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_text("Not correct", exact=True)).to_be_in_viewport()
    expect(page.get_by_text("Your answer:")).to_be_visible()
    shot(page, "knowledge-check-feedback-no-js", full_page=False)
    assert_accessible_without_javascript(page, browser)
    page.get_by_role("button", name=re.compile("^Continue")).click()
    following = module.next_screen(screen.slug)
    expect(page.get_by_role("heading", level=1)).to_have_text(following.title)


def test_a_module_works_with_javascript_off(app, no_js_page, live_server, make_user):
    with app.app_context():
        module = catalogue().modules[0]
    page = no_js_page
    sign_in_as_learner(page, live_server, make_user)
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    page.get_by_role("button", name=re.compile("^Next")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.screens[1].title)


def test_module_menu_and_next_work_by_keyboard(app, page, live_server, make_user):
    with app.app_context():
        module = catalogue().modules[0]
    sign_in_as_learner(page, live_server, make_user)
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    page.get_by_role("button", name=re.compile("^Next")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(module.screens[1].title)
    menu = page.get_by_role("navigation", name="Module menu")
    menu.get_by_role("link", name=module.screens[0].menu_title).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(module.screens[0].title)
