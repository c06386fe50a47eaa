"""The mail outbox under two senders at once, what it keeps (no token, no link), and what
erasure, the data export and time take out of it. Both databases, real SMTP."""

import threading
from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.models import utcnow
from app.models_mail import MailOutbox
from app.services import mail_outbox, mail_outbox_runs
from app.services.accounts import user_by_email
from app.services.data_rights import export_data
from app.services.erasure import erase
from tests.conftest import post_form
from tests.web.journeys import path_of
from tests.web.test_recovery import NEW_PASSWORD, ask

ASHA, KIM = "asha@example.org", "kim@example.org"


def queued(app, *emails: str) -> None:
    """Queue a password notice to each person and commit, sending nothing (as a process that
    ends between the commit and the sending leaves it)."""
    with app.app_context():
        session = db.session()
        for email in emails:
            mail_outbox.queue(session, user_by_email(email), "password_changed")
        session.commit()


def test_two_runs_at_once_send_each_notice_once(app, make_user, mailbox):
    people = [make_user(f"person{n}@example.org") for n in range(6)]
    queued(app, *people)
    mailbox.data_delay = 0.15  # each message takes a while: the runs overlap
    start, runs = threading.Barrier(2), []

    def run():
        with app.app_context():
            start.wait()
            runs.append(mail_outbox_runs.send_due())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(m["To"] for m in mailbox.messages()) == sorted(people)  # each once
    assert sorted(r.sent for r in runs) != [0, 6]  # both sent some: they ran at once
    assert sum(r.sent for r in runs) == 6
    with app.app_context():
        assert (
            db.session().scalar(select(MailOutbox.id).where(MailOutbox.sent_at.is_(None))) is None
        )


def test_a_notice_another_sender_holds_is_not_sent_again(app, make_user, mailbox):
    queued(app, make_user(ASHA))
    with app.app_context():
        held = mail_outbox.claim()  # another run took it and is sending it
        assert held is not None
        assert mail_outbox_runs.send_due().sent == 0
        assert mail_outbox.send_queued([held.id]) is False
    assert mailbox.messages(ASHA) == []


def test_a_run_does_not_count_a_retry_another_run_is_sending_as_failed(
    app, make_user, mailbox, runner
):
    # A notice that failed once is due again; run B claims it (its next try moves ahead by
    # the lease) and is sending it while run A, overlapping, sends the others and ends.
    queued(app, make_user(ASHA), make_user(KIM), make_user("lee@example.org"))
    with app.app_context():
        session = db.session()
        session.execute(
            update(MailOutbox)
            .where(MailOutbox.to_address == ASHA)
            .values(attempts=1, last_error="451 try later", next_attempt_at=utcnow())
        )
        session.commit()
        held = mail_outbox.claim(MailOutbox.to_address == ASHA)  # run B has it
        assert held is not None and held.attempts == 1
    result = runner.invoke(args=["send-mail"])  # run A
    assert result.exit_code == 0, result.output
    assert "sent 2 account notices; 0 waiting; 1 being sent by another run;" in result.output
    assert "next try" not in result.output
    with app.app_context():
        assert mail_outbox.deliver(held) == mail_outbox.SENT  # run B's send goes
        run = mail_outbox_runs.send_due()
    assert (run.sent, run.waiting, run.held, run.unsent) == (0, 0, 0, False)
    assert sorted(m["To"] for m in mailbox.messages()) == [ASHA, KIM, "lee@example.org"]


def test_a_notice_waiting_after_a_failure_still_fails_the_run(app, make_user, mailbox, runner):
    queued(app, make_user(ASHA))
    with app.app_context():
        session = db.session()
        session.execute(
            update(MailOutbox).values(
                attempts=1,
                last_error="451 try later",
                next_attempt_at=utcnow() + timedelta(minutes=1),
            )
        )
        session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1, result.output
    assert "sent 0 account notices; 1 waiting, the next try at" in result.output
    assert "being sent" not in result.output


def test_the_outbox_keeps_no_token_and_no_link(app, client, make_user, mailbox):
    make_user(ASHA)
    assert ask(client, ASHA).status_code == 200
    reset = path_of(mailbox.link(ASHA, "/reset-password/"))
    assert post_form(client, reset, {"new_password": NEW_PASSWORD}).status_code == 302
    # The reset signed this browser in.
    asked = {"email": "asha.elm@example.org", "current_password": NEW_PASSWORD}
    assert post_form(client, "/account/email", asked).status_code == 200
    confirm = path_of(mailbox.link("asha.elm@example.org", "/account/email/confirm/"))
    assert post_form(client, confirm, {}, page=confirm).status_code == 302
    with app.app_context():
        rows = db.session().execute(select(MailOutbox.__table__)).all()
    kept = repr(rows)
    assert [row.template for row in rows] == [
        "password_changed",
        "email_change_requested",
        "email_changed",
    ]
    for token in (reset.rsplit("/", 1)[1], confirm.rsplit("/", 1)[1]):
        assert token not in kept
    assert "http" not in kept and "/reset-password" not in kept
    assert {tuple(row.fields) for row in rows} == {("name", "when")}


def test_erasing_an_account_deletes_its_notices_and_no_others(app, make_user, mailbox):
    queued(app, make_user(ASHA), make_user(KIM))
    with app.app_context():
        assert erase(user_by_email(ASHA).id, via="cli")
        left = db.session().scalars(select(MailOutbox.to_address)).all()
    assert left == [KIM]


def test_the_data_export_lists_the_notices_and_how_long_they_are_kept(app, make_user, mailbox):
    queued(app, make_user(ASHA))
    with app.app_context():
        assert mail_outbox_runs.send_due().sent == 1
        data = export_data(user_by_email(ASHA), None)
    [notice] = data["account_notices"]
    assert notice["notice"] == "password_changed" and notice["to"] == ASHA
    assert notice["fields"]["name"] == "Sam Learner" and notice["sent_at"]
    assert "then for 30 days" in data["account_notices_kept"]


def test_notices_sent_or_refused_over_30_days_ago_are_deleted(app, make_user, mailbox, runner):
    queued(app, make_user(ASHA), make_user(KIM), make_user("lee@example.org"))
    mailbox.refuse(KIM)
    with app.app_context():
        mail_outbox_runs.send_due()
        session = db.session()
        old = utcnow() - timedelta(days=31)
        for email, column in ((ASHA, "sent_at"), (KIM, "refused_at")):
            session.execute(
                update(MailOutbox).where(MailOutbox.to_address == email).values({column: old})
            )
        session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "deleted 2 sent or refused over 30 days ago" in result.output
    with app.app_context():
        assert db.session().scalars(select(MailOutbox.to_address)).all() == ["lee@example.org"]
