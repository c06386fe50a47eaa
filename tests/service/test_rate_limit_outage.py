"""A Redis outage: sign-in keeps working, attempts are still limited, Redis takes over again.

The README's gunicorn runs the app with its rate-limit counts in Redis, reached through a
proxy the test controls: cut (Redis is gone) and hung (connections accepted and held,
nothing answered). While Redis is out, each worker counts in its own memory, so a password
guesser is still stopped; once Redis answers, counting goes back to it. The shared Redis
is never stopped; only keys under this test's own prefix are deleted afterwards.
"""

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from app import create_app
from app.cli import upgrade_database
from app.config import ConfigError
from app.rate_limits import limiter
from app.web.throttles import SIGN_IN_PER_ACCOUNT_AND_ADDRESS
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT
from tests.mailbox import free_port
from tests.service.proxy import Proxy
from tests.service.served import (
    REDIS_URL,
    Browser,
    add_learner,
    answer,
    forget_keys,
    redis_store,
    wait_for,
)

GUNICORN = Path(sys.executable).with_name("gunicorn")
# Each request must come back within served.ANSWER_WITHIN (a hung Redis costs the request
# that finds it the rate limits' timeout, 0.5 s here). Once Redis answers again it must be
# used within TAKEN_BACK_WITHIN: the limiter looks again after 1, 2, 4 ... 32 seconds.
TAKEN_BACK_WITHIN = 70
FAILURES_ALLOWED = int(SIGN_IN_PER_ACCOUNT_AND_ADDRESS.split()[0])
WRONG_PASSWORD = "not the password at all"


@pytest.fixture
def service(smtp_server, tmp_path):
    """Serve the app with gunicorn, its rate limits in Redis behind a proxy; yield both."""
    store, prefix = redis_store()
    address = redis.connection.parse_url(REDIS_URL)
    proxy = Proxy(address.get("host", "127.0.0.1"), int(address.get("port", 6379)))
    database_url = f"sqlite:///{tmp_path / 'linkwise.db'}"
    upgrade_database(database_url)
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": database_url})
    add_learner(app)
    app.extensions["linkwise.engine"].dispose()
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            str(GUNICORN),
            *("--worker-class", "gthread", "--workers", "1", "--threads", "4"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
            "app:create_app()",
        ],
        env={
            **os.environ,
            "LINKWISE_ENV": "development",
            "SECRET_KEY": f"outage-{prefix}",
            "DATABASE_URL": database_url,
            "LINKWISE_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{proxy.port}/0",
            "LINKWISE_RATELIMIT_KEY_PREFIX": prefix,
            "LINKWISE_RATELIMIT_TIMEOUT": "0.5",
            "LINKWISE_SMTP_URL": smtp_server.url,
            "LINKWISE_BASE_URL": f"http://127.0.0.1:{port}",
        },
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port)
        yield port, proxy, store, prefix, log
    finally:
        server.terminate()
        server.wait(timeout=30)
        proxy.stop()
        forget_keys(store, prefix)


def sign_in(port: int, password: str = DEMO_PASSWORD) -> tuple[int, str]:
    """Sign in from a new browser; return the status and the page."""
    browser = Browser()
    data = {"email": "learner@example.org", "password": password}
    return answer(lambda: browser.post(port, "/sign-in", data))


def guesses_until_stopped(port: int) -> list[int]:
    """Try wrong passwords from one browser until told to stop; return each status."""
    browser = Browser()
    data = {"email": "learner@example.org", "password": WRONG_PASSWORD}
    statuses = []
    while len(statuses) <= FAILURES_ALLOWED and 429 not in statuses:
        status, _ = answer(lambda: browser.post(port, "/sign-in", data))
        statuses.append(status)
    return statuses


def counts_in_redis(store, prefix: str) -> int:
    """Return the sum of this test's counts kept in Redis."""
    return sum(int(store.get(key) or 0) for key in store.scan_iter(match=f"*/{prefix}/*"))


def logged(log) -> str:
    """Return what gunicorn and the app have written to the log so far."""
    log.seek(0)
    return log.read()


