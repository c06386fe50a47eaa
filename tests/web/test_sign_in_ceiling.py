"""Failed sign-ins at one account from many addresses (a botnet gets five at each) meet a
ceiling: past fifty, a browser or address new to the account is refused before its password
is checked, the right one too, and told to reset the password or ask an administrator; a
browser that signed in before, or an address the account signed in from, still signs in. An
email no account has gets the same answers, and the holder is emailed once a spell (lifting
it: test_sign_in_ceiling_lifted.py). Counted in a server's own memory and in Redis (under the
test's own prefix, its keys deleted after)."""

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from app import db
from app.models import AuditEvent
from app.rate_limits import limiter
from app.services import account_admin, sign_in_locks
from app.services.sign_in_ceiling import SIGN_IN_PER_ACCOUNT
from app.web.auth import PAUSED
from app.web.sign_in_ceiling import KNOWN_BROWSER, wait_for_tellers
from tests.conftest import DEMO_PASSWORD, build_app, empty_every_table, post_form
from tests.nu_checker import nu_errors
from tests.service.served import REDIS_URL, add_learner, forget_keys, redis_store
from tests.web.error_summary import summary_of

EMAIL = "learner@example.org"  # Sam Learner, DEMO_PASSWORD
NOBODY = "nobody@example.org"
WRONG = "not the password at all"
# Ten addresses, five failures at the account from each (each address's own limit): fifty.
BOTNET = [f"198.51.100.{n}" for n in range(1, 11)]
NEW, HOME, TRAVELLING = "203.0.113.5", "192.0.2.30", "203.0.113.77"
SUBJECT = "Many failed attempts to sign in to your Linkwise account"


@pytest.fixture(params=["memory", "redis"])
def counting(request, database_url, smtp_server, monkeypatch):
    """Yield an app with learner@example.org, counting in its own memory or in Redis (under
    a prefix of the test's own, its keys deleted after: never the whole store)."""
    store = prefix = None
    config = {}
    if request.param == "redis":
        store, prefix = redis_store()
        # The process's one limiter keeps the first app's key prefix (as in counted_in_redis).
        monkeypatch.setattr(limiter, "_key_prefix", prefix)
        config = {
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_TIMEOUT": 5,  # a slow answer on a busy machine would count in memory
        }
    app = build_app(database_url, smtp_server, **config)
    add_learner(app)
    try:
        yield app
    finally:
        engine = app.extensions["linkwise.engine"]
        empty_every_table(engine)
        engine.dispose()
        if store is None:
            limiter.reset()  # this process's memory
        else:
            forget_keys(store, prefix)


def attempt(browser, email, password, address):
    """Send the sign-in form from an address; read the answer, then close it as a server
    does once it has gone; wait for the holder's email, if one is going."""
    data = {"email": email, "password": password}
    response = post_form(browser, "/sign-in", data, environ_base={"REMOTE_ADDR": address})
    response.get_data()
    response.close()
    wait_for_tellers(browser.application)  # the holder's email goes from its own thread
    return response


def fail_from_everywhere(app, email=EMAIL) -> list[int]:
    """Fail five times at the email from each of the botnet's ten addresses."""
    return [
        attempt(app.test_client(), email, WRONG, address).status_code
        for address in BOTNET
        for _ in range(5)
    ]


