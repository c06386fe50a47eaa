"""A request to renew confirmed practice is written only once renewal is due: the service
refuses it under the learner's lock, whatever page sent it (one opened before the
confirmation, or a form made up), with a notice saying until when practice is confirmed and
from when it can be renewed. Nothing is written, no supervisor is emailed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import AuditEvent, utcnow
from app.models_practice import ConfirmationRequest
from app.services.rating_reads import aware
from tests.web.test_confirmation_validity import confirm
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    page_url,
    people,
    stored,
    the_request,
    user_id,
)
from tests.web.test_practice_record import csrf_on, seen_on
from tests.web.test_practice_renewal_opens import ASK_FORM, confirmation_ends, day
from tests.web.test_quiz_concurrency import at_once, tab

ASK_URL = f"{page_url()}/request"


def counted(app) -> tuple[int, int]:
    """Return how many requests there are, and how many the audit log says were sent."""
    with app.app_context():
        session = db.session()
        return (
            session.scalar(select(func.count(ConfirmationRequest.id))),
            session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.kind == "practice.requested")
            ),
        )


def ask_with(client, token: str, supervisor) -> object:
    """Send the request form as a page holding `token` would send it."""
    return client.post(ASK_URL, data={"csrf_token": token, "supervisor": str(supervisor)})


def confirmed_until(app):
    return aware(stored(app).practice_until)


def renewal_from(app, ends):
    with app.app_context():
        return catalogue().framework_for("link-worker").renew_within.before(ends)


def test_a_form_opened_before_the_confirmation_asks_nobody_and_says_when_renewal_opens(
    app,
    people,  # noqa: F811
    mailbox,
):
    learner, sue, _ = people
    stale = learner.get(page_url()).text  # the form, as the page showed it before
    assert ASK_FORM in stale
    confirm(app, learner, sue)  # asked (from a fresh page) and confirmed since
    assert counted(app) == (1, 1)
    mailbox.clear()

    sent = ask_with(learner, csrf_on(stale), user_id(app, "sam@example.org"))
    assert sent.status_code == 302
    assert sent.location.endswith(f"{page_url()}#confirmation")
    ends = confirmed_until(app)
    page = learner.get(sent.location).text
    assert (
        f"Your practice is confirmed until {day(ends)}; you can ask for renewal from "
        f"{day(renewal_from(app, ends))}. No request was sent." in page
    )
    assert counted(app) == (1, 1)  # nothing written, nothing audited
    assert stored(app).practice == "Confirmed"
    assert mailbox.messages() == []  # and no supervisor emailed


def test_a_made_up_form_is_refused_the_same_way_whoever_it_names(app, people):  # noqa: F811
    learner, sue, hal = people
    confirm(app, learner, sue)
    token = csrf_on(learner.get(page_url()).text)
    ends = confirmed_until(app)
    said = f"Your practice is confirmed until {day(ends)}; you can ask for renewal"
    # The same supervisor, one of another organisation, no one: the notice, never an error
    # pointing at a supervisor field the page no longer shows.
    for supervisor in (user_id(app, "sue@example.org"), user_id(app, "hal@example.org"), ""):
        sent = ask_with(learner, token, supervisor)
        assert sent.status_code == 302, supervisor
        assert said in learner.get(sent.location).text, supervisor
    assert counted(app) == (1, 1)


def test_a_confirmation_with_no_end_is_never_asked_about_again(app, people):  # noqa: F811
    learner, sue, _ = people
    request_id = confirm(app, learner, sue)
    confirmation_ends(app, request_id, None)
    token = csrf_on(learner.get(page_url()).text)
    sent = ask_with(learner, token, user_id(app, "sam@example.org"))
    assert sent.status_code == 302
    page = learner.get(sent.location).text
    assert (
        "Your practice is confirmed with no end date, so there is nothing to renew; "
        "no request was sent." in page
    )
    assert counted(app) == (1, 1)


@pytest.mark.parametrize("ends_in", [timedelta(days=20), -timedelta(days=1)])
def test_once_renewal_is_due_or_the_confirmation_expired_the_request_is_written(
    app,
    people,  # noqa: F811
    mailbox,
    ends_in,
):
    learner, sue, _ = people
    request_id = confirm(app, learner, sue)
    confirmation_ends(app, request_id, utcnow() + ends_in)  # Due soon, or expired
    token = csrf_on(learner.get(page_url()).text)
    sent = ask_with(learner, token, user_id(app, "sam@example.org"))
    assert sent.status_code == 302
    assert "Your supervisor has been asked" in learner.get(sent.location).text
    assert counted(app) == (2, 2)
    assert "Lee Learner asks you to confirm" in mailbox.last("sam@example.org")["Subject"]


def test_a_confirmation_and_a_request_from_an_older_page_at_once_write_one_confirmation(
    app,
    people,  # noqa: F811
):
    """Whichever goes first, the request writes nothing: before the decision it finds the
    first request waiting; after it, the confirmation not due for renewal."""
    learner, sue, _ = people
    token = csrf_on(learner.get(page_url()).text)
    ask_with(learner, token, user_id(app, "sue@example.org"))
    request_id = the_request(app)
    url = f"/supervise/requests/{request_id}"
    shown = sue.get(url).text
    decision = {"csrf_token": csrf_on(shown), "seen": seen_on(shown), "outcome": "confirmed"}
    deciding, asking = tab(app, sue), tab(app, learner)
    codes = at_once(
        [
            lambda: deciding.post(url, data=decision).status_code,
            lambda: ask_with(asking, token, user_id(app, "sam@example.org")).status_code,
        ]
    )
    assert codes == [302, 302]
    assert counted(app) == (1, 1) and stored(app).practice == "Confirmed"
