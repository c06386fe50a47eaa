"""A knowledge check left blank in its dialog shows, as the page without JavaScript does,
the question's hint ("Select all that apply") and then its error, and the question is
described by both in that order (tests/web/test_question_hint_order.py reads the page's
HTML; the dialog puts in what the server sends, axe checks it in place)."""

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.conftest import sign_in
from tests.question_order import FIELD_ORDER, expected
from tests.web.test_learn import reach, screen_url
from tests.web.test_question_hint_order import MODULE


def test_the_dialog_shows_a_blank_check_s_hint_then_its_error(app, page, live_server, make_user):
    email = make_user(email="robin@example.org", full_name="Robin Reid")
    with app.app_context():
        module = catalogue().module(MODULE)
    client = app.test_client()
    sign_in(client, email)
    screen = next(s for s in module.screens if s.knowledge_check)
    reach(client, module, screen)
    question = screen.knowledge_check.questions[0]
    assert question.type_name == "multiple-answers"
    browser_sign_in(page, live_server, email)
    page.goto(live_server + screen_url(module, screen))
    page.get_by_role("button", name="Check your knowledge").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.locator(f"#question-{question.id}-error")).to_be_visible()
    assert page.evaluate(FIELD_ORDER, f"dialog #question-{question.id}") == expected(True)
    assert_accessible(page)
    # Answered, the error goes.
    dialog.locator(f'input[name="{question.answer_field}"]').first.check()
    dialog.get_by_role("button", name="Check my answer").click()
    expect(dialog.locator(f"#question-{question.id}-error")).to_have_count(0)
