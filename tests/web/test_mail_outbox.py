"""Account notices (password changed or reset, email address change asked for and made) are
not lost when the mail server is down: each is kept in the mail outbox with its change, and
`linkwise send-mail` sends it once the server is back, once. Both databases, real SMTP."""

from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.domain.dates import in_utc
from app.models import utcnow
from app.models_mail import MailOutbox
from app.services import emails_refused, mail_outbox
from app.services.accounts import password_matches, user_by_email
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.test_admin_emails_refused import refuse
from tests.web.test_mail_down_forms import refused, send_mail_to
from tests.web.test_recovery import NEW_PASSWORD, ask
from tests.web.test_reminders import spells

ASHA = "asha@example.org"
CHANGED = "Your Linkwise password has been changed"
NEW = "plum harbour violin 77"


def notices(app) -> list[tuple]:
    """Return every notice kept: (template, to, attempts, sent, refused, last error)."""
    with app.app_context():
        rows = db.session().scalars(select(MailOutbox).order_by(MailOutbox.id))
        return [
            (r.template, r.to_address, r.attempts, r.sent_at is not None, r.refused_at is not None)
            for r in rows
        ]


def last_error(app) -> str:
    with app.app_context():
        return db.session().scalar(select(MailOutbox.last_error).order_by(MailOutbox.id.desc()))


def time_passes(app) -> None:
    """Make every waiting notice due, as if its delay had run out."""
    with app.app_context():
        session = db.session()
        past = utcnow() - timedelta(seconds=1)
        session.execute(update(MailOutbox).values(next_attempt_at=past))
        session.commit()


def change_password(client) -> None:
    fields = {"current_password": DEMO_PASSWORD, "new_password": NEW}
    assert post_form(client, "/account/", fields).status_code == 302


def test_a_password_changed_while_the_mail_server_is_down_is_told_once_it_is_back(
    app, client, make_user, mailbox, smtp_server, runner
):
    sign_in(client, make_user(ASHA))
    send_mail_to(app, refused())
    change_password(client)
    with app.app_context():  # the change is made whatever the mail server does
        assert password_matches(user_by_email(ASHA), NEW)
    assert notices(app) == [("password_changed", ASHA, 1, False, False)]
    assert "could not send mail" in last_error(app)
    assert mailbox.messages(ASHA) == []
    result = runner.invoke(args=["send-mail"])  # still down, and the delay not yet over
    assert result.exit_code == 1, result.output
    assert "sent 0 account notices; 1 waiting, the next try at" in result.output
    send_mail_to(app, smtp_server.url)
    time_passes(app)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sent 1 account notice; 0 waiting")
    assert [m["Subject"] for m in mailbox.messages(ASHA)] == [CHANGED]
    assert "/forgot-password" in mailbox.body(ASHA)
    assert notices(app) == [("password_changed", ASHA, 1, True, False)]
    time_passes(app)
    assert runner.invoke(args=["send-mail"]).output.startswith("sent 0 account notices")
    assert len(mailbox.messages(ASHA)) == 1


def test_a_notice_sent_at_once_is_marked_sent_and_not_sent_again(
    app, client, make_user, mailbox, runner
):
    sign_in(client, make_user(ASHA))
    change_password(client)
    assert [m["Subject"] for m in mailbox.messages(ASHA)] == [CHANGED]
    assert notices(app) == [("password_changed", ASHA, 0, True, False)]
    time_passes(app)
    assert runner.invoke(args=["send-mail"]).exit_code == 0
    assert len(mailbox.messages(ASHA)) == 1


def test_try_later_keeps_the_notice_until_the_server_takes_it(
    app, client, make_user, mailbox, runner
):
    sign_in(client, make_user(ASHA))
    mailbox.defer(ASHA)  # 450: greylisted
    change_password(client)
    assert notices(app) == [("password_changed", ASHA, 1, False, False)]
    assert "asked to be tried later: 450" in last_error(app)
    time_passes(app)
    result = runner.invoke(args=["send-mail"])  # deferred again: it waits longer
    assert result.exit_code == 1
    assert notices(app) == [("password_changed", ASHA, 2, False, False)]
    with app.app_context():
        waits = in_utc(db.session().scalar(select(MailOutbox.next_attempt_at))) - utcnow()
        assert timedelta(minutes=1) < waits <= mail_outbox.retry_delay(2) == timedelta(minutes=2)
    mailbox.clear()
    time_passes(app)
    assert runner.invoke(args=["send-mail"]).exit_code == 0
    assert [m["Subject"] for m in mailbox.messages(ASHA)] == [CHANGED]
    assert notices(app) == [("password_changed", ASHA, 2, True, False)]


