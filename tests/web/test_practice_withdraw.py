"""A learner withdraws their own waiting request, and may then ask someone else.

Withdrawing is a closing (its own row, reason `learner_withdrew`, audited), written once
whatever the clicks and tabs; it never undoes a decision, and a decision sent after it is
told so and records nothing. Another person's request is not found.
"""

import re

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent
from app.models_practice import ConfirmationClosure, ConfirmationDecision
from tests.conftest import post_form
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    ask,
    decide,
    page_url,
    people,
    self_assess,
    the_request,
)
from tests.web.test_practice_record import csrf_on, seen_on, stored
from tests.web.test_quiz_concurrency import at_once, tab

WITHDRAWN = "learner_withdrew"
CONFIRMED = {"confirmed": "yes"}  # sent by the page that asks first


def withdraw_url(request_id: int, code: str | None = None) -> str:
    return f"{page_url(code) if code else page_url()}/requests/{request_id}/withdraw"


def withdraw(client, request_id: int):
    return post_form(client, withdraw_url(request_id), CONFIRMED, page=page_url())


def closings(app) -> tuple[list[tuple[int, str | None]], int]:
    """Return the closures written, and how many closings the audit log holds."""
    with app.app_context():
        session = db.session()
        rows = session.execute(select(ConfirmationClosure.request_id, ConfirmationClosure.reason))
        audited = session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.kind == "practice.closed")
        )
        return [tuple(row) for row in rows], audited


def decisions(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(ConfirmationDecision.id)))


def test_a_learner_withdraws_a_waiting_request_and_may_ask_someone_else(app, people):  # noqa: F811
    learner, sue, _ = people
    self_assess(learner, "3", "after")
    ask(learner, app)
    request_id = the_request(app)
    page = learner.get(page_url()).text
    assert f'href="{withdraw_url(request_id)}"' in page and "Withdraw this request" in page
    assert f'action="{page_url()}/request"' not in page  # asking waits on the request
    assert "Lee Learner" in sue.get("/supervise/").text.split("Decided", 1)[0]

    withdrawn = withdraw(learner, request_id)
    assert withdrawn.status_code == 302
    after = learner.get(withdrawn.location).text
    assert "Your request has been withdrawn" in after
    assert "Withdrawn</strong> by you on" in after
    assert f'action="{page_url()}/request"' in after and "Withdraw this request" not in after
    assert closings(app) == ([(request_id, WITHDRAWN)], 1)
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "practice.closed"))
    assert event.actor_id == event.subject_id and event.detail["reason"] == WITHDRAWN
    assert event.detail["request"] == request_id
    assert stored(app).practice == "Self-assessed"  # as before they asked

    # The supervisor's queue leaves it out; its page says it was withdrawn.
    assert "Lee Learner" not in sue.get("/supervise/").text.split("Decided", 1)[0]
    shown = sue.get(f"/supervise/requests/{request_id}").text
    assert "Lee Learner withdrew this request on" in shown and 'name="outcome"' not in shown

    # Asking again (someone else, or the same person) writes a new request.
    asked = ask(learner, app, supervisor="sam@example.org")
    assert "Your supervisor has been asked" in learner.get(asked.location).text
    assert the_request(app) != request_id
    assert stored(app).practice == "Awaiting confirmation"


def test_a_second_withdrawal_says_so_and_writes_nothing(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
    token = csrf_on(learner.get(page_url()).text)
    second_tab = tab(app, learner)
    first = learner.post(withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED})
    assert first.status_code == 302
    again = second_tab.post(withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED})
    assert again.status_code == 302
    assert "You had already withdrawn this request" in second_tab.get(again.location).text
    assert closings(app) == ([(request_id, WITHDRAWN)], 1)


def test_two_withdrawals_at_once_withdraw_once(app, people):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    request_id = the_request(app)
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
    said = [one.get(page_url()).text for one in tabs]
    assert sum("Your request has been withdrawn" in page for page in said) == 1
    assert sum("You had already withdrawn this request" in page for page in said) == 1
    assert closings(app) == ([(request_id, WITHDRAWN)], 1)


def test_a_decision_made_first_stands_and_the_withdrawal_is_refused(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    token = csrf_on(learner.get(page_url()).text)  # the page with the button, opened before
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    refused = learner.post(withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED})
    assert refused.status_code == 302
    page = learner.get(refused.location).text
    assert "decided this request before you withdrew it, so their decision stands" in page
    assert closings(app) == ([], 0)
    assert decisions(app) == 1 and stored(app).practice == "Confirmed"


def test_a_decision_sent_after_the_withdrawal_is_told_and_records_nothing(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    url = f"/supervise/requests/{request_id}"
    shown = sue.get(url).text  # opened before the learner withdrew
    assert withdraw(learner, request_id).status_code == 302
    form = {"csrf_token": csrf_on(shown), "seen": seen_on(shown), "outcome": "confirmed"}
    sent = sue.post(url, data=form)
    assert sent.status_code == 302
    assert "The learner withdrew this request before you decided; nothing was recorded" in (
        sue.get(sent.location).text
    )
    assert decisions(app) == 0 and closings(app) == ([(request_id, WITHDRAWN)], 1)


def test_a_decision_and_a_withdrawal_at_once_never_both_stand(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    url = f"/supervise/requests/{request_id}"
    shown = sue.get(url).text
    decision = {"csrf_token": csrf_on(shown), "seen": seen_on(shown), "outcome": "confirmed"}
    token = csrf_on(learner.get(page_url()).text)
    deciding, withdrawing = tab(app, sue), tab(app, learner)
    codes = at_once(
        [
            lambda: deciding.post(url, data=decision).status_code,
            lambda: (
                withdrawing.post(
                    withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED}
                ).status_code
            ),
        ]
    )
    assert codes == [302, 302]
    closed, audited = closings(app)
    assert decisions(app) + len(closed) == 1 and audited == len(closed)


def test_another_persons_request_is_not_found(app, people, make_user):  # noqa: F811
    learner, sue, hal = people
    ask(learner, app)
    request_id = the_request(app)
    # Sue (its supervisor) and Hal (another organisation) may not withdraw it, nor may
    # the learner reach it under another competency's address.
    for client in (sue, hal):
        token = csrf_on(client.get("/my/competencies/SPLW-1.5").text)
        response = client.post(withdraw_url(request_id), data={"csrf_token": token, **CONFIRMED})
        assert response.status_code == 404
    token = csrf_on(learner.get(page_url()).text)
    response = learner.post(
        withdraw_url(request_id, "SPLW-1.5"), data={"csrf_token": token, **CONFIRMED}
    )
    assert response.status_code == 404
    assert (
        learner.post(
            withdraw_url(request_id + 999), data={"csrf_token": token, **CONFIRMED}
        ).status_code
        == 404
    )
    # A form without its CSRF token changes nothing.
    assert learner.post(withdraw_url(request_id), data={}).status_code == 400
    assert closings(app) == ([], 0)
    assert re.search(r"Withdraw this request", learner.get(page_url()).text)
