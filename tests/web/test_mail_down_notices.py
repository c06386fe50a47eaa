"""Email that follows a change already made, with the mail server down: the change stands,
and the page says the email could not be sent instead of that it was. Reminders not sent
fail the command and stay unrecorded, so the next run sends them."""

import html
from datetime import date

from sqlalchemy import func, select

from app import db
from app.models_assignments import ReminderSent
from tests.web.test_mail_down_forms import refused, send_mail_to
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    ask,
    decide,
    page_url,
    people,
    the_request,
)
from tests.web.test_practice_withdraw import withdraw
from tests.web.test_reminders import assign_elm


def flashed(client, response) -> str:
    """Return the page a redirect leads to, with its flash messages."""
    assert response.status_code == 302, response.status_code
    return " ".join(html.unescape(client.get(response.location).text).split())


def test_a_request_to_a_supervisor_stands_and_says_they_were_not_emailed(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    send_mail_to(app, refused())
    page = flashed(learner, ask(learner, app))
    assert "Your request is waiting in Sue Supervisor's list of requests, but we could not " \
           "email them about it. Tell them another way that it is waiting." in page  # fmt: skip
    assert "has been asked to confirm" not in page
    assert the_request(app)  # the request stands
    assert mailbox.messages() == []


def test_a_decision_stands_and_says_the_learner_was_not_emailed(app, people, mailbox):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    send_mail_to(app, refused())
    page = flashed(sue, decide(sue, request_id, outcome="confirmed"))
    assert "You confirmed Lee Learner's practice in SPLW-1.4 " in page
    assert "We could not email them to say so" in page
    assert "told by email" not in page
    assert "Confirmed" in learner.get(page_url()).text


def test_a_withdrawal_stands_and_says_the_supervisor_was_not_emailed(app, people, mailbox):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    send_mail_to(app, refused())
    page = flashed(learner, withdraw(learner, request_id))
    assert "Your request has been withdrawn." in page
    assert "It has left Sue Supervisor's list of requests, but we could not email them" in page


def test_reminders_not_sent_fail_the_command_and_go_next_run(app, runner, mailbox, pcn):
    assign_elm(app)
    monday = date(2031, 3, 10)  # the due date is 10 days on: due soon, and summaries due
    up = app.config["SMTP_URL"]
    send_mail_to(app, refused())
    result = runner.invoke(args=["send-reminders", "--today", monday.isoformat()])
    assert result.exit_code == 1
    # One learner's reminder fails; the run stops there, so the two managers' summaries
    # are not tried (a wait for the server each): none of the three is sent.
    assert "1 email could not be sent and will be tried again" in result.output
    assert "error: 1 email could not be sent" in result.stderr
    assert (
        "error: the mail server could not be reached, so 2 more emails were not tried: "
        "the next run sends them\n"
    ) in result.stderr
    with app.app_context():
        assert db.session().scalar(select(func.count(ReminderSent.id))) == 0
    assert mailbox.messages() == []

    send_mail_to(app, up)
    result = runner.invoke(args=["send-reminders", "--today", monday.isoformat()])
    assert result.exit_code == 0, result.output
    assert "sent 1 reminder email about 1 module; 2 weekly manager summaries" in result.output
    assert len(mailbox.messages("asha@example.org")) == 1
    assert len(mailbox.messages("pm@example.org")) == 1
