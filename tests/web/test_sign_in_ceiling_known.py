"""The ceiling on failed sign-ins from every address (tests/web/test_sign_in_ceiling.py):
a password reset or a confirmed sign-up makes its browser and address known to the account,
so pushing the ceiling again does not refuse the clinician there; the holder's email is
written and sent by a thread of its own, so the answer ends as soon for an account as for an
email no account has, and an email the mail server did not take waits in the mail outbox for
`linkwise send-mail`, not for the next sign-in at the ceiling (test_sign_in_ceiling_outbox.py).
In a server's own memory and in Redis."""

import time

from app.web.sign_in_ceiling import KNOWN_BROWSER, wait_for_tellers
from tests.conftest import DEMO_PASSWORD, post_form
from tests.web.journeys import path_of
from tests.web.test_mail_outbox import notices, time_passes
from tests.web.test_register import GOOD, finish, register
from tests.web.test_sign_in_ceiling import (  # noqa: F401 (counting: the fixture)
    BOTNET,
    EMAIL,
    NEW,
    NOBODY,
    SUBJECT,
    WRONG,
    attempt,
    counting,
    fail_from_everywhere,
)

ELSEWHERE = "203.0.113.99"
STRANGER = "203.0.113.123"  # an address the account never used
NEW_PASSWORD = "lantern meadow copper 88"


def _reset_from(app, browser, mailbox, address):
    post_form(browser, "/forgot-password", {"email": EMAIL}, environ_base={"REMOTE_ADDR": address})
    link = path_of(mailbox.link(EMAIL, "/reset-password/"))
    data = {"new_password": NEW_PASSWORD}
    reset = post_form(browser, link, data, environ_base={"REMOTE_ADDR": address})
    assert reset.status_code == 302
    return reset


def _again(app):
    """Push the ceiling again after it was lifted: 50 more failures from new addresses."""
    for address in [f"198.51.100.{n}" for n in range(101, 111)]:
        for _ in range(5):
            attempt(app.test_client(), EMAIL, WRONG, address)


def test_a_reset_makes_its_browser_and_address_known(counting, mailbox):  # noqa: F811
    app = counting
    fail_from_everywhere(app)
    browser = app.test_client()
    reset = _reset_from(app, browser, mailbox, NEW)
    assert KNOWN_BROWSER in reset.headers.get("Set-Cookie", "") or any(
        KNOWN_BROWSER in header for header in reset.headers.getlist("Set-Cookie")
    )
    _again(app)
    # The browser the reset was made in: known by its cookie, from anywhere.
    browser.delete_cookie("linkwise_session")
    assert attempt(browser, EMAIL, NEW_PASSWORD, ELSEWHERE).status_code == 302
    # Another browser at the address the reset was made from: known by the address.
    assert attempt(app.test_client(), EMAIL, NEW_PASSWORD, NEW).status_code == 302
    # Anyone else is still paused.
    assert attempt(app.test_client(), EMAIL, NEW_PASSWORD, STRANGER).status_code == 429


def test_the_holders_email_says_what_a_reset_does(counting, mailbox):  # noqa: F811
    app = counting
    fail_from_everywhere(app)
    body = " ".join(mailbox.body(EMAIL).split())
    assert "lets you sign in from anywhere straight away" not in body
    assert "Resetting it lifts this pause at once" in body
    assert "the browser and place you reset it from can go on signing in" in body


def test_a_confirmed_sign_up_makes_its_browser_and_address_known(counting, mailbox):  # noqa: F811
    app = counting
    browser = app.test_client()
    environ = {"REMOTE_ADDR": NEW}
    register(browser)
    mailbox_link_owner = GOOD["email"].lower()
    browser.environ_base.update(environ)
    created = finish(browser, mailbox, mailbox_link_owner)
    assert created.status_code == 302
    assert any(KNOWN_BROWSER in header for header in created.headers.getlist("Set-Cookie"))
    fail_from_everywhere(app, mailbox_link_owner)
    password = GOOD["password"]
    browser.delete_cookie("linkwise_session")
    assert attempt(browser, mailbox_link_owner, password, ELSEWHERE).status_code == 302
    assert attempt(app.test_client(), mailbox_link_owner, password, NEW).status_code == 302
    assert attempt(app.test_client(), mailbox_link_owner, password, STRANGER).status_code == 429


def test_an_email_the_server_did_not_take_waits_for_send_mail(counting, mailbox):  # noqa: F811
    app = counting
    mailbox.defer(EMAIL)
    fail_from_everywhere(app)
    assert mailbox.messages(EMAIL) == []
    assert notices(app) == [("many_failed_sign_ins", EMAIL, 1, False, False)]
    mailbox.clear()  # the server takes mail again
    # The next sign-in at the ceiling, paused, writes no other: it waits, once a spell.
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, ELSEWHERE).status_code == 429
    assert mailbox.messages(EMAIL) == [] and len(notices(app)) == 1
    time_passes(app)
    assert app.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0
    assert [m["Subject"] for m in mailbox.messages(EMAIL)] == [SUBJECT]
    assert "There have been 50 failed attempts" in mailbox.body(EMAIL)
    assert attempt(app.test_client(), EMAIL, WRONG, ELSEWHERE).status_code == 429
    assert len(mailbox.messages(EMAIL)) == 1


def _fiftieth_takes(app, email) -> float:
    """Fail 49 times at the email, then time the 50th until its answer is closed."""
    for address in BOTNET[:-1]:
        for _ in range(5):
            attempt(app.test_client(), email, WRONG, address)
    for _ in range(4):
        attempt(app.test_client(), email, WRONG, BOTNET[-1])
    browser = app.test_client()
    data = {"email": email, "password": WRONG}
    start = time.perf_counter()
    response = post_form(browser, "/sign-in", data, environ_base={"REMOTE_ADDR": BOTNET[-1]})
    response.get_data()
    response.close()
    took = time.perf_counter() - start
    assert response.status_code == 401
    wait_for_tellers(app)
    return took


def test_the_answer_does_not_wait_for_the_holders_email(counting, mailbox):  # noqa: F811
    app = counting
    mailbox.data_delay = 2.0  # a slow mail server
    assert _fiftieth_takes(app, NOBODY) < 1.5
    assert notices(app) == []  # nobody to tell
    assert _fiftieth_takes(app, EMAIL) < 1.5  # written to the outbox and sent, apart
    assert [m["Subject"] for m in mailbox.messages(EMAIL)] == [SUBJECT]
    assert notices(app) == [("many_failed_sign_ins", EMAIL, 0, True, False)]
