"""Support lifts a sign-in lock kept in Redis with `linkwise unlock-sign-in`, as in
production: the app served by gunicorn counts in Redis, the command runs as its own process.
The account can sign in again at once, the lifting is audited once, and nobody else's counts
are touched. Only keys under this test's own prefix are written, and deleted afterwards."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app import create_app
from app.cli import upgrade_database
from app.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT
from tests.mailbox import free_port
from tests.service.served import (
    REDIS_URL,
    Browser,
    add_learner,
    answer,
    forget_keys,
    redis_store,
    wait_for,
)
from tests.web.cli_helpers import run_linkwise

GUNICORN = Path(sys.executable).with_name("gunicorn")
EMAIL = "learner@example.org"
WRONG = "not the password at all"


@pytest.fixture
def served(smtp_server, tmp_path):
    """Yield (port, run the command, the Redis, the prefix, read the unlocking events)."""
    store, prefix = redis_store()
    database_url = f"sqlite:///{tmp_path / 'linkwise.db'}"
    upgrade_database(database_url)
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": database_url})
    add_learner(app)
    app.extensions["linkwise.engine"].dispose()
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "LINKWISE_ENV": "development",
        "SECRET_KEY": f"unlock-{prefix}",
        "DATABASE_URL": database_url,
        "LINKWISE_RATELIMIT_STORAGE_URI": REDIS_URL,
        "LINKWISE_RATELIMIT_KEY_PREFIX": prefix,
        # Generous: on a busy machine a slow answer would send counts to a worker's memory.
        "LINKWISE_RATELIMIT_TIMEOUT": "5",
        "LINKWISE_SMTP_URL": smtp_server.url,
    }
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            str(GUNICORN),
            *("--worker-class", "gthread", "--workers", "1", "--threads", "4"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
            "app:create_app()",
        ],
        env=environment,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    engine = create_engine(database_url)

    def command(*args):
        return run_linkwise(*args, env=environment, cwd=PROJECT_ROOT)

    def events() -> list[AuditEvent]:
        with Session(engine) as session:
            unlocked = select(AuditEvent).where(AuditEvent.kind == "sign_in.unlocked")
            return session.scalars(unlocked).all()

    try:
        wait_for(port)
        yield port, command, store, prefix, events
    finally:
        server.terminate()
        server.wait(timeout=30)
        engine.dispose()
        forget_keys(store, prefix)


def _sign_in(port: int, browser: Browser, email: str = EMAIL, password: str = DEMO_PASSWORD):
    data = {"email": email, "password": password}
    return answer(lambda: browser.post(port, "/sign-in", data))[0]


def _fail(port: int, email: str, times: int) -> list[int]:
    browser = Browser()
    return [_sign_in(port, browser, email, WRONG) for _ in range(times)]


NO_LOCK = (
    f"there is no sign-in lock on {EMAIL}: no failed sign-ins or wrong current passwords are "
    "counted against it\n"
)


def test_support_lifts_a_lock_from_another_process_and_says_so(served):
    port, command, store, prefix, events = served
    assert _fail(port, EMAIL, 6) == [401] * 5 + [429]
    assert _sign_in(port, Browser()) == 429  # locked: the right password too
    # Someone else's counts, at an email that starts with the learner's.
    _fail(port, "learner@example.org.uk", 2)
    result = command("unlock-sign-in", EMAIL.upper())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"lifted what was stopped for {EMAIL}: ")
    assert (
        "forgot 5 of 5 failed sign-ins from 127.0.0.1 (it stopped signing in to this account "
        "from 127.0.0.1 for "
    ) in result.stdout
    assert "more; now they can sign in from 127.0.0.1 again)" in result.stdout
    assert _sign_in(port, Browser()) == 302
    others = list(store.scan_iter(match=f"*/{prefix}/sign-in:*"))
    assert len(others) == 1 and b"learner@example.org.uk|" in others[0]
    [event] = events()
    assert (event.via, event.email, event.detail["was_locked"]) == ("cli", EMAIL, True)
    assert event.detail["os_user"]
    # Nothing left to lift: it says so, and records nothing.
    again = command("unlock-sign-in", EMAIL)
    assert (again.returncode, again.stdout) == (0, NO_LOCK), again.stderr
    assert len(events()) == 1


def test_wrong_current_passwords_are_lifted_too_and_a_shared_address_is_named(served):
    port, command, store, prefix, events = served
    learner = Browser()
    assert _sign_in(port, learner) == 302
    change = {"current_password": WRONG, "new_password": "lantern meadow copper 88"}

    def change_password():
        return answer(lambda: learner.post(port, "/account/", change))[0]

    assert [change_password() for _ in range(6)] == [400] * 5 + [429]
    # Everyone at the address: 20 failed sign-ins, 2 of them at this account.
    _fail(port, EMAIL, 2)
    for number in range(6):
        _fail(port, f"colleague{number}@example.org", 3)
    result = command("unlock-sign-in", EMAIL)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.startswith(f"lifted what was stopped for {EMAIL}: forgot ")
    assert "2 of 5 failed sign-ins from 127.0.0.1;" in first
    # Wrong current passwords stop the pages that ask for it, never sign-in.
    assert (
        "5 of 5 failed current passwords (it stopped changing their password or email address "
        "and deleting their account for "
    ) in first
    assert "more; now they can change their password or email address, or delete" in first
    assert "sign-in lock" not in first
    assert second.startswith("sign-ins from 127.0.0.1 are still stopped for everyone there: ")
    assert "20 of 20 failed sign-ins from that address" in second
    assert change_password() == 400  # checked again, not refused
    [event] = events()
    assert sorted(event.detail["counts"]) == [
        "2 of 5 failed sign-ins from 127.0.0.1",
        "2 of 50 failed sign-ins from any address",
        "5 of 5 failed current passwords",
    ]


def test_another_services_counts_under_another_prefix_are_left(served):
    port, command, store, prefix, events = served
    _fail(port, EMAIL, 5)
    key = f"LIMITS:LIMITER/{prefix}-other/sign-in:{EMAIL}|127.0.0.1/auth.sign_in/5/15/minute"
    store.set(key, 5, ex=60)
    try:
        result = command("unlock-sign-in", EMAIL)
        assert result.returncode == 0 and "lifted" in result.stdout, result.stderr
        assert store.get(key) == b"5"
    finally:
        store.delete(key)


def test_an_address_still_at_its_limit_is_named_each_time_while_it_lasts(served):
    port, command, store, prefix, events = served
    _fail(port, EMAIL, 5)
    for number in range(5):
        _fail(port, f"colleague{number}@example.org", 3)
    result = command("unlock-sign-in", EMAIL)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert "now signing in from 127.0.0.1 stays stopped by its limit for everyone)" in first, first
    assert "sign in from 127.0.0.1 again" not in first
    assert second.startswith("sign-ins from 127.0.0.1 are still stopped for everyone there: ")
    assert _sign_in(port, Browser()) == 429  # as said: the right password too
    # The account's counts are gone; the address they came from is remembered while its
    # limit lasts, so the next look still names it.
    again = command("unlock-sign-in", EMAIL)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(NO_LOCK)
    assert again.stdout.removeprefix(NO_LOCK).startswith(
        "sign-ins from 127.0.0.1 are still stopped for everyone there: 20 of 20 failed"
    )
    [mark] = store.scan_iter(match=f"*/{prefix}/lifted:*")
    assert b"|127.0.0.1/auth.sign_in" in mark and 0 < store.ttl(mark) <= 15 * 60
    assert len(events()) == 1
