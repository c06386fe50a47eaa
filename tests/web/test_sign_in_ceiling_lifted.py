"""The ceiling on failed sign-ins from every address (tests/web/test_sign_in_ceiling.py)
lifted: by a password reset from the device it pauses, and by an administrator from the
person's page, which shows the count first; and sign-ins sent at once at the ceiling check no
more passwords than it allows. In a server's own memory and in Redis."""

import re
import threading
from collections import Counter

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from app.services import sign_in_locks
from app.web.auth import PAUSED
from app.web.sign_in_ceiling import KNOWN_BROWSER, wait_for_tellers
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form
from tests.web.journeys import path_of
from tests.web.meetings import meeting_at, writes_or_locks
from tests.web.test_admin_people import _admin, _id, _person, _plain
from tests.web.test_mail_outbox import notices
from tests.web.test_quiz_concurrency import at_once
from tests.web.test_sign_in_ceiling import (  # noqa: F401 (counting: the fixture)
    BOTNET,
    EMAIL,
    NEW,
    WRONG,
    _made,
    attempt,
    counting,
    fail_from_everywhere,
)


def test_a_password_reset_from_the_new_device_lets_it_in(counting, mailbox):  # noqa: F811
    app = counting
    fail_from_everywhere(app)
    browser = app.test_client()
    assert attempt(browser, EMAIL, DEMO_PASSWORD, NEW).status_code == 429
    post_form(browser, "/forgot-password", {"email": EMAIL}, environ_base={"REMOTE_ADDR": NEW})
    link = path_of(mailbox.link(EMAIL, "/reset-password/"))
    new_password = "lantern meadow copper 88"
    reset = post_form(
        browser, link, {"new_password": new_password}, environ_base={"REMOTE_ADDR": NEW}
    )
    assert reset.status_code == 302
    with app.app_context():
        lifted = db.session().scalar(
            select(AuditEvent.detail).where(AuditEvent.kind == "password.reset")
        )["lifted"]
    assert "50 of 50 failed sign-ins from any address" in lifted
    browser.delete_cookie("linkwise_session")
    browser.delete_cookie(KNOWN_BROWSER)
    assert attempt(browser, EMAIL, new_password, NEW).status_code == 302


def test_the_people_page_shows_the_count_and_lifting_it_lets_new_devices_in(counting):  # noqa: F811
    app = counting
    admin = _admin(app, lambda email, **fields: _made(app, email, **fields))
    sam = _id(app, EMAIL)
    attempt(app.test_client(), EMAIL, WRONG, NEW)
    shown = _plain(admin.get(_person(sam)))
    assert "Not stopped: 1 of 50 failed sign-ins from any address." in shown
    for address in BOTNET[:-1]:
        for _ in range(5):
            attempt(app.test_client(), EMAIL, WRONG, address)
    assert "Not stopped: 46 of 50 failed sign-ins from any address." in _plain(
        admin.get(_person(sam))
    )
    for _ in range(4):
        attempt(app.test_client(), EMAIL, WRONG, BOTNET[-1])
    shown = _plain(admin.get(_person(sam)))
    assert re.search(
        r"Stopped now: signing in to this account from any browser or address it has not "
        r"signed in from recently, for 2[34] more hours \(50 of 50 failed sign-ins from any "
        r"address\)\. They can still sign in from a browser or address they have used before",
        shown,
    )
    # The pause that reaches furthest is read first, before each address's own lock.
    assert shown.index("of 50 failed sign-ins from any") < shown.index(f"from {BOTNET[0]}")
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, NEW).status_code == 429
    lifted = post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    assert lifted.status_code == 302
    told = _plain(admin.get(_person(sam)))
    assert (
        "50 of 50 failed sign-ins from any address forgotten, so they can sign in from a new "
        "browser or address again." in told
    )
    assert "of 50 failed sign-ins from any address" not in _plain(admin.get(_person(sam)))
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "sign_in.unlocked"))
    assert event.actor_id == _id(app, "ada@example.org") and event.detail["was_locked"]
    assert "50 of 50 failed sign-ins from any address" in event.detail["counts"]
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, NEW).status_code == 302


def test_sign_ins_sent_at_once_at_the_ceiling_check_no_more_than_it_allows(counting):  # noqa: F811
    app = counting
    for address in BOTNET[:-1]:
        for _ in range(5):
            attempt(app.test_client(), EMAIL, WRONG, address)
    for _ in range(3):
        attempt(app.test_client(), EMAIL, WRONG, BOTNET[-1])
    # 48 of 50: of six at once from a new address, five have room there, and two of those
    # room under the ceiling; the other three are paused, their passwords unchecked.
    browsers = [app.test_client() for _ in range(6)]
    tokens = [csrf_token(browser, "/sign-in") for browser in browsers]
    sends = [
        lambda b=b, t=t: b.post(
            "/sign-in",
            data={"csrf_token": t, "email": EMAIL, "password": WRONG},
            environ_base={"REMOTE_ADDR": NEW},
        )
        for b, t in zip(browsers, tokens, strict=True)
    ]
    # Each is held at its audit row (a failure, a refusal) until all have come to one. The
    # thread that writes the holder's email to the outbox, once the ceiling is reached, is no
    # party to the meeting: held, it would never be let go. It is waited for before the
    # meeting ends, as taking the meeting's listener away mid-statement breaks its statement.
    with meeting_at(app, len(sends), _a_requests_write):
        responses = at_once(sends)
        wait_for_tellers(app)
    assert [n[:2] for n in notices(app)] == [("many_failed_sign_ins", EMAIL)]
    assert Counter(r.status_code for r in responses) == {401: 2, 429: 4}
    paused = [r for r in responses if PAUSED in r.text]
    assert len(paused) == 3
    with app.test_request_context():
        counts = sign_in_locks.standing(EMAIL, _id(app, EMAIL)).counts
    assert [c.said for c in counts if c.every_address] == [
        "50 of 50 failed sign-ins from any address"
    ]


def _a_requests_write(statement: str) -> bool:
    """Say whether a statement is a request's write or lock, not the holder's email's."""
    return threading.current_thread().name != "linkwise-ceiling" and writes_or_locks(statement)
