"""Security baseline: CSRF, headers, cookies, error pages, health check."""

import re

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from app import create_app
from app.config import ConfigError
from tests.conftest import PRODUCTION, csrf_token, post_form, sign_in


@pytest.mark.parametrize("url", ["/sign-in", "/confirm-professional", "/sign-out"])
def test_post_without_csrf_token_answers_400(client, url):
    response = client.post(url, data={"email": "a@example.org", "password": "x", "answer": "yes"})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.text


def test_post_with_a_wrong_csrf_token_answers_400(client):
    client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf_token": "forged", "email": "a@example.org"})
    assert response.status_code == 400


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.text
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/").headers["Content-Security-Policy"]
    assert first != client.get("/").headers["Content-Security-Policy"]


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user()
    cookie = sign_in(client, "learner@example.org").headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith("linkwise_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_production_cookies_are_secure_and_need_a_secret_key(database_url):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({**PRODUCTION, "SECRET_KEY": None, "DATABASE_URL": database_url})
    app = create_app({**PRODUCTION, "DATABASE_URL": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["DEMO_DATA_ALLOWED"] is False


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_server_error_shows_a_reference_and_no_trace(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert re.search(r'class="lw-reference">[0-9A-F]{8}<', response.text)
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_other_internal_database_errors_stay_a_500_with_a_reference(app):
    @app.get("/boom")
    def boom():
        raise sa_exc.InternalError("SELECT 1", {}, psycopg.errors.InFailedSqlTransaction("x"))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert re.search(r'class="lw-reference">[0-9A-F]{8}<', response.text)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    app = create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing-folder/nope.db",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down"


def test_a_form_sent_after_signing_out_in_another_tab_says_so(client, make_user):
    make_user()
    sign_in(client, "learner@example.org")
    token = csrf_token(client, "/account/details")  # the page left open in one tab
    post_form(client, "/sign-out", {}, page="/account/")  # signed out in another
    form = {"csrf_token": token, "full_name": "Sam Learner", "profession": "practice-nurse"}
    page = client.post("/account/details", data=form)
    assert page.status_code == 400
    assert "You had signed out" in page.text and 'href="/sign-in"' in page.text
    saved = client.post("/account/details", data=form, headers={"Accept": "application/json"})
    assert saved.status_code == 400
    assert saved.json == {"error": "you have been signed out: sign in again, then reopen this page"}
    # A visitor's stale sign-in form is only out of date: they were never signed in.
    stale = client.post("/sign-in", data={"csrf_token": "stale", "email": "x@example.org"})
    assert "out of date" in stale.text and "You had signed out" not in stale.text