def test_a_refused_notice_is_recorded_and_not_tried_again(app, client, make_user, mailbox, runner):
    sign_in(client, make_user(ASHA, org="Riverside PCN"))
    mailbox.refuse(ASHA)  # 550: no such mailbox
    change_password(client)
    assert notices(app) == [("password_changed", ASHA, 0, False, True)]
    assert last_error(app).startswith("550 5.1.1")
    assert [s[2] for s in spells(app, ASHA)] == [None]  # an open spell, as for a reminder
    with app.app_context():
        listed = emails_refused.listing().rows
        assert [(r.full_name, r.kind, r.address) for r in listed] == [
            ("Sam Learner", "Account notice", True)
        ]
    # Their own page says what is not reaching them: account emails, not only reminders.
    shown = client.get("/account/").text
    assert "We cannot email you" in shown
    assert "emails about your account, such as one telling you that your password" in shown
    time_passes(app)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "sent 0 account notices; 0 waiting" in result.output
    assert mailbox.messages(ASHA) == []


def test_a_refused_notice_adds_to_an_open_spell_without_changing_its_kind(
    app, client, make_user, mailbox
):
    sign_in(client, make_user(ASHA, role="manager", org="Riverside PCN"))
    refuse(app, ASHA, "summary")  # their weekly summary was refused
    mailbox.refuse(ASHA)
    change_password(client)
    with app.app_context():
        [row] = emails_refused.listing().rows
    assert (row.kind, row.failures) == ("Weekly summary", 2)


def test_a_notice_whose_sender_died_after_the_commit_is_sent_by_the_command(
    app, client, make_user, mailbox, runner, monkeypatch
):
    sign_in(client, make_user(ASHA))
    # The process ends between the commit and the sending: nothing is tried.
    monkeypatch.setattr(mail_outbox, "send_queued", lambda ids: False)
    change_password(client)
    assert notices(app) == [("password_changed", ASHA, 0, False, False)]
    assert mailbox.messages(ASHA) == []
    result = runner.invoke(args=["send-mail"])  # due at once: it was never tried
    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in mailbox.messages(ASHA)] == [CHANGED]


def test_a_reset_while_the_mail_server_is_down_is_told_later(
    app, client, make_user, mailbox, smtp_server, runner
):
    make_user(ASHA)
    assert ask(client, ASHA).status_code == 200
    link = path_of(mailbox.link(ASHA, "/reset-password/"))
    send_mail_to(app, refused())
    assert post_form(client, link, {"new_password": NEW_PASSWORD}).status_code == 302
    assert notices(app) == [("password_changed", ASHA, 1, False, False)]
    send_mail_to(app, smtp_server.url)
    time_passes(app)
    assert runner.invoke(args=["send-mail"]).exit_code == 0
    assert mailbox.last(ASHA)["Subject"] == CHANGED


def test_the_old_address_is_told_of_a_new_one_made_while_the_mail_server_was_down(
    app, client, make_user, mailbox, smtp_server, runner
):
    sign_in(client, make_user(ASHA))
    asked = {"email": "asha.elm@example.org", "current_password": DEMO_PASSWORD}
    assert post_form(client, "/account/email", asked).status_code == 200
    assert mailbox.last(ASHA)["Subject"] == "A change of email address was asked for"
    link = path_of(mailbox.link("asha.elm@example.org", "/account/email/confirm/"))
    send_mail_to(app, refused())
    assert post_form(client, link, {}, page=link).status_code == 302
    assert notices(app) == [
        ("email_change_requested", ASHA, 0, True, False),
        ("email_changed", ASHA, 1, False, False),
    ]
    send_mail_to(app, smtp_server.url)
    time_passes(app)
    assert runner.invoke(args=["send-mail"]).exit_code == 0
    assert mailbox.last(ASHA)["Subject"] == "Your Linkwise email address has been changed"
    assert mailbox.messages("asha.elm@example.org")[-1]["Subject"] != (
        "Your Linkwise email address has been changed"
    )


def test_a_change_of_address_asked_for_when_the_link_cannot_go_tells_nobody(
    app, client, make_user, mailbox
):
    sign_in(client, make_user(ASHA))
    send_mail_to(app, refused())
    asked = {"email": "asha.elm@example.org", "current_password": DEMO_PASSWORD}
    assert post_form(client, "/account/email", asked).status_code == 503
    assert notices(app) == []  # nothing is on its way, so nothing waits to be told
