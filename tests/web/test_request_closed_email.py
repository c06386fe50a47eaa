"""A learner whose request closes because its supervisor can no longer decide it is emailed,
once the closing commits, so they can ask someone else; one who closed it themselves is not."""

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import User
from app.models_practice import ConfirmationRequest
from app.services import erasure, profile, supervisors
from app.services.request_closures import close_stranded
from tests.web.test_practice import CODE, page_url, people, user_id  # noqa: F401 (fixture)
from tests.web.test_practice_record import ask

LEE = "learner@example.org"
SUBJECT = "Your practice request was closed: ask another supervisor"


def closed_notices(mailbox, to=LEE) -> list:
    return [m for m in mailbox.messages(to) if m["Subject"] == SUBJECT]


def test_a_supervisor_no_longer_named_sends_their_waiting_learner_one_email(
    app,
    people,  # noqa: F811
    mailbox,
):
    learner, _, _ = people
    ask(learner, app)
    mailbox.clear()
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), False, via="cli")
        name = catalogue().competency(CODE).name
    [notice] = closed_notices(mailbox)
    body = " ".join(notice.get_content().split())
    assert "Hello Lee Learner," in body
    assert f"Your request to have your practice in {CODE} {name} confirmed was closed" in body
    assert "Sue Supervisor is no longer a supervisor in your organisation" in body
    assert f"http://localhost{page_url()}" in body
    assert closed_notices(mailbox, "sue@example.org") == []
    # Named again and removed again: nothing more waits for her, so nothing more is sent.
    with app.app_context():
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), True, via="cli")
        supervisors.set_supervisor(None, user_id(app, "sue@example.org"), False, via="cli")
    assert len(closed_notices(mailbox)) == 1


def test_an_erased_supervisor_is_not_named_in_the_email(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    with app.app_context():
        erasure.erase(user_id(app, "sue@example.org"), via="cli")
    [notice] = closed_notices(mailbox)
    body = " ".join(notice.get_content().split())
    assert "the supervisor you asked can no longer confirm practice" in body
    assert "Erased account" not in body


def test_a_learner_who_leaves_is_not_emailed_about_what_they_closed(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    with app.app_context():
        lee = db.session().get(User, user_id(app, LEE))
        profile.leave_organisation(lee.id, lee.organisation_id)
    assert closed_notices(mailbox) == []


def test_a_closing_rolled_back_sends_nothing(app, people, mailbox):  # noqa: F811
    learner, _, _ = people
    ask(learner, app)
    with app.app_context():
        session = db.session()
        sue = session.scalar(select(User).where(User.email == "sue@example.org"))
        sue.erased_at = sue.created_at  # as an erasure would, in a transaction that fails
        session.flush()
        assert close_stranded(ConfirmationRequest.supervisor_id == sue.id, actor_id=None) == 1
        session.rollback()
        session.commit()  # a later commit of the same session sends nothing either
    assert closed_notices(mailbox) == []
