"""Wrong passwords sent at once are held to the sign-in limits, counted in Redis as in
production: of twelve at one account from one address five are checked, at many accounts
no more than the address's twenty, and of eight wrong current passwords five. Only keys
under this test's own prefix are written, and deleted."""

from collections import Counter

import pytest

from app.rate_limits import limiter
from tests.conftest import DEMO_PASSWORD, build_app, csrf_token, empty_every_table
from tests.service.served import REDIS_URL, add_learner, forget_keys, redis_store
from tests.web.meetings import meeting_before_writing
from tests.web.test_quiz_concurrency import at_once, tab

EMAIL = "learner@example.org"
WRONG = "not the password at all"
HERE, ELSEWHERE = "10.0.0.9", "10.0.0.10"


@pytest.fixture
def counted_in_redis(database_url, smtp_server, monkeypatch):
    """Yield an app that counts its rate limits in the tests' Redis, with a learner."""
    store, prefix = redis_store()
    # The process has one limiter, which keeps the key prefix of the first app built in it
    # (Flask-Limiter reads it once): this app's counts go under the test's own prefix.
    monkeypatch.setattr(limiter, "_key_prefix", prefix)
    app = build_app(
        database_url,
        smtp_server,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
        # Generous: a slow answer on a busy machine would count in memory instead.
        RATELIMIT_TIMEOUT=5,
    )
    add_learner(app)
    try:
        yield app
    finally:
        engine = app.extensions["linkwise.engine"]
        empty_every_table(engine)
        engine.dispose()
        forget_keys(store, prefix)


def sign_in_at_once(app, emails, password=WRONG, address=HERE):
    """Send the sign-in form for each email at once, from one address; count the statuses
    (each 429 says when to try again)."""
    browsers = [app.test_client() for _ in emails]
    tokens = [csrf_token(browser, "/sign-in") for browser in browsers]
    sends = [
        lambda b=b, t=t, email=email: b.post(
            "/sign-in",
            data={"csrf_token": t, "email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )
        for b, t, email in zip(browsers, tokens, emails, strict=True)
    ]
    # Each is held at its audit row (a failure, or the refusal) until all have come to one:
    # so every one was let through, or not, before any had its answer.
    with meeting_before_writing(app, len(sends)):
        responses = at_once(sends)
    refused = [r for r in responses if r.status_code == 429]
    assert all(0 < int(r.headers["Retry-After"]) <= 15 * 60 for r in refused)
    return Counter(r.status_code for r in responses)


def sign_in(app, password=DEMO_PASSWORD, address=HERE, email=EMAIL) -> int:
    browser = app.test_client()
    data = {"csrf_token": csrf_token(browser, "/sign-in"), "email": email, "password": password}
    return browser.post("/sign-in", data=data, environ_base={"REMOTE_ADDR": address}).status_code


def test_twelve_wrong_passwords_at_once_check_five(counted_in_redis):
    app = counted_in_redis
    assert sign_in_at_once(app, [EMAIL] * 12) == {401: 5, 429: 7}
    assert sign_in(app) == 429  # locked here, the right password too
    assert sign_in(app, address=ELSEWHERE) == 302  # but not its owner elsewhere
    lifted = app.test_cli_runner().invoke(args=["unlock-sign-in", EMAIL]).output
    # The seven refused gave their places back, and the sign-in elsewhere its own.
    assert f"forgot 5 of 5 failed sign-ins from {HERE}" in lifted
    assert ELSEWHERE not in lifted


def test_wrong_sign_ins_at_once_at_many_accounts_are_held_to_the_addresss_twenty(
    counted_in_redis,
):
    app = counted_in_redis
    for n in range(10):
        assert sign_in(app, WRONG, email=f"earlier{n}@example.org") == 401
    # Twelve at once (a request held waits with a database connection: the pool has 15).
    emails = [f"nobody{n}@example.org" for n in range(12)]
    assert sign_in_at_once(app, emails) == {401: 10, 429: 2}


def test_eight_wrong_current_passwords_at_once_check_five(counted_in_redis):
    app = counted_in_redis
    browser = app.test_client()
    data = {
        "csrf_token": csrf_token(browser, "/sign-in"),
        "email": EMAIL,
        "password": DEMO_PASSWORD,
    }
    assert browser.post("/sign-in", data=data).status_code == 302
    token = csrf_token(browser, "/account/email")
    wrong = {"csrf_token": token, "email": "sam.new@example.org", "current_password": WRONG}
    tabs = [tab(app, browser) for _ in range(8)]
    sends = [lambda t=t: t.post("/account/email", data=wrong) for t in tabs]
    with meeting_before_writing(app, len(sends)):
        statuses = Counter(r.status_code for r in at_once(sends))
    assert statuses == {400: 5, 429: 3}
