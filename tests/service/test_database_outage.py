"""A database outage: the NHS 503 page (JSON for autosave), prompt answers, recovery.

The app reaches PostgreSQL through a proxy the test controls: cut (the server is gone)
and hung (connections accepted and held, nothing answered). The shared server itself is
never stopped.
"""

import logging

import pytest
from sqlalchemy import select

from app import create_app, db
from app.content import catalogue
from app.models import Attempt
from app.security import limiter
from tests.conftest import csrf_token, post_form, sign_in
from tests.service.postgres import missing_service, postgres_server, throwaway_database
from tests.service.proxy import Proxy
from tests.service.served import add_learner, answer
from tests.web.journeys import user_id

# Each request must come back within served.ANSWER_WITHIN. The app's own limits below are 2
# seconds each; a hung database answers in 2 to 4 seconds (a held pool connection's
# watchdog, then a connect timeout), and "a few seconds" is the promise.


@pytest.fixture(scope="module")
def server():
    try:
        with postgres_server() as url:
            yield url
    except RuntimeError as missing:
        missing_service(str(missing))


@pytest.fixture
def outage(server, smtp_server):
    """An app whose PostgreSQL sits behind a proxy, with a learner mid-quiz."""
    with throwaway_database(server) as url:
        proxy = Proxy(url.host, url.port or 5432)
        app = create_app(
            {
                "LINKWISE_ENV": "test",
                "DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                    hide_password=False
                ),
                "SMTP_URL": smtp_server.url,
                "DB_CONNECT_TIMEOUT": 2,
                "DB_STATEMENT_TIMEOUT": 2,
                "DB_POOL_TIMEOUT": 2,
            }
        )
        client = app.test_client()
        add_learner(app)
        with app.app_context():
            module = next(m for m in catalogue().modules if m.assessment)
        sign_in(client, "learner@example.org")
        from app.services import learning

        with app.app_context():
            for key in module.screen_item_keys:
                learning.record(user_id(app, "learner@example.org"), module.slug, key)
            db.session().commit()
        attempt_url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
        with app.app_context():
            attempt = db.session().scalar(select(Attempt))
        token = csrf_token(client, attempt_url)
        yield app, client, proxy, attempt_url, (attempt, token)
        proxy.stop()
        app.extensions["linkwise.engine"].dispose()
        limiter.reset()


PAGES = ["/", "/modules/", "/account/", "/my/record", "/my/competencies"]


def check_unavailable(client, attempt_url, attempt_and_token):
    attempt, token = attempt_and_token
    for url in PAGES:
        response = answer(lambda url=url: client.get(url))
        assert response.status_code == 503, url
        assert "Sorry, the service is unavailable" in response.text, url
        assert "nhsuk-header" in response.text, url
        assert response.headers["Retry-After"] == "30", url
    question = attempt.selection[0]["question"]
    autosave = answer(
        lambda: client.post(
            attempt_url,
            data={f"q.{question}": "x", "csrf_token": token},
            headers={"Accept": "application/json"},
        )
    )
    assert autosave.status_code == 503
    assert autosave.is_json and "unavailable" in autosave.json["error"]
    assert autosave.headers["Retry-After"] == "30"
    health = answer(lambda: client.get("/healthz"))
    assert health.status_code == 503 and health.json["database"] == "down"


def check_recovered(client):
    for url in PAGES:
        response = answer(lambda url=url: client.get(url))
        assert response.status_code == 200, url
    assert "Sam Learner" in client.get("/account/").text  # still signed in: no restart
    assert client.get("/healthz").json == {"status": "ok", "database": "up"}


def test_a_cut_database_answers_503_everywhere_then_recovers(outage, caplog):
    app, client, proxy, attempt_url, attempt = outage
    assert client.get("/account/").status_code == 200
    proxy.cut()
    with caplog.at_level(logging.WARNING):
        check_unavailable(client, attempt_url, attempt)
    failing = len(PAGES) + 2
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    outage_lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage_lines) == failing  # one line per failing request
    assert len(caplog.records) <= failing + 2
    proxy.restore()
    check_recovered(client)


def test_a_hung_database_answers_503_promptly_then_recovers(outage, caplog):
    app, client, proxy, attempt_url, attempt = outage
    assert client.get("/account/").status_code == 200
    proxy.hang()
    with caplog.at_level(logging.WARNING):
        check_unavailable(client, attempt_url, attempt)
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    proxy.restore()
    check_recovered(client)
