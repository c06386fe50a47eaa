"""CSRF tokens that passed are remembered, and only for what they passed for.

A token remembered for one session must still fail for another, once its time is up, once
the session has lost its secret, and from another site over HTTPS.
"""

import time

import flask_wtf.csrf
import pytest

from app.security import csrf
from tests.conftest import confirm_professional, csrf_token, sign_in

FORM = "/confirm-professional"  # any page's POST will do: this one needs no account
ANSWER = {"answer": "yes", "next": "/"}


@pytest.fixture
def checks(monkeypatch):
    """Count the tokens Flask-WTF checked itself (the rest were remembered)."""
    checked = []
    validate = flask_wtf.csrf.validate_csrf

    def counting(data, *args, **kwargs):
        checked.append(data)
        return validate(data, *args, **kwargs)

    monkeypatch.setattr(flask_wtf.csrf, "validate_csrf", counting)
    csrf.passed.clear()
    return checked


def post(client, token, **kwargs):
    return client.post(FORM, data={**ANSWER, "csrf_token": token}, **kwargs)


def test_a_token_that_passed_is_not_checked_again_for_its_session(client, checks):
    token = csrf_token(client, FORM)
    assert post(client, token).status_code == 302
    assert post(client, token).status_code == 302
    assert post(client, token).status_code == 302
    assert checks == [token]


def test_a_token_remembered_for_one_session_fails_for_another(app, client, checks):
    token = csrf_token(client, FORM)
    assert post(client, token).status_code == 302
    other = app.test_client()
    csrf_token(other, FORM)  # a session with a secret of its own
    assert post(other, token).status_code == 400
    assert post(app.test_client(), token).status_code == 400  # no session at all
    assert post(client, token).status_code == 302


def test_a_remembered_token_fails_once_its_time_is_up(app, client, checks, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    token = csrf_token(client, FORM)
    assert post(client, token).status_code == 302
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 59)
    assert post(client, token).status_code == 302
    monkeypatch.setattr(time, "time", lambda: now + 3600)
    refused = post(client, token)
    assert refused.status_code == 400 and checks[-1] == token  # Flask-WTF said why


def test_a_remembered_token_fails_once_the_session_is_gone(app, client, make_user, checks):
    make_user()
    sign_in(client, "learner@example.org")
    confirm_professional(client)
    token = csrf_token(client, "/modules/")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert post(client, token).status_code == 400  # sign-out cleared the secret


def test_a_remembered_token_fails_from_another_site_over_https(client, checks):
    token = csrf_token(client, FORM)
    here = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/"}}
    assert post(client, token, **here).status_code == 302
    assert post(client, token, **here).status_code == 302
    assert len(checks) == 1
    elsewhere = {"base_url": "https://localhost", "headers": {"Referer": "https://evil.example/"}}
    assert post(client, token, **elsewhere).status_code == 400
    assert post(client, token, base_url="https://localhost").status_code == 400  # no referrer


def test_the_memory_is_bounded(client, checks, monkeypatch):
    monkeypatch.setattr(csrf, "MOST_REMEMBERED", 2)
    csrf.passed.update({("a.1.x", "s", "k"): 1, ("b.1.x", "s", "k"): 1})
    token = csrf_token(client, FORM)
    assert post(client, token).status_code == 302
    assert [key[0] for key in csrf.passed] == [token]  # full: started again
