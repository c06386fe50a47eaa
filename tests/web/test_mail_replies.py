"""The mail server's replies read as they are meant: a slow answer to the message is waited
for, a message sent without an answer may have arrived, and "not now" (4xx) is not a refusal.

The reply after a message's body may take minutes (the server checks the message first):
it has LINKWISE_SMTP_DATA_TIMEOUT, not the step timeout. When even that passes, the server
has the whole message: a reminder counts as sent (not emailed again every run) and a sign-up
stays, its link working. A 4xx reply asks to be tried later: like a server that is down,
the run stops, says so and fails; no address is recorded as refused.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app import db, mail
from app.models import PendingRegistration
from app.models_assignments import ReminderFailure, ReminderSent
from tests.conftest import post_form
from tests.web.pcn import pcn  # noqa: F401 - the fixture
from tests.web.test_register import register
from tests.web.test_reminders import DUE, assign_both_teams, assign_elm

MONDAY = DUE - timedelta(days=10)


def timeouts(app, step: float, data: float) -> None:
    """Give the app's SMTP client these timeouts (seconds), as its settings would."""
    app.config["SMTP_TIMEOUT"] = step
    app.config["SMTP_DATA_TIMEOUT"] = data
    mail.init_app(app)


def reminders_sent(app) -> int:
    with app.app_context():
        learners = select(func.count(ReminderSent.id)).where(ReminderSent.kind != "summary")
        return db.session().scalar(learners)


def failures(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(ReminderFailure.id)))


def run(runner):
    return runner.invoke(args=["send-reminders", "--today", MONDAY.isoformat()])


def test_a_slow_reply_to_the_message_is_waited_for(app, runner, mailbox, pcn):  # noqa: F811
    assign_elm(app)
    timeouts(app, step=0.5, data=5)
    mailbox.data_delay = 1.5  # longer than any other step may take
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert "sent 1 reminder email about 1 module" in result.output
    assert reminders_sent(app) == 1 and failures(app) == 0


def test_a_reminder_sent_without_an_answer_counts_as_sent_and_is_not_sent_again(
    app,
    runner,
    mailbox,
    pcn,  # noqa: F811
):
    assign_elm(app)
    timeouts(app, step=1, data=0.5)
    mailbox.data_delay = 2
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert "sent 1 reminder email about 1 module" in result.output
    assert len(mailbox.messages("asha@example.org")) == 1  # it arrived
    assert reminders_sent(app) == 1 and failures(app) == 0
    mailbox.data_delay = 0
    again = run(runner)
    assert again.exit_code == 0, again.output
    assert "sent 0 reminder emails" in again.output
    assert len(mailbox.messages("asha@example.org")) == 1  # not a second copy


def test_a_sign_up_emailed_without_an_answer_stays_and_its_link_works(app, client, mailbox):
    timeouts(app, step=1, data=0.5)
    mailbox.data_delay = 2
    page = register(client)
    assert page.status_code == 200
    assert "Check your email" in page.text
    assert "may take a while to arrive" in page.text
    assert "before you try again" in page.text
    with app.app_context():
        assert db.session().scalar(select(func.count(PendingRegistration.id))) == 1
    path = urlsplit(mailbox.link("priya.shah@example.org", "/register/confirm/")).path
    assert client.get(path).status_code == 200
    assert post_form(client, path, {}).status_code == 302


def test_a_sign_up_answered_at_once_says_nothing_of_a_delay(app, client, mailbox):
    page = register(client)
    assert page.status_code == 200 and "may take a while" not in page.text


@pytest.mark.parametrize("where", ["recipient", "message"])
def test_a_temporary_refusal_is_tried_again_next_run_and_recorded_for_nobody(
    app,
    runner,
    mailbox,
    pcn,  # noqa: F811
    where,
):
    assign_both_teams(app)
    if where == "recipient":
        mailbox.defer("asha@example.org")  # greylisted, say
    else:
        mailbox.after_data = "451 4.3.0 Temporary local problem: try again later"
    result = run(runner)
    assert result.exit_code == 1, result.output
    assert "1 email could not be sent and will be tried again by the next run" in result.output
    assert "refused" not in result.output
    assert "the mail server asked to be tried later, so 3 more emails were not tried" in (
        result.output
    )
    assert reminders_sent(app) == 0 and failures(app) == 0  # nobody's address is blamed
    mailbox.clear()
    again = run(runner)
    assert again.exit_code == 0, again.output
    assert "sent 2 reminder emails" in again.output
    assert failures(app) == 0


def test_a_temporary_reply_is_not_a_refused_address(app, mailbox):
    mailbox.defer("sam@example.org", "450 4.2.0 Mailbox busy")
    with app.app_context(), pytest.raises(mail.MailDeferred) as raised:
        mail.send("sam@example.org", "already_registered", name="Sam", sign_in_url="x")
    assert isinstance(raised.value, mail.MailServerDown)
    assert "450 4.2.0 Mailbox busy" in str(raised.value)
