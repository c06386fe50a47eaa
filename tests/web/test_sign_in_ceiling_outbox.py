"""The holder's email at the ceiling on failed sign-ins (tests/web/test_sign_in_ceiling.py) is
an account notice: its thread writes it to the mail outbox, committed, before sending it, so
one the mail server could not take, or whose thread stopped before sending it, is sent by
`linkwise send-mail`, still once a spell; the row keeps no link and no token. In a server's
own memory and in Redis, on both databases, through the tests' own SMTP server."""

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app import db
from app.models_mail import MailOutbox
from app.services import mail_outbox, sign_in_ceiling
from tests.conftest import DEMO_PASSWORD
from tests.web.test_mail_down_forms import refused, send_mail_to
from tests.web.test_mail_outbox import notices, time_passes
from tests.web.test_sign_in_ceiling import (  # noqa: F401 (counting: the fixture)
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
TOLD = ("many_failed_sign_ins", EMAIL)


def _fields(app) -> list[dict]:
    with app.app_context():
        return [dict(f) for f in db.session().scalars(select(MailOutbox.fields))]


def test_the_holders_email_is_in_the_outbox_after_the_fiftieth_failure(counting, mailbox):  # noqa: F811
    app = counting
    fail_from_everywhere(app, NOBODY)  # nobody to tell: nothing written
    assert notices(app) == []
    fail_from_everywhere(app)
    assert notices(app) == [(*TOLD, 0, True, False)]  # written, then sent at once
    [fields] = _fields(app)
    assert set(fields) == {"name", "when", "failures", "until", "known_days"}
    assert (fields["name"], fields["failures"], fields["known_days"]) == ("Sam Learner", 50, 90)
    assert "http" not in str(fields) and "password" not in str(fields)
    [told] = mailbox.messages(EMAIL)
    assert told["Subject"] == SUBJECT
    body = " ".join(mailbox.body(EMAIL).split())
    assert "There have been 50 failed attempts" in body and f"until {fields['until']}" in body
    assert "/forgot-password" in mailbox.link(EMAIL)


def test_an_email_the_mail_server_did_not_take_is_sent_by_send_mail_once(
    counting,  # noqa: F811
    mailbox,
    smtp_server,
):
    app = counting
    send_mail_to(app, refused())  # nobody listens: the connection is refused
    fail_from_everywhere(app)
    assert notices(app) == [(*TOLD, 1, False, False)]
    # Still once a spell: more failures and pauses at the ceiling write no other.
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, ELSEWHERE).status_code == 429
    assert attempt(app.test_client(), EMAIL, WRONG, NEW).status_code == 429
    assert len(notices(app)) == 1
    send_mail_to(app, smtp_server.url)
    time_passes(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sent 1 account notice; 0 waiting")
    assert [m["Subject"] for m in mailbox.messages(EMAIL)] == [SUBJECT]
    assert "There have been 50 failed attempts" in mailbox.body(EMAIL)
    assert notices(app) == [(*TOLD, 1, True, False)]
    time_passes(app)
    assert runner.invoke(args=["send-mail"]).output.startswith("sent 0 account notices")
    assert len(mailbox.messages(EMAIL)) == 1


def test_an_email_whose_thread_stopped_after_writing_it_is_sent_by_send_mail(
    counting,  # noqa: F811
    mailbox,
    monkeypatch,
):
    app = counting
    # The worker ends between the commit and the sending: nothing is tried.
    monkeypatch.setattr(mail_outbox, "send_queued", lambda ids: False)
    fail_from_everywhere(app)
    assert notices(app) == [(*TOLD, 0, False, False)]
    assert mailbox.messages(EMAIL) == []
    monkeypatch.undo()
    result = app.test_cli_runner().invoke(args=["send-mail"])  # due at once: never tried
    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in mailbox.messages(EMAIL)] == [SUBJECT]


def test_an_email_that_could_not_be_written_is_written_at_the_next_sign_in_at_the_ceiling(
    counting,  # noqa: F811
    mailbox,
    monkeypatch,
):
    app = counting
    real = sign_in_ceiling.queue_notice

    def database_gone(*_args):
        raise OperationalError("INSERT INTO mail_outbox", {}, ConnectionError("server gone"))

    monkeypatch.setattr(sign_in_ceiling, "queue_notice", database_gone)
    fail_from_everywhere(app)
    assert notices(app) == [] and mailbox.messages(EMAIL) == []
    monkeypatch.setattr(sign_in_ceiling, "queue_notice", real)
    # The spell's mark was taken back: the next sign-in at the ceiling, paused, writes it.
    assert attempt(app.test_client(), EMAIL, DEMO_PASSWORD, ELSEWHERE).status_code == 429
    assert notices(app) == [(*TOLD, 0, True, False)]
    assert [m["Subject"] for m in mailbox.messages(EMAIL)] == [SUBJECT]
    assert attempt(app.test_client(), EMAIL, WRONG, ELSEWHERE).status_code == 429
    assert len(notices(app)) == 1 and len(mailbox.messages(EMAIL)) == 1
