"""Pages that are there to send an email, with the mail server down (a port that refuses
connections) or hung (one that accepts and never answers): they say the email could not be
sent, the same for any address, keep what was typed and leave nothing to retry around."""

import re
import socket
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app import db, mail
from app.models import AuditEvent, PendingRegistration, User
from tests.conftest import DEMO_PASSWORD, post_form
from tests.mailbox import free_port
from tests.web.test_recovery import ask
from tests.web.test_register import GOOD, register

NOT_SENT = "We could not send the email just now. Try again in a few minutes"


def send_mail_to(app, url: str) -> None:
    """Point the running app at another SMTP server, as its settings would."""
    app.config["SMTP_URL"] = url
    mail.init_app(app)


def refused() -> str:
    """Return the URL of a mail server that refuses connections: nobody listens there."""
    return f"smtp://127.0.0.1:{free_port()}?tls=none"


@pytest.fixture
def hung():
    """Return the URL of a mail server that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel completes the handshakes; nothing ever answers
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}?tls=none"


def says_not_sent(response) -> bool:
    """Say whether a page is the NHS error pattern for an email not sent, as a 503."""
    text = response.text
    return (
        response.status_code == 503
        and response.headers["Retry-After"] == "120"
        and "<title>Error: " in text
        and "There is a problem" in text
        and text.count(NOT_SENT) == 2  # in the summary, and at the email field
        and "Check your email" not in text
        and "We have sent" not in text
    )


def without(text: str, *addresses: str) -> str:
    """Return a page without the addresses typed and its per-request tokens."""
    for address in addresses:
        text = text.replace(address, "")
    return re.sub(r'(nonce|name="csrf_token" type="hidden" value)="[^"]*"', "", text)


def test_forgot_password_says_the_email_was_not_sent_the_same_for_any_address(
    app, client, make_user, mailbox
):
    make_user()
    up = app.config["SMTP_URL"]
    send_mail_to(app, refused())
    ask(app.test_client(), "warming.up@example.org")  # the app's first pages are slower
    known, unknown = app.test_client(), app.test_client()
    started = time.monotonic()
    to_known = ask(known, "learner@example.org")
    took_known, started = time.monotonic() - started, time.monotonic()
    to_unknown = ask(unknown, "nobody@example.org")
    took_unknown = time.monotonic() - started
    assert says_not_sent(to_known) and says_not_sent(to_unknown)
    assert 'value="learner@example.org"' in to_known.text  # what was typed is kept
    assert without(to_known.text, "learner@example.org") == without(
        to_unknown.text, "nobody@example.org"
    )
    assert abs(took_known - took_unknown) < 1
    with app.app_context():
        kinds = db.session().scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()
    assert kinds.count("password.reset_not_sent") == 3

    # Asking again at once, with the server back, sends the link: the ask that sent
    # nothing neither stands for a link on its way nor counts against any limit.
    send_mail_to(app, up)
    again = ask(known, "learner@example.org")
    assert again.status_code == 200 and "Check your email" in again.text
    assert "/reset-password/" in mailbox.link("learner@example.org", "/reset-password/")
    assert ask(unknown, "nobody@example.org").status_code == 200
    assert mailbox.last("nobody@example.org")


def test_register_says_the_email_was_not_sent_keeps_the_answers_and_leaves_nothing_pending(
    app, client, make_user, mailbox
):
    make_user(email="taken@example.org")
    up = app.config["SMTP_URL"]
    send_mail_to(app, refused())
    new = register(client)
    started = time.monotonic()
    taken = register(app.test_client(), email="taken@example.org")
    took_taken = time.monotonic() - started
    started = time.monotonic()
    register(app.test_client(), email="other.new@example.org")
    took_new = time.monotonic() - started
    assert says_not_sent(new) and says_not_sent(taken)
    assert abs(took_taken - took_new) < 1
    for answer in ("Priya Shah", "Priya.Shah@Example.org", "2087654"):
        assert f'value="{answer}"' in new.text
    assert re.search(r'value="pharmacist"[^>]*checked', new.text)
    assert GOOD["password"] not in new.text  # a password is never written into a page
    assert "enter it again" in new.text
    assert without(new.text, "Priya.Shah@Example.org") == without(taken.text, "taken@example.org")
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count(PendingRegistration.id))) == 0
        assert session.scalar(select(func.count(User.id))) == 1
        kinds = session.scalars(select(AuditEvent.kind)).all()
        assert kinds.count("registration.not_sent") == 3

    # Sent again with the server back: the link comes, and finishes the sign-up.
    send_mail_to(app, up)
    again = register(client)
    assert again.status_code == 200 and "Check your email" in again.text
    path = urlsplit(mailbox.link("priya.shah@example.org", "/register/confirm/")).path
    assert post_form(client, path, {}).status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count(User.id))) == 2


def test_changing_email_says_the_link_was_not_sent_and_tells_the_old_address_nothing(
    app, signed_in, mailbox
):
    send_mail_to(app, refused())
    response = post_form(
        signed_in,
        "/account/email",
        {"email": "sam.new@example.org", "current_password": DEMO_PASSWORD},
    )
    assert says_not_sent(response)
    assert 'value="sam.new@example.org"' in response.text
    assert "Enter your current password again" in response.text
    assert mailbox.messages() == []


def test_a_hung_mail_server_fails_the_page_within_seconds_the_same_for_any_address(
    app, make_user, hung
):
    make_user()
    app.config["SMTP_TIMEOUT"] = 1  # LINKWISE_SMTP_TIMEOUT: the default 5 s is checked apart
    send_mail_to(app, refused())
    ask(app.test_client(), "warming.up@example.org")  # the app's first pages are slower
    send_mail_to(app, hung)
    took = {}
    for address in ("learner@example.org", "nobody@example.org"):
        started = time.monotonic()
        response = ask(app.test_client(), address)
        took[address] = time.monotonic() - started
        assert says_not_sent(response)
    assert all(seconds < 3 for seconds in took.values()), took  # SMTP_TIMEOUT is 1 s
    assert abs(took["learner@example.org"] - took["nobody@example.org"]) < 1, took
