"""Signing out after 30 minutes without use, and 24 hours after signing in, losing nothing.

A page asked for after the limit goes to the sign-in page, which says why, and back after;
a form sent then does nothing, and what it held is said plainly (the quiz's answers) or
shown to copy (typed text). The last-active stamp moves at most once a minute, so the
session cookie is not signed again with every response. Time moves by a clock the app
reads (time.time), never by sleeping.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Answer, User
from app.models_assignments import MailPreference
from tests.conftest import csrf_token, sign_in
from tests.web.idle_clock import Clock
from tests.web.quiz_helpers import answer_fields
from tests.web.test_quiz import attempt_row, finish_screens, start


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Return a clock the app reads, to move the time on."""
    return Clock(monkeypatch)


PAGE = "/modules/"
IDLE = "You were signed out because you had not used Linkwise for 30 minutes"


def sent_to_sign_in(response, page: str) -> bool:
    """Say whether a response sends the browser to sign in, and then back to `page`."""
    return response.status_code in (302, 303) and signs_in_to(response.location, page)


def signs_in_to(address: str, page: str) -> bool:
    """Say whether an address is the sign-in page's, sending on to `page`."""
    where = urlsplit(address)
    return where.path == "/sign-in" and parse_qs(where.query).get("next") == [page]


def cookies_sent(response) -> int:
    return sum(h.startswith("linkwise_session=") for h in response.headers.getlist("Set-Cookie"))


def test_a_page_after_30_minutes_unused_goes_to_sign_in_saying_why(signed_in, clock):
    assert signed_in.get(PAGE).status_code == 200
    clock.forward(minutes=30, seconds=1)
    response = signed_in.get(PAGE + "?shown=all")
    assert sent_to_sign_in(response, PAGE + "?shown=all")
    # Signed out for good: the cookie is replaced, and the next page is a signed-out one.
    assert cookies_sent(response) == 1
    sign_in_page = signed_in.get(response.location).text
    assert IDLE in sign_in_page
    assert "Sign out" not in sign_in_page
    assert signed_in.get(PAGE).status_code == 302


def test_the_signed_out_session_names_nobody_even_if_its_old_cookie_comes_back(
    app, signed_in, clock
):
    old = signed_in.get_cookie("linkwise_session").value
    clock.forward(minutes=31)
    assert sent_to_sign_in(signed_in.get(PAGE), PAGE)
    signed_in.set_cookie("linkwise_session", old)  # a copy of the cookie from before
    assert sent_to_sign_in(signed_in.get(PAGE), PAGE)


def test_use_within_the_limit_keeps_the_session_going(signed_in, clock):
    for _ in range(4):  # two hours, a page every 29 minutes
        clock.forward(minutes=29)
        assert signed_in.get(PAGE).status_code == 200


def test_the_last_active_stamp_moves_at_most_once_a_minute(signed_in, clock):
    assert signed_in.get(PAGE).status_code == 200
    sent = []
    for _ in range(60):  # ten minutes of pages, one every ten seconds
        clock.forward(seconds=10)
        response = signed_in.get(PAGE)
        assert response.status_code == 200
        sent.append(cookies_sent(response))
    assert 9 <= sum(sent) <= 10  # once a minute, not 60 times
    assert all(sum(sent[i : i + 5]) <= 1 for i in range(len(sent) - 4))  # never 2 a minute
    # ... and the stamp did move: 25 minutes on from the last page is still within the limit
    clock.forward(minutes=25)
    assert signed_in.get(PAGE).status_code == 200


def test_24_hours_after_signing_in_ends_the_session_however_it_is_used(app, signed_in, clock):
    # Over the 20 hours WCAG 2.2.1 exempts: nothing puts this end off, so it must be.
    assert app.permanent_session_lifetime == timedelta(hours=24)
    for _ in range(49):  # a page every 29 minutes: 23 hours 41 minutes
        clock.forward(minutes=29)
        assert signed_in.get(PAGE).status_code == 200
    clock.forward(minutes=20)
    response = signed_in.get(PAGE)
    assert sent_to_sign_in(response, PAGE)
    assert "because you signed in more than 24 hours ago" in signed_in.get(response.location).text


def test_signing_in_again_after_the_limit_works(signed_in, make_user, clock):
    clock.forward(minutes=31)
    signed_in.get(PAGE)
    assert sign_in(signed_in, "learner@example.org").status_code == 302
    assert signed_in.get(PAGE).status_code == 200
    clock.forward(minutes=31)  # the page sent to the sign-in page, then signing in at once
    response = sign_in(signed_in, "learner@example.org")
    assert response.status_code == 302 and response.location == "/"
    assert signed_in.get(PAGE).status_code == 200


