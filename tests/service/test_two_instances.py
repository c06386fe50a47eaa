"""Two gunicorn instances over one PostgreSQL database and one Redis: one service.

As behind a load balancer: a learner's session, a quiz in progress and sign-in throttling
carry from one instance to the other. Redis keys carry a prefix of this test's own, and
only those keys are deleted afterwards (the shared Redis is never flushed).
"""

import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app, db
from app.content import catalogue
from app.models import Attempt
from app.services import accounts, learning
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT
from tests.mailbox import free_port
from tests.service.postgres import missing_service, postgres_server, throwaway_database
from tests.service.served import REDIS_URL, Browser, add_learner, forget_keys, redis_store, wait_for
from tests.web.quiz_helpers import attempt_form

GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture(scope="module")
def service(smtp_server):
    """Start two gunicorn instances on one database and one Redis; yield their ports."""
    store, prefix = redis_store()
    try:
        with postgres_server() as server, throwaway_database(server) as url:
            database_url = url.render_as_string(hide_password=False)
            env = {
                **os.environ,
                "LINKWISE_ENV": "development",
                "SECRET_KEY": f"shared-{prefix}",
                "DATABASE_URL": database_url,
                "LINKWISE_RATELIMIT_STORAGE_URI": REDIS_URL,
                "LINKWISE_RATELIMIT_KEY_PREFIX": prefix,
                "LINKWISE_SMTP_URL": smtp_server.url,
            }
            app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": database_url})
            add_learner(app)
            servers, ports = [], []
            for _ in range(2):
                port = free_port()
                servers.append(
                    subprocess.Popen(
                        [
                            str(GUNICORN),
                            "--workers",
                            "1",
                            "--worker-class",
                            "gthread",
                            "--threads",
                            "2",
                            "--bind",
                            f"127.0.0.1:{port}",
                            "--log-level",
                            "warning",
                            "app:create_app()",
                        ],
                        env={**env, "LINKWISE_BASE_URL": f"http://127.0.0.1:{port}"},
                        cwd=PROJECT_ROOT,
                    )
                )
                ports.append(port)
            try:
                for port in ports:
                    wait_for(port)
                yield app, ports
            finally:
                for process in servers:
                    process.terminate()
                for process in servers:
                    process.wait(timeout=30)
                app.extensions["linkwise.engine"].dispose()
    except RuntimeError as missing:
        missing_service(str(missing))
    finally:
        forget_keys(store, prefix)


def test_a_session_and_a_quiz_in_progress_carry_across_instances(service):
    app, (first, second) = service
    browser = Browser()
    browser.post(first, "/confirm-professional", {"answer": "yes", "next": "/"})
    status, _ = browser.post(
        first, "/sign-in", {"email": "learner@example.org", "password": DEMO_PASSWORD}
    )
    assert status == 302
    status, page = browser.get(second, "/account/")
    assert status == 200 and "Sam Learner" in page

    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
        learner = accounts.user_by_email("learner@example.org").id
        for key in module.screen_item_keys:
            learning.record(learner, module.slug, key)
        db.session().commit()
    quiz = f"/modules/{module.slug}/quiz/"
    status, _ = browser.post(first, quiz, {})
    assert status == 302
    attempt_url = urllib.parse.urlsplit(browser.location).path
    status, page = browser.get(second, attempt_url)
    assert status == 200 and module.assessment.title in page
    with app.app_context():
        attempt = db.session().scalar(select(Attempt))
        answers = attempt_form(module.assessment, attempt.selection, right=True)
    first_question = attempt.selection[0]["question"]
    one = {k: v for k, v in answers.items() if k.startswith(f"q.{first_question}")}
    status, _ = browser.post(first, attempt_url, {**one, "action": "save"})
    assert status == 302
    with app.app_context():
        saved = {a.question_id for a in db.session().get(Attempt, attempt.id).answers}
    assert saved == {first_question}
    status, _ = browser.post(second, attempt_url, {**answers, "action": "submit"})
    assert status == 302
    status, page = browser.get(first, attempt_url)
    assert status == 200 and "You passed" in page


def test_sign_in_throttling_counts_across_instances(service):
    _app, (first, second) = service
    browser = Browser()
    wrong = {"email": "learner@example.org", "password": "not the password at all"}
    for port in (first, second, first, second, first):
        status, _ = browser.post(port, "/sign-in", wrong)
        assert status == 401
    for port in (second, first):
        status, page = browser.post(port, "/sign-in", wrong)
        assert status == 429 and "Too many attempts" in page
