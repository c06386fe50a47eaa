"""A network that holds the COMMIT: the request still answers 503 within a few seconds.

The proxy lets a request's statements through and hangs at its COMMIT: either the COMMIT is
held back (nothing was saved) or it reaches the server and only the reply is held (it was
saved). The app cannot tell which, so its 503 page says the change may have been saved.
"""

import logging

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt, User
from tests.conftest import post_form
from tests.service.served import answer
from tests.service.test_database_outage import outage  # noqa: F401 - the fixture
from tests.web.quiz_helpers import attempt_form

COMMIT = b"COMMIT\x00"  # the simple-query message psycopg sends to end a transaction


def submit(client, attempt_url, answers, token):
    return client.post(
        attempt_url, data={**answers, "csrf_token": token, "action": "submit", "confirmed": "1"}
    )


def test_a_held_commit_answers_503_promptly_and_does_not_say_nothing_was_saved(outage, caplog):  # noqa: F811
    app, client, proxy, attempt_url, (attempt, token) = outage
    with app.app_context():
        quiz = catalogue().module(attempt.module_slug).assessment
    answers = attempt_form(quiz, attempt.selection, right=True)
    proxy.hang_at(COMMIT)
    with caplog.at_level(logging.WARNING):
        response = answer(lambda: submit(client, attempt_url, answers, token))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "cannot tell whether it was saved" in response.text
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    proxy.restore()
    with app.app_context():  # held back: the server never saw it
        assert db.session().get(Attempt, attempt.id).status == "in-progress"
    again = answer(lambda: submit(client, attempt_url, answers, token))
    assert again.status_code == 302
    with app.app_context():
        assert db.session().get(Attempt, attempt.id).status != "in-progress"


def test_a_commit_whose_reply_is_held_was_saved_and_the_page_says_it_may_be(outage):  # noqa: F811
    app, client, proxy, attempt_url, _attempt = outage
    form = {
        "full_name": "Sam Renamed",
        "profession": "practice-nurse",
        "registration_number": "",
        "shown_full_name": "Sam Learner",
        "shown_profession": "practice-nurse",
        "shown_registration_number": "",
    }
    client.get("/account/details")
    proxy.hang_at(COMMIT, passed=True)
    response = answer(lambda: post_form(client, "/account/details", form))
    assert response.status_code == 503
    assert "cannot tell whether it was saved" in response.text
    assert "What you typed may not have been saved" in response.text
    assert "has not been saved" not in response.text
    assert "Sam Renamed" in response.text  # still there to copy
    proxy.restore()
    with app.app_context():  # the server committed before the reply was lost
        names = db.session().scalars(select(User.full_name)).all()
    assert names == ["Sam Renamed"]
