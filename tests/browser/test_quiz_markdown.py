"""Questions with footnotes, a list and a link to a screen, as a learner meets them in Chromium.

axe finds nothing on the attempt or its result; a question's footnote mark leads to its own
reference, not the first question's; following a link from a question opens the screen in a
new tab, and the attempt, with the answer just given, is still there in the first; an
answer refused is said under the question's whole text, not between its lines.
"""

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.quiz_steps import questions_on_screen, shot, wait_until_saved
from tests.web.test_quiz import finish_screens
from tests.web.test_quiz_markdown_pages import app_on_footnoted_quizzes  # noqa: F401 (app)


def test_a_learner_follows_a_question_s_footnote_and_link_and_keeps_their_answer(
    app, live_server, page, make_user
):
    with app.app_context():
        module = catalogue().modules[0]
    email = make_user(email="reader@example.org")
    finish_screens(app, email, module)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.assessment.title)
    assert_accessible(page)
    shot(page, "quiz-markdown-attempt")

    second = page.locator('[data-question="md-q2"]')
    second.get_by_role("link", name="Reference 1", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#q-md-q2-fn:1")
    expect(page.locator("#q-md-q2-fn\\:1")).to_contain_text("An invented report, 2022.")

    # An answer the server refuses is said under the whole question, its list included.
    third = page.locator('[data-question="md-q3"]')
    third.get_by_role("textbox").fill("lots")
    expect(third.locator(".lw-question__more + .nhsuk-error-message")).to_be_visible()
    first, _, last = questions_on_screen(app)
    third.get_by_role("textbox").fill("8")
    wait_until_saved(page, [last])
    expect(third.locator(".nhsuk-error-message")).to_have_count(0)

    page.get_by_label("Ask her what matters most", exact=False).check()
    wait_until_saved(page, [first])
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="This screen (opens in a new tab)").click()
    screen = opened.value
    screen.wait_for_load_state()
    assert screen.url == f"{live_server}/modules/{module.slug}/{module.screens[1].slug}/"
    expect(screen.get_by_role("heading", level=1)).to_have_text(module.screens[1].title)
    # The attempt stays open in its own tab, the answer given still chosen and saved.
    expect(page.get_by_label("Ask her what matters most", exact=False)).to_be_checked()
    page.reload()
    expect(page.get_by_label("Ask her what matters most", exact=False)).to_be_checked()

    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name="Submit").last.click()
    expect(page.get_by_text("Start with what matters to her.")).to_be_visible()
    assert_accessible(page)
    shot(page, "quiz-markdown-result")
