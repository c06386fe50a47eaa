"""The practice emails close a spell of refused reminder emails as the other emails do
(test_reminder_failures_any_email.py): one that goes through to the very address refused,
still the person's, closes their open spell, kept as history. They are the email asking a
supervisor to confirm a learner's practice, the one telling the learner what was decided,
the one telling the supervisor that the learner withdrew the request, and the one telling
the learner that their request closed because its supervisor can no longer decide it (sent
once the closing commits). One refused again closes nothing, and a closing that fails loses
nothing: the practice record and the emails stand. Both databases, over real SMTP."""

import pytest
from sqlalchemy import event, func, select

from app import db
from app.models_practice import ConfirmationClosure, ConfirmationRequest
from tests.conftest import post_form, sign_in
from tests.web.test_admin_emails_refused import REPLY, refuse
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    ask,
    decide,
    people,
    the_request,
    user_id,
)
from tests.web.test_practice_withdraw import withdraw
from tests.web.test_reminders import spells

LEE, SUE = "learner@example.org", "sue@example.org"
ASKED = "Lee Learner asks you to confirm their practice"
CLOSED_SUBJECT = "Your practice request was closed: ask another supervisor"


def still_open(email: str) -> list[tuple]:
    """The spells of one refusal, not closed."""
    return [(1, REPLY.format(email), None)]


def closed(email: str) -> list[tuple]:
    """The spells of one refusal, closed by an email that went through."""
    return [(1, REPLY.format(email), "delivered")]


def stop_naming_sue(app, make_user):
    """Have a manager stop naming Sue a supervisor (which closes what waits for her)."""
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    page = f"/manage/learners/{user_id(app, SUE)}"
    question = f"{page}/supervisor?named=no"
    stopped = post_form(manager, f"{page}/supervisor", {"named": "no", "confirmed": "yes"},
                        page=question)  # fmt: skip
    assert stopped.status_code == 302
    return manager.get(stopped.location).text


def test_the_email_asking_a_supervisor_closes_their_spell(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    refuse(app, SUE)
    refuse(app, LEE)
    asked = ask(learner, app)
    assert asked.status_code == 302
    assert mailbox.last(SUE)["Subject"] == ASKED
    assert "Your supervisor has been asked" in learner.get(asked.location).text
    assert spells(app, SUE) == closed(SUE)
    assert spells(app, LEE) == still_open(LEE)  # nothing went to the learner


def test_the_email_telling_the_learner_of_a_decision_closes_their_spell(app, people, mailbox):  # noqa: F811
    learner, sue, _ = people
    assert ask(learner, app).status_code == 302
    refuse(app, LEE)
    assert decide(sue, the_request(app), outcome="confirmed").status_code == 302
    assert mailbox.last(LEE)["Subject"] == "Sue Supervisor confirmed your practice"
    assert spells(app, LEE) == closed(LEE)


def test_the_email_telling_the_supervisor_of_a_withdrawal_closes_their_spell(
    app,
    people,  # noqa: F811
    mailbox,
):
    learner, _, _ = people
    assert ask(learner, app).status_code == 302
    refuse(app, SUE)  # refused after the email asking her went
    assert withdraw(learner, the_request(app)).status_code == 302
    assert mailbox.last(SUE)["Subject"] == (
        "Lee Learner withdrew their request to confirm their practice"
    )
    assert spells(app, SUE) == closed(SUE)


def test_the_email_saying_a_request_closed_closes_the_learners_spell(
    app,
    make_user,
    people,  # noqa: F811
    mailbox,
):
    learner, _, _ = people
    assert ask(learner, app).status_code == 302
    refuse(app, LEE)
    # Sent once the closing commits, where the session can run no SQL: closed all the same.
    assert "is no longer a supervisor" in stop_naming_sue(app, make_user)
    assert mailbox.last(LEE)["Subject"] == CLOSED_SUBJECT
    assert spells(app, LEE) == closed(LEE)


def test_a_practice_email_refused_again_closes_nothing(app, make_user, people, mailbox):  # noqa: F811
    learner, sue, _ = people
    refuse(app, SUE)
    refuse(app, LEE)
    mailbox.refuse(SUE)
    mailbox.refuse(LEE)
    asked = ask(learner, app)
    assert "could not" in learner.get(asked.location).text.lower()  # the page says so
    returned = decide(sue, the_request(app), outcome="returned", action_plan="Shadow me")
    assert returned.status_code == 302
    assert ask(learner, app).status_code == 302
    assert withdraw(learner, the_request(app)).status_code == 302
    assert ask(learner, app).status_code == 302
    stop_naming_sue(app, make_user)
    assert mailbox.messages(SUE) == mailbox.messages(LEE) == []
    assert spells(app, SUE) == still_open(SUE)
    assert spells(app, LEE) == still_open(LEE)


@pytest.fixture
def closing_fails(app):
    """Have the database refuse every statement that would close a spell."""
    engine = app.extensions["linkwise.engine"]

    driver_error = engine.dialect.loaded_dbapi.OperationalError

    def refuse_closing(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE reminder_failure") and "resolved_how" in statement:
            raise driver_error("database is locked")

    event.listen(engine, "before_cursor_execute", refuse_closing)
    yield
    event.remove(engine, "before_cursor_execute", refuse_closing)


def test_a_closing_that_fails_loses_no_request_and_no_email(
    app,
    make_user,
    people,  # noqa: F811
    mailbox,
    closing_fails,
    caplog,
):
    learner, _, _ = people
    refuse(app, SUE)
    refuse(app, LEE)
    asked = ask(learner, app)
    assert asked.status_code == 302
    assert "Your supervisor has been asked" in learner.get(asked.location).text
    assert mailbox.last(SUE)["Subject"] == ASKED
    # The closing after the commit fails: the removal and its email to Lee stand.
    assert "is no longer a supervisor" in stop_naming_sue(app, make_user)
    assert mailbox.last(LEE)["Subject"] == CLOSED_SUBJECT
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count(ConfirmationRequest.id))) == 1
        assert session.scalar(select(func.count(ConfirmationClosure.request_id))) == 1
    assert spells(app, SUE) == still_open(SUE)  # left open: the next email that goes closes it
    assert spells(app, LEE) == still_open(LEE)
    assert caplog.text.count("spells of refused emails not closed") == 2  # logged, not raised
