"""The warning before signing out for want of use (WCAG 2.2.1): a dialog two minutes before
the limit, focus on its heading, "Stay signed in" by keyboard or Escape, no axe violations
open; at the limit the sign-in page says why. Never on a page where nobody is signed in.

The browser's clock (Playwright's) and the server's (time.time, the server runs in this
process) are moved on together; nothing sleeps.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.models import Answer, User
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.quiz_steps import fill_in, questions_on_screen, start_quiz
from tests.browser.test_quiz_journey import prepare
from tests.web.idle_clock import Clock

PAGE = "/modules/"


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Return the server's clock, to move the time on."""
    return Clock(monkeypatch)


def signed_in_page(page, live_server, make_user):
    """Open the learner's modules page, signed in, with the browser's clock installed."""
    make_user()
    page.clock.install()
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(live_server + PAGE)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def dialog(page):
    return page.get_by_role("dialog", name="You are about to be signed out")


def test_the_warning_opens_two_minutes_before_and_stay_signed_in_puts_it_off(
    page, live_server, make_user, clock
):
    signed_in_page(page, live_server, make_user)
    page.clock.fast_forward("27:50")
    expect(dialog(page)).to_have_count(0)
    page.clock.fast_forward("00:15")  # 28 minutes 5 seconds: 1 minute 55 seconds left
    warning = dialog(page)
    expect(warning).to_be_visible()
    expect(page.locator("#idle-warning-title")).to_be_focused()
    expect(warning).to_contain_text(re.compile(r"we will sign you out in 1 minute \d+ seconds"))
    assert_accessible(page)
    # By keyboard: Tab to "Stay signed in" and press it; the server is asked.
    page.keyboard.press("Tab")
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Tab")
    expect(warning.get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    clock.forward(minutes=28)
    with page.expect_response(lambda r: r.url.endswith("/stay-signed-in")) as stayed:
        page.keyboard.press("Enter")
    assert stayed.value.status == 200
    expect(warning).to_be_hidden()
    # 29 minutes on by both clocks: still signed in, the warning open again; Escape stays.
    page.clock.fast_forward("28:30")
    clock.forward(minutes=28, seconds=30)
    expect(warning).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/stay-signed-in")) as stayed:
        page.keyboard.press("Escape")
    assert stayed.value.status == 200
    expect(warning).to_be_hidden()
    assert "Sign out" in page.content()


def test_at_the_limit_the_page_goes_to_sign_in_saying_why(page, live_server, make_user, clock):
    signed_in_page(page, live_server, make_user)
    page.clock.fast_forward("28:10")
    expect(dialog(page)).to_be_visible()
    clock.forward(minutes=30, seconds=5)
    page.clock.fast_forward("02:00")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=(%2F|/)modules(%2F|/)$"))
    expect(page.get_by_text("had not used Linkwise for 30 minutes")).to_be_visible()
    assert_accessible(page)


def test_near_the_end_of_a_sign_in_the_warning_says_it_lasts_24_hours(
    page, live_server, make_user, clock
):
    """A page every 29 minutes keeps the session going until, 23 hours 41 minutes after
    signing in, the 24 hours end first: the warning says so, in the server's own words."""
    signed_in_page(page, live_server, make_user)
    for _ in range(49):
        clock.forward(minutes=29)
        page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.clock.fast_forward("17:10")  # 19 minutes were left: 1 minute 50 seconds now
    warning = dialog(page)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(
        re.compile(r"You signed in almost 24 hours ago, so we will sign you out in 1 minute")
    )
    assert_accessible(page)


def test_sign_out_in_the_warning_signs_out(page, live_server, make_user, clock):
    signed_in_page(page, live_server, make_user)
    page.clock.fast_forward("28:10")
    dialog(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def test_no_warning_where_nobody_is_signed_in(page, live_server):
    page.clock.install()
    page.goto(live_server + "/cookies")
    page.clock.fast_forward("45:00")
    page.clock.run_for(2000)
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert page.url.endswith("/cookies")


def test_an_autosave_after_the_limit_takes_the_page_to_sign_in_saying_what_was_not_saved(
    app, page, live_server, make_user, clock
):
    # The computer slept through the warning: the server's time has passed, the page's not.
    email, module = prepare(app, make_user)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    first, second = [q for q in questions_on_screen(app) if q.type_name == "single-choice"][:2]
    fill_in(page, first, first.example_answer(True))
    expect(page.locator(f'[data-status-for="{first.id}"]')).to_have_text("Answer saved")
    clock.forward(minutes=31)
    # Clicked, not check(): the answer's autosave may take the page to sign in before
    # check() could see the radio checked, and it would wait for a radio no longer there.
    [(name, [value])] = second.form_fields(second.example_answer(True)).items()
    page.locator(f'[name="{name}"][value="{value}"]').click()
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    expect(
        page.get_by_text("the answers you sent from the quiz page were not saved")
    ).to_be_visible()
    with app.app_context():
        assert db.session().scalars(select(Answer.question_id)).all() == [first.id]


# The form as it was sent (a copy: the page takes its marker back once it is sent), to be
# sent on when the test says.
HOLD_SUBMIT = """() => {
  const send = HTMLFormElement.prototype.submit;
  window.heldForms = [];
  HTMLFormElement.prototype.submit = function () { window.heldForms.push(this.cloneNode(true)); };
  window.sendHeld = () => {
    const held = window.heldForms[0];
    held.hidden = true;
    document.body.append(held);
    send.call(held);
  };
}"""


def test_at_the_limit_typed_text_is_not_lost_but_shown_to_copy(
    app, page, live_server, make_user, clock
):
    # JavaScript on: the page is not simply asked for again (the text would go unsaid); its
    # form is sent, marked, and the server's not-saved page shows the text, as without it.
    make_user()
    page.clock.install()
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(live_server + "/account/details")
    page.locator("input[name=full_name]").fill("Typed with JavaScript on")
    page.clock.fast_forward("28:10")
    expect(dialog(page)).to_be_visible()
    # The form is held back a moment, so the dialog's new state can be looked at.
    page.evaluate(HOLD_SUBMIT)
    clock.forward(minutes=30, seconds=5)
    page.clock.fast_forward("02:00")
    gone = page.get_by_role("dialog", name="You have been signed out")
    expect(gone).to_be_visible()
    expect(gone).to_contain_text("What you typed on this page has not been saved")
    expect(page.locator("#idle-warning-title")).to_be_focused()
    expect(page.locator("input[name=full_name]")).to_have_value("Typed with JavaScript on")
    assert_accessible(page)
    assert page.evaluate("() => window.heldForms.map((f) => f.action)") == [
        live_server + "/account/details"
    ]
    assert page.locator("input[name=idle-limit-reached]").count() == 0  # taken back
    assert page.evaluate("() => new FormData(window.heldForms[0]).get('idle-limit-reached')") == "1"
    page.evaluate("() => window.sendHeld()")
    expect(page.get_by_role("heading", level=1, name="You have been signed out")).to_be_visible()
    expect(page.locator("textarea[name=typed-full_name]")).to_have_value("Typed with JavaScript on")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    assert_accessible(page)
    with app.app_context():
        assert db.session().scalar(select(User.full_name)) == "Sam Learner"


def test_at_the_limit_a_form_typed_back_as_it_was_goes_to_sign_in(
    page, live_server, make_user, clock
):
    make_user()
    page.clock.install()
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(live_server + "/account/details")
    name = page.locator("input[name=full_name]")
    name.fill("Something else")
    name.fill("Sam Learner")  # nothing changed: nothing to lose
    page.clock.fast_forward("28:10")
    clock.forward(minutes=30, seconds=5)
    page.clock.fast_forward("02:00")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=(%2F|/)account(%2F|/)details$"))
    expect(page.get_by_text("had not used Linkwise for 30 minutes")).to_be_visible()