def said(response, email) -> str:
    """Return the page's words, the email typed and the form's token put aside."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))
    return words.replace(email, "EMAIL")


def test_the_ceiling_is_fifty_a_day():
    assert SIGN_IN_PER_ACCOUNT == "50 per 24 hours"


def test_failures_from_many_addresses_pause_new_ones_even_with_the_right_password(counting):
    app = counting
    assert fail_from_everywhere(app) == [401] * 50
    browser = app.test_client()
    refused = attempt(browser, EMAIL, DEMO_PASSWORD, NEW)
    assert refused.status_code == 429
    assert 23 * 3600 < int(refused.headers["Retry-After"]) <= 24 * 3600
    page = summary_of(refused)
    assert page.links == ["#email"]
    words = said(refused, EMAIL)
    assert PAUSED in words
    assert "reset your password" in words and 'href="/forgot-password"' in refused.text
    assert "ask whoever runs Linkwise for your organisation" in words
    assert "can be used again in 24 hours" in words
    assert browser.get("/account/").status_code == 302  # not signed in
    assert browser.get_cookie(KNOWN_BROWSER) is None
    # A wrong password there is answered alike: nothing says whether the right one was sent.
    wrong = attempt(app.test_client(), EMAIL, WRONG, NEW)
    assert (wrong.status_code, said(wrong, EMAIL)) == (429, words)
    with app.app_context():
        paused = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.kind == "sign_in.throttled"))
            .all()
        )
    assert [(e.email, e.address, e.detail["limit"]) for e in paused] == [
        (EMAIL, NEW, "ceiling")
    ] * 2


def test_an_email_no_account_has_gets_the_same_answers(counting):
    app = counting
    statuses = fail_from_everywhere(app)
    assert fail_from_everywhere(app, NOBODY) == statuses
    real = attempt(app.test_client(), EMAIL, DEMO_PASSWORD, NEW)
    unknown = attempt(app.test_client(), NOBODY, DEMO_PASSWORD, NEW)
    assert unknown.status_code == real.status_code == 429
    assert said(unknown, NOBODY) == said(real, EMAIL)
    assert abs(int(unknown.headers["Retry-After"]) - int(real.headers["Retry-After"])) < 60


def test_a_browser_that_signed_in_before_still_signs_in_from_a_new_address(counting):
    app = counting
    known = app.test_client()
    assert attempt(known, EMAIL, DEMO_PASSWORD, HOME).status_code == 302
    assert known.get_cookie(KNOWN_BROWSER) is not None
    known.delete_cookie("linkwise_session")  # signed out since (the session ended)
    fail_from_everywhere(app)
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, TRAVELLING).status_code == 429
    # Its password is checked there: a wrong one fails (and counts), the right one signs in.
    assert attempt(known, EMAIL, WRONG, TRAVELLING).status_code == 401
    assert attempt(known, EMAIL, DEMO_PASSWORD, TRAVELLING).status_code == 302


def test_an_address_the_account_signed_in_from_still_signs_in_from_a_new_browser(counting):
    app = counting
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, HOME).status_code == 302
    fail_from_everywhere(app)
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, HOME).status_code == 302
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, NEW).status_code == 429


def test_a_browser_known_to_another_account_is_new_to_this_one(counting):
    app = counting
    shared = app.test_client()  # a practice's computer: Kim signed in on it, Sam never did
    _made(app, "kim@example.org", full_name="Kim Nurse")
    assert attempt(shared, "kim@example.org", DEMO_PASSWORD, HOME).status_code == 302
    shared.delete_cookie("linkwise_session")
    fail_from_everywhere(app)
    assert attempt(shared, EMAIL, DEMO_PASSWORD, NEW).status_code == 429


def test_the_holder_is_emailed_once_a_spell(counting, mailbox):
    app = counting
    known = app.test_client()
    assert attempt(known, EMAIL, DEMO_PASSWORD, HOME).status_code == 302
    fail_from_everywhere(app, NOBODY)  # nobody to tell
    assert mailbox.messages() == []
    statuses = fail_from_everywhere(app)
    [told] = mailbox.messages(EMAIL)
    assert told["Subject"] == SUBJECT
    body = mailbox.body(EMAIL)
    assert "Hello Sam Learner," in body and "There have been 50 failed attempts" in body
    assert "/forgot-password" in mailbox.link(EMAIL)
    # More failures past the ceiling (from the browser it knows) and more refusals: no more.
    assert attempt(known, EMAIL, WRONG, HOME).status_code == 401
    assert attempt(app.test_client(), EMAIL, WRONG, NEW).status_code == 429
    assert len(mailbox.messages(EMAIL)) == 1
    # Lifted, the next spell at the ceiling tells them again.
    with app.test_request_context():
        sign_in_locks.lift(EMAIL, via="web")
    assert fail_from_everywhere(app) == statuses
    assert [m["Subject"] for m in mailbox.messages(EMAIL)] == [SUBJECT] * 2


def test_a_forged_known_browser_cookie_is_not_trusted(counting):
    app = counting
    fail_from_everywhere(app)
    browser = app.test_client()
    browser.set_cookie(KNOWN_BROWSER, "W1siYWJjIiwgMjAwMDBdXQ.forged")
    assert attempt(browser, EMAIL, DEMO_PASSWORD, NEW).status_code == 429


def test_the_known_browser_cookie_is_httponly_lax_and_says_no_email(counting):
    app = counting
    browser = app.test_client()
    signed_in = attempt(browser, EMAIL, DEMO_PASSWORD, HOME)
    [cookie] = [c for c in signed_in.headers.getlist("Set-Cookie") if KNOWN_BROWSER in c]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=7776000" in cookie
    serializer = URLSafeSerializer(app.secret_key, salt="linkwise-known-browser")
    [[name, _day]] = serializer.loads(browser.get_cookie(KNOWN_BROWSER).value)
    assert len(name) == 24 and "learner" not in name


def test_the_paused_page_is_valid_html(app, tmp_path):
    add_learner(app)
    fail_from_everywhere(app)
    refused = attempt(app.test_client(), EMAIL, DEMO_PASSWORD, NEW)
    assert refused.status_code == 429
    assert nu_errors({"sign-in-paused": refused.text}, tmp_path) == []


def _made(app, email, role="learner", full_name="Ada Admin"):
    """Create an account (make_user's, on this test's app, which may count in Redis)."""
    with app.app_context():
        account_admin.create_user(
            email=email,
            full_name=full_name,
            password=DEMO_PASSWORD,
            profession="gp",
            role=role,
        )
    return email
