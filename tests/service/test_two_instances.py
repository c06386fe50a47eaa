"""Two gunicorn instances over one PostgreSQL database and one Redis: one service.

As behind a load balancer: a learner's session, a quiz in progress and sign-in throttling
carry from one instance to the other. Redis keys carry a prefix of this test's own, and
only those keys are deleted afterwards (the shared Redis is never flushed).
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from app import create_app, db
from app.content import catalogue
from app.models import Attempt
from app.services import accounts, learning
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT
from tests.mailbox import free_port
from tests.service.postgres import missing_service, postgres_server, throwaway_database
from tests.web.quiz_helpers import attempt_form

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
GUNICORN = Path(sys.executable).with_name("gunicorn")


class Browser:
    """A cookie jar shared by both instances, as one browser behind a load balancer."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, port: int, path: str):
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}"))

    def post(self, port: int, path: str, data: dict, token_from: str | None = None):
        status, page = self.get(port, token_from or path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **data}, doseq=True).encode()
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.location = error.headers.get("Location")
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def service(smtp_server):
    """Start two gunicorn instances on one database and one Redis; yield their ports."""
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError:
        missing_service(f"no Redis at {REDIS_URL} for the rate-limit store")
    prefix = f"linkwise-test-{uuid.uuid4().hex[:12]}"
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
            with app.app_context():
                accounts.create_user(
                    email="learner@example.org",
                    full_name="Sam Learner",
                    password=DEMO_PASSWORD,
                    profession="practice-nurse",
                    role="learner",
                )
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
                    _wait_for(port)
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
        keys = list(store.scan_iter(match=f"{prefix}*"))
        if keys:
            store.delete(*keys)


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn on port {port} did not start")


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
