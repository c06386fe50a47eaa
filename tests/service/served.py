"""What the service tests share: a browser over HTTP, waiting for gunicorn, bounded answers.

`add_learner` makes the one learner these tests sign in as; `redis_store` gives a test the
shared Redis with a key prefix of its own, and `forget_keys` deletes only those keys.
"""

import http.cookiejar
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import redis

from app.services import account_admin
from tests.conftest import DEMO_PASSWORD
from tests.service.postgres import missing_service

# Each request must come back within this long: a liveness bound, not a speed target.
ANSWER_WITHIN = 15
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Browser:
    """One visitor's browser: its cookies reach every instance, as behind a load balancer."""

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


def wait_for(port: int) -> None:
    """Wait until gunicorn listens on the port."""
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn on port {port} did not start")


def answer(call):
    """Run a request in a thread and return its response, failing if it hangs."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(ANSWER_WITHIN)
    assert result, f"no answer within {ANSWER_WITHIN} s: the request hung"
    return result[0]


def add_learner(app) -> None:
    """Create learner@example.org (Sam Learner, a practice nurse), password DEMO_PASSWORD."""
    with app.app_context():
        account_admin.create_user(
            email="learner@example.org",
            full_name="Sam Learner",
            password=DEMO_PASSWORD,
            profession="practice-nurse",
            role="learner",
        )


def redis_store() -> tuple[redis.Redis, str]:
    """Return the tests' Redis (skipping the test without one) and a key prefix of its own."""
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError:
        missing_service(f"no Redis at {REDIS_URL} for the rate-limit store")
    return store, f"linkwise-test-{uuid.uuid4().hex[:12]}"


def forget_keys(store: redis.Redis, prefix: str) -> None:
    """Delete the rate-limit counts kept under this prefix, and nothing else."""
    keys = list(store.scan_iter(match=f"*/{prefix}/*"))
    if keys:
        store.delete(*keys)