@pytest.fixture
def attempt(app, client, make_user):
    """Return the client of a learner with a quiz attempt open, its URL and first question."""
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    email = make_user()
    finish_screens(app, email, module)
    sign_in(client, email)
    url = start(client, module)
    row = attempt_row(app, url)
    shown = [module.assessment.question(entry["question"]) for entry in row.selection]
    first = next(q for q in shown if q.type_name == "single-choice")
    return client, url, first


def saved_answers(app) -> list:
    with app.app_context():
        return db.session().scalars(select(Answer.question_id)).all()


def test_quiz_answers_sent_after_the_limit_are_not_saved_and_the_learner_is_told(
    app, attempt, clock
):
    client, url, question = attempt
    token = csrf_token(client, url)
    clock.forward(minutes=31)
    fields = {"csrf_token": token, "revision": "0", **answer_fields(question, right=True)}
    response = client.post(url, data=fields, headers={"Referer": f"http://localhost{url}"})
    assert response.status_code == 303 and sent_to_sign_in(response, url)
    assert saved_answers(app) == []
    told = " ".join(client.get(response.location).text.split())
    assert f"{IDLE}, so the answers you sent from the quiz page were not saved" in told
    assert "Sign in, then give them again: answers saved before then are kept." in told


def test_the_quiz_autosave_after_the_limit_is_not_saved_and_says_where_to_sign_in(
    app, attempt, clock
):
    client, url, question = attempt
    token = csrf_token(client, url)
    fields = {"csrf_token": token, "revision": "0", **answer_fields(question, right=True)}
    json = {"Accept": "application/json", "Referer": f"http://localhost{url}"}
    assert client.post(url, data=fields, headers=json).json["saved"] is True
    clock.forward(minutes=31)
    refused = client.post(url, data={**fields, "revision": "1"}, headers=json)
    assert refused.status_code == 401
    assert refused.json["saved"] is False and "30 minutes" in refused.json["error"]
    assert signs_in_to(refused.json["sign_in"], url)
    assert refused.headers["X-Linkwise-Signed-Out"] == refused.json["sign_in"]
    assert saved_answers(app) == [question.id]  # the answer saved in time is kept


def test_typed_text_sent_after_the_limit_is_shown_to_copy_and_not_saved(app, signed_in, clock):
    token = csrf_token(signed_in, "/account/details")
    clock.forward(minutes=31)
    typed = {"csrf_token": token, "full_name": "Samantha <b>Learner</b>", "profession": "gp"}
    response = signed_in.post("/account/details", data=typed)
    assert response.status_code == 401
    assert "Samantha &lt;b&gt;Learner&lt;/b&gt;" in response.text
    assert "What you typed has not been saved" in response.text
    assert 'href="/sign-in?next=/account/details"' in response.text.replace("%2F", "/")
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert db.session().scalar(select(User.full_name)) == "Sam Learner"


def test_a_form_without_typed_text_after_the_limit_does_nothing_and_says_so(app, attempt, clock):
    client, url, _question = attempt
    module_quiz = url.split("attempts/")[0]
    token = csrf_token(client, module_quiz)
    clock.forward(minutes=31)
    response = client.post("/account/emails", data={"csrf_token": token, "reminders": "off"})
    assert response.status_code == 303 and response.location.startswith("/sign-in?next=")
    told = " ".join(client.get(response.location).text.split())
    assert f"{IDLE}, so what you sent from the last page was not saved" in told
    with app.app_context():
        assert db.session().scalar(select(MailPreference.user_id)) is None


def test_a_form_a_page_sent_at_its_limit_is_not_saved_even_a_second_early(app, signed_in, clock):
    # static/js/idle.mjs sends a form holding typed text at the limit, marked; the page's
    # clock may reach it up to a second before the server's (whole seconds here).
    token = csrf_token(signed_in, "/account/details")
    clock.forward(minutes=30)  # the server's last second: not yet over by its count
    typed = {"csrf_token": token, "full_name": "Sam Typed", "profession": "gp"}
    response = signed_in.post("/account/details", data=typed | {"idle-limit-reached": "1"})
    assert response.status_code == 401
    assert "What you typed has not been saved" in response.text and "Sam Typed" in response.text
    assert sent_to_sign_in(signed_in.get(PAGE), PAGE)  # the session ended, as the page said
    with app.app_context():
        assert db.session().scalar(select(User.full_name)) == "Sam Learner"