def check_outage(port: int, store, prefix: str, log) -> None:
    """Sign-in works, guessing is stopped, nothing fails with a 500, the log says why."""
    before = counts_in_redis(store, prefix)
    status, page = sign_in(port)
    assert status == 302, page[:500]
    assert guesses_until_stopped(port) == [401] * FAILURES_ALLOWED + [429]
    assert counts_in_redis(store, prefix) == before  # counted in the worker's memory
    assert logged(log).count("falling back to in-memory storage") == 1  # once, not a request
    assert "Traceback" not in logged(log)


def check_taken_back(port: int, store, prefix: str, log) -> None:
    """Once Redis answers again, failed sign-ins are counted in it again, and the log says so."""
    deadline = time.monotonic() + TAKEN_BACK_WITHIN
    before = counts_in_redis(store, prefix)
    while counts_in_redis(store, prefix) == before:
        assert time.monotonic() < deadline, f"Redis not used again within {TAKEN_BACK_WITHIN} s"
        status, _ = sign_in(port, WRONG_PASSWORD)
        assert status in (401, 429)
        time.sleep(0.5)
    assert logged(log).count("rate limits: Rate limit storage recovered") == 1


def test_a_cut_redis_leaves_sign_in_working_and_guessing_limited(service):
    port, proxy, store, prefix, log = service
    status, _ = sign_in(port, WRONG_PASSWORD)
    assert status == 401 and counts_in_redis(store, prefix) > 0  # Redis counts it
    proxy.cut()
    check_outage(port, store, prefix, log)
    proxy.restore()
    check_taken_back(port, store, prefix, log)


def test_a_hung_redis_leaves_sign_in_working_and_is_not_waited_for_each_time(service):
    port, proxy, store, prefix, log = service
    assert sign_in(port)[0] == 302
    proxy.hang()
    check_outage(port, store, prefix, log)
    # Once the worker has given up on Redis it only looks again now and then (after 1, 2,
    # 4 ... seconds), so most requests do not wait for it at all.
    tried = proxy.connections
    for _ in range(10):
        assert sign_in(port, WRONG_PASSWORD)[0] == 429
    assert proxy.connections - tried <= 3, "requests kept waiting for the hung Redis"
    proxy.restore()
    check_taken_back(port, store, prefix, log)


def test_the_rate_limits_timeout_must_be_a_number_of_seconds():
    with pytest.raises(ConfigError, match=re.escape("LINKWISE_RATELIMIT_TIMEOUT")):
        create_app({"LINKWISE_ENV": "test", "RATELIMIT_TIMEOUT": "soon"})


def test_redis_is_given_up_on_after_the_rate_limits_timeout():
    app = create_app(
        {"LINKWISE_ENV": "test", "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_TIMEOUT": "0.25"}
    )
    try:
        client = limiter.storage.storage  # the redis client the limiter counts with
        settings = client.connection_pool.connection_kwargs
        assert settings["socket_connect_timeout"] == 0.25
        assert settings["socket_timeout"] == 0.25
    finally:
        app.extensions["linkwise.engine"].dispose()


def test_what_the_limiter_says_of_its_storage_is_one_warning_line_each(caplog):
    with caplog.at_level(logging.INFO, logger="linkwise.rate_limits"):
        limiter.logger.info("ratelimit 5 per 15 minutes (sign-in) exceeded at endpoint: x")
        limiter.logger.warning("Rate limit storage unreachable - falling back to memory")
        try:
            raise redis.TimeoutError("Timeout reading from socket")
        except redis.TimeoutError:
            limiter.logger.exception("Failed to deduct rate limit. Swallowing error")
        limiter.logger.info("Rate limit storage recovered")
    ours = [r for r in caplog.records if r.name == "linkwise.rate_limits"]
    assert [(r.levelname, r.getMessage()) for r in ours] == [
        ("WARNING", "rate limits: Rate limit storage unreachable - falling back to memory"),
        (
            "WARNING",
            "rate limits: Failed to deduct rate limit. Swallowing error: "
            "TimeoutError: Timeout reading from socket",
        ),
        ("WARNING", "rate limits: Rate limit storage recovered"),
    ]
    assert not any(r.exc_info for r in ours)
