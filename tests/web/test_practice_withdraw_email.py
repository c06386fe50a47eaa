"""The supervisor a waiting request was sent to is emailed, once, when the learner withdraws
it (after the withdrawal commits), so they know they need not decide it. Nobody is emailed
about a withdrawal that was refused, nor an erased supervisor."""

from sqlalchemy import update

from app import db
from app.content import catalogue
from app.models import User, utcnow
from app.services import erasure
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    page_url,
    people,
    the_request,
    user_id,
)
from tests.web.test_practice_record import csrf_on
from tests.web.test_practice_withdraw import CONFIRMED, closings, withdraw, withdraw_url
from tests.web.test_quiz_concurrency import at_once, tab

SUE = "sue@example.org"
SUBJECT = "Lee Learner withdrew their request to confirm their practice"


def withdrawn_notices(mailbox) -> list:
    return [m for m in mailbox.messages() if m["Subject"] == SUBJECT]


def test_the_supervisor_is_emailed_once_in_plain_words(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    mailbox.clear()  # the email asking Sue
    assert withdraw(learner, request_id).status_code == 302
    [notice] = withdrawn_notices(mailbox)
    assert notice["To"] == SUE
    with app.app_context():
        name = catalogue().competency(CODE).name
    body = " ".join(notice.get_content().split())
    assert body.startswith("Hello Sue Supervisor,")
    assert (
        f"Lee Learner has withdrawn their request for you to confirm their practice in "
        f"{CODE} {name}. You do not need to do anything: it is no longer in your list of "
        "requests." in body
    )
    assert "http://localhost/supervise/" in body
    assert len(mailbox.messages()) == 1  # the learner is not emailed about their own click

    # A second withdrawal (a double click, another tab) writes nothing and sends nothing.
    again = withdraw(learner, request_id)
    assert "You had already withdrawn this request" in learner.get(again.location).text
    assert len(mailbox.messages()) == 1


def test_two_withdrawals_at_once_send_one_email(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    mailbox.clear()
    token = csrf_on(learner.get(page_url()).text)
    tabs = [tab(app, learner), tab(app, learner)]
    codes = at_once(
        [
            lambda one=one: one.post(
                withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED}
            )
            for one in tabs
        ]
    )
    assert [response.status_code for response in codes] == [302, 302]
    assert [m["To"] for m in mailbox.messages()] == [SUE]


def test_a_refused_withdrawal_sends_nothing(app, people, mailbox):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    token = csrf_on(learner.get(page_url()).text)  # the page with the button, opened before
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    mailbox.clear()  # the decision's email to the learner
    refused = learner.post(withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED})
    assert "their decision stands" in learner.get(refused.location).text
    assert mailbox.messages() == []


def test_an_erased_supervisor_gets_no_email(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    token = csrf_on(learner.get(page_url()).text)  # opened before the erasure
    with app.app_context():
        erasure.erase(user_id(app, SUE), via="cli")  # closes the request, telling the learner
    mailbox.clear()
    refused = learner.post(withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED})
    assert "This request had already been closed" in learner.get(refused.location).text
    assert mailbox.messages() == []


def test_a_supervisor_erased_without_the_request_closed_gets_no_email(app, people, mailbox):  # noqa: F811
    """Should a request to an erased supervisor not have been closed (its closing is written
    by the erasure), withdrawing it still emails nobody: the address is a placeholder."""
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    sue = user_id(app, SUE)
    with app.app_context():
        session = db.session()
        session.execute(
            update(User)
            .where(User.id == sue)
            .values(erased_at=utcnow(), email=f"erased-{sue}@erased.invalid")
        )
        session.commit()
    mailbox.clear()
    assert withdraw(learner, request_id).status_code == 302
    assert closings(app)[0] == [(request_id, "learner_withdrew")]
    assert mailbox.messages() == []
