"""The quiz's autosave through an outage: a change the service could not save says so by
its question, and is sent again with the next save or on a timer once the service answers.

The outage is the browser's side of one: the autosave's answer is a 503 for a while, as the
app gives while its database is down (tests/service/test_database_outage.py cuts a real one).
"""

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.models import Attempt
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.quiz_steps import (
    fill_in,
    questions_on_screen,
    shot,
    start_quiz,
    wait_until_saved,
)
from tests.browser.test_quiz_journey import prepare

UNAVAILABLE = {"error": "the service is unavailable: try again shortly"}
NOT_SAVED = re.compile("Not saved yet", re.IGNORECASE)


class Outage:
    """Answer the quiz's autosaves 503 while `down`, and count the saves sent."""

    def __init__(self, page, attempt_url: str):
        self.down = False
        self.saves = 0
        page.route(re.compile(re.escape(attempt_url) + "$"), self._answer)

    def _answer(self, route):
        if route.request.method == "POST" and "json" in (route.request.headers.get("accept") or ""):
            self.saves += 1
            if self.down:
                route.fulfill(
                    status=503,
                    content_type="application/json",
                    headers={"Retry-After": "30"},
                    body=json.dumps(UNAVAILABLE),
                )
                return
        route.continue_()


def saved_answers(app) -> dict:
    with app.app_context():
        attempt = db.session().scalars(select(Attempt)).one()
        return {a.question_id: a.response["value"] for a in attempt.answers}


def test_an_answer_changed_during_an_outage_is_marked_and_sent_again(
    app, page, live_server, make_user
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("the page's script does not depend on the database; checked once on SQLite")
    email, module = prepare(app, make_user)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    outage = Outage(page, page.url.split("#")[0])
    questions = questions_on_screen(app)
    assert len(questions) >= 4
    first, second, third, fourth = questions[:4]
    message = page.locator("[data-autosave-message]")

    fill_in(page, first, first.example_answer(True))
    wait_until_saved(page, [first])

    # The service goes away: the change stays pending, and its question says so.
    outage.down = True
    fill_in(page, second, second.example_answer(True))
    note = page.locator(f'[data-status-for="{second.id}"]')
    expect(note).to_have_text(NOT_SAVED)
    expect(note).to_have_attribute("aria-live", "polite")
    expect(message).to_have_text(NOT_SAVED)
    shot(page, "quiz-outage-unsaved-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    note.scroll_into_view_if_needed()
    shot(page, "quiz-outage-unsaved-320", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    assert second.id not in saved_answers(app)

    # It comes back; the next change carries the one that waited.
    outage.down = False
    fill_in(page, third, third.example_answer(True))
    wait_until_saved(page, [second, third])
    expect(message).not_to_have_text(NOT_SAVED)
    assert {second.id, third.id} <= set(saved_answers(app))

    # Down again, then back with no further change: a timer sends the waiting change.
    outage.down = True
    fill_in(page, fourth, fourth.example_answer(True))
    expect(page.locator(f'[data-status-for="{fourth.id}"]')).to_have_text(NOT_SAVED)
    sent = outage.saves
    outage.down = False
    expect(page.locator(f'[data-status-for="{fourth.id}"]')).to_have_text(
        "Answer saved", timeout=20_000
    )
    assert outage.saves > sent
    expect(page.locator("form[data-autosave]")).not_to_have_attribute("data-saving", "")
    expect(message).to_have_text("")
    answers = saved_answers(app)
    for question in (first, second, third, fourth):
        assert fields(question, answers[question.id]) == fields(
            question, question.example_answer(True)
        ), question.id


def fields(question, answer) -> dict:
    """Return what the answer's form sends, each field's values in any order."""
    return {name: sorted(values) for name, values in question.form_fields(answer).items()}


def test_a_save_whose_reply_was_lost_is_sent_again_and_not_taken_for_another_tab(
    app, page, live_server, make_user
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("the page's script does not depend on the database; checked once on SQLite")
    email, module = prepare(app, make_user)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    start_quiz(page)
    lost = []

    def lose_the_first_reply(route):
        # The save reaches the app and is committed; its answer never reaches the page.
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
            return
        route.continue_()

    page.route(re.compile(re.escape(page.url.split("#")[0]) + "$"), lose_the_first_reply)
    # One that is answered in one step (a choice, a box typed in): one save.
    first = next(
        q
        for q in questions_on_screen(app)
        if [len(v) for v in q.form_fields(q.example_answer(True)).values()] == [1]
    )
    fill_in(page, first, first.example_answer(True))
    status = page.locator(f'[data-status-for="{first.id}"]')
    expect(status).to_have_text(NOT_SAVED)
    assert lost == [200] and first.id in saved_answers(app)  # saved, though not told
    expect(status).to_have_text("Answer saved", timeout=20_000)  # the timer sent it again
    message = page.locator("[data-autosave-message]")
    expect(message).to_have_text("")
    assert "another tab" not in page.locator("form[data-autosave]").inner_text()
    shot(page, "quiz-lost-reply-saved-1280")
