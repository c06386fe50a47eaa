"""A trainer previews a pooled quiz in Chromium, with and without JavaScript: nothing is kept."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_accessible_without_javascript
from tests.browser.test_trainer_items import shot, sign_in_as_trainer
from tests.web.test_preview import every_row

QUIZ = "referral-routes-assessment"
PREVIEWED = "This was a preview: nothing was recorded."


def answer_every_question(page) -> None:
    """Pick the first choice, first option or first positions, as a hurried learner would."""
    for group in page.locator(".lw-question").all():
        radios = group.locator("input[type=radio]")
        boxes = group.locator("input[type=checkbox]")
        selects = group.locator("select")
        texts = group.locator("input[type=text]")
        if radios.count():
            radios.first.check()
        elif boxes.count():
            boxes.first.check()
        elif selects.count():
            for n in range(selects.count()):
                select = selects.nth(n)
                if select.locator("option").count() > 1:
                    select.select_option(index=1 + n % (select.locator("option").count() - 1))
        elif texts.count():
            for n in range(texts.count()):
                texts.nth(n).fill(str(n + 1))


def test_trainer_previews_a_pooled_quiz_and_nothing_is_kept(app, page, live_server, make_user):
    sign_in_as_trainer(page, live_server, make_user)
    before = every_row(app)
    page.goto(f"{live_server}/author/quizzes/{QUIZ}/bank")
    expect(page.get_by_role("heading", name="Question bank")).to_be_visible()
    expect(page.get_by_text("Pool: 1 of").first).to_be_visible()
    shot(page, "bank")
    assert_accessible(page)
    page.get_by_role("button", name="Take it as a learner").click()
    expect(page.locator(".lw-question")).to_have_count(17)
    shot(page, "preview")
    assert_accessible(page)
    answer_every_question(page)
    page.get_by_role("button", name="Submit answers").click()
    problem = page.get_by_role("heading", name="There is a problem")
    expect(problem.or_(page.get_by_text(PREVIEWED))).to_be_visible()
    if problem.count():
        shot(page, "preview-error")
        assert_accessible(page)
        answer_every_question(page)
        page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text(PREVIEWED)).to_be_visible()
    shot(page, "preview-result")
    assert_accessible(page)
    assert every_row(app) == before


def test_a_preview_works_without_javascript(app, no_js_page, browser, live_server, make_user):
    sign_in_as_trainer(no_js_page, live_server, make_user)
    no_js_page.goto(f"{live_server}/author/quizzes/{QUIZ}/bank")
    no_js_page.get_by_role("button", name="Take it as a learner").click()
    expect(no_js_page.locator(".lw-question")).to_have_count(17)
    assert_accessible_without_javascript(no_js_page, browser)
    answer_every_question(no_js_page)
    no_js_page.get_by_role("button", name="Submit answers").click()
    problem = no_js_page.get_by_role("heading", name="There is a problem")
    expect(problem.or_(no_js_page.get_by_text(PREVIEWED))).to_be_visible()
    if problem.count():
        answer_every_question(no_js_page)
        no_js_page.get_by_role("button", name="Submit answers").click()
    expect(no_js_page.get_by_text(PREVIEWED)).to_be_visible()
    assert_accessible_without_javascript(no_js_page, browser)
