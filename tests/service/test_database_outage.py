"""A database outage: the NHS 503 page (JSON for autosave), prompt answers, recovery.

The app reaches PostgreSQL through a proxy the test controls: cut (the server is gone)
and hung (connections accepted and held, nothing answered). The shared server itself is
never stopped.
"""

import logging

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt
from app.rate_limits import limiter
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.service.postgres import proxied_app, set_read_only, throwaway_database
from tests.service.proxy import Proxy
from tests.service.served import add_learner, answer
from tests.web.journeys import user_id
from tests.web.quiz_helpers import attempt_form

# Each request must come back within served.ANSWER_WITHIN: the app's own limits are 2
# seconds each (postgres.proxied_app).


@pytest.fixture
def outage(server, smtp_server):
    """An app whose PostgreSQL sits behind a proxy, with a learner mid-quiz."""
    with throwaway_database(server) as url:
        proxy = Proxy(url.host, url.port or 5432)
        app = proxied_app(url, proxy, smtp_server.url)
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
        assert_no_account_links(response.text)
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


def assert_no_account_links(page: str) -> None:
    """Check a 503 page's header says nothing of the visitor: signed in or out is unknown."""
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    for link in ("Sign in", "Register", "Sign out", "Sam Learner", "My learning"):
        assert link not in header, link
    assert "kept" in page or "safe" in page


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


def test_a_read_only_database_serves_reads_and_answers_writes_503(outage, caplog):
    app, client, proxy, attempt_url, (attempt, token) = outage
    with app.app_context():
        quiz = catalogue().module(attempt.module_slug).assessment
    first = attempt.selection[0]["question"]
    answers = attempt_form(quiz, attempt.selection, right=True)
    one = {k: v for k, v in answers.items() if k.startswith(f"q.{first}")}

    def autosave():
        return client.post(
            attempt_url, data={**one, "csrf_token": token}, headers={"Accept": "application/json"}
        )

    set_read_only(app, True)
    try:
        for url in PAGES:
            assert answer(lambda url=url: client.get(url)).status_code == 200, url
        with caplog.at_level(logging.WARNING):
            saved = answer(autosave)
            submitted = answer(
                lambda: client.post(
                    attempt_url,
                    data={**answers, "csrf_token": token, "action": "submit", "confirmed": "1"},
                )
            )
        assert saved.status_code == 503 and "unavailable" in saved.json["error"]
        assert saved.headers["Retry-After"] == "30"
        assert submitted.status_code == 503
        assert "Sorry, the service is unavailable" in submitted.text
        assert_no_account_links(submitted.text)  # though the reads saw who it was
        assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
        lines = [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
        assert len(lines) == 2 and all("ReadOnlySqlTransaction" in line for line in lines)
    finally:
        set_read_only(app, False)
    with app.app_context():
        assert db.session().get(Attempt, attempt.id).status == "in-progress"
    assert autosave().json["written"] == [first]  # the same save, once writes are back


def test_writes_are_accepted_as_soon_as_the_database_accepts_them(outage, server, caplog):
    app, client, proxy, attempt_url, (attempt, token) = outage
    with app.app_context():
        quiz = catalogue().module(attempt.module_slug).assessment
    first = attempt.selection[0]["question"]
    answers = [
        {
            k: v
            for k, v in attempt_form(quiz, attempt.selection, right=right).items()
            if k.startswith(f"q.{first}")
        }
        for right in (True, False, True)
    ]
    set_read_only(app, True)
    try:
        for url in PAGES:  # the pool's connections start while the database only reads
            assert answer(lambda url=url: client.get(url)).status_code == 200, url
    finally:
        set_read_only(app, False, new_connections=False)
    with caplog.at_level(logging.WARNING):
        revision = 0
        for one in answers:
            saved = answer(
                lambda one=one, revision=revision: client.post(
                    attempt_url,
                    data={**one, "csrf_token": token, "revision": revision},
                    headers={"Accept": "application/json"},
                )
            )
            assert saved.status_code == 200 and saved.json["written"] == [first], saved.text
            revision = saved.json["revision"]
        other = app.test_client()
        assert sign_in(other, "learner@example.org").status_code == 302
    assert not [r for r in caplog.records if "database unavailable" in r.getMessage()]


def test_an_unknown_address_during_an_outage_logs_one_line(outage, caplog):
    app, client, proxy, attempt_url, attempt = outage
    # As in production: an error raised while answering another is not the test's to see.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    proxy.cut()
    with caplog.at_level(logging.INFO):
        for url in ("/favicon.ico", "/nope"):
            response = answer(lambda url=url: client.get(url))
            assert response.status_code == 503, url
            assert response.headers["Retry-After"] == "30", url
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2 and all(line.startswith("database unavailable") for line in lines)


def test_an_export_cut_short_by_an_outage_logs_one_line_and_is_not_complete(outage, caplog):
    app, client, proxy, attempt_url, attempt = outage
    from app.services import account_admin

    with app.app_context():
        account_admin.create_organisation("Riverside PCN")
        for email, role in (("lead@example.org", "manager"), ("nurse@example.org", "learner")):
            account_admin.create_user(
                email=email,
                full_name="Kim Lead" if role == "manager" else "Ali Nurse",
                password=DEMO_PASSWORD,
                profession="practice-nurse",
                role=role,
                organisation_name="Riverside PCN",
            )
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    with caplog.at_level(logging.INFO):
        response = manager.get("/manage/export.csv", buffered=False)
        assert response.status_code == 200
        chunks = iter(response.response)
        assert next(chunks).startswith(b"Learner,Email,")  # the header is on its way
        proxy.cut()
        arrived = []
        with pytest.raises(ConnectionError):  # the download is cut off, not ended
            for chunk in chunks:
                arrived.append(chunk)
        response.close()
    assert b"".join(arrived).endswith(b'It is not complete: download it again."\r\n')
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].startswith("database unavailable: GET /manage/export.csv")
    assert "SELECT" not in lines[0] and "learners" not in lines[0]
