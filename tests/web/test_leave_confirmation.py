"""Leaving an organisation asks first, saying what changes and what stays; a second or stale
leave says so and changes nothing."""

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, Organisation, User
from app.models_practice import ConfirmationClosure
from app.services import teams
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.test_practice import ask, people  # noqa: F401, F811 (a fixture)
from tests.web.test_quiz_concurrency import at_once, tab

ASK = "/account/organisation/leave"


def _organisation(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Organisation.id).where(Organisation.name == name))


def _member_of(app, email: str) -> str | None:
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == email))
        return user.organisation.name if user.organisation else None


def _left_events(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.kind == "organisation.left")
        )


def test_leaving_asks_first_saying_what_changes_and_what_stays(app, client, pcn):
    sign_in(client, "asha@example.org")
    organisation = client.get("/account/organisation").text
    assert f'href="{ASK}"' in organisation  # a link to the question, not a button that acts
    page = client.get(ASK)
    assert page.status_code == 200
    text = page.text
    assert "<h1>Leave Riverside PCN?</h1>" in text
    assert "its managers will no longer see your progress" in text
    assert "you will leave your team, Elm Practice" in text
    assert "certificates and competency profile stay yours" in text
    assert 'href="/account/organisation">Cancel' in text
    assert f'name="organisation" value="{_organisation(app, "Riverside PCN")}"' in text
    assert _member_of(app, "asha@example.org") == "Riverside PCN"  # asking changes nothing
    assert _left_events(app) == 0


def test_leaving_happens_once_and_a_second_leave_says_so(app, client, pcn):
    riverside = _organisation(app, "Riverside PCN")
    sign_in(client, "asha@example.org")
    done = post_form(client, ASK, {"organisation": str(riverside)})
    assert done.status_code == 302 and done.location.endswith("/account/")
    assert "You have left Riverside PCN" in client.get("/account/").text
    with app.app_context():
        assert teams.team_of(pcn["asha"]) is None
    assert _member_of(app, "asha@example.org") is None
    again = post_form(client, ASK, {"organisation": str(riverside)}, page="/account/organisation")
    assert again.status_code == 302
    shown = client.get("/account/organisation").text
    assert "You had already left Riverside PCN: nothing more was changed" in shown
    assert _left_events(app) == 1
    # The question again (the back button): nothing to leave, so the organisation page.
    assert client.get(ASK).location.endswith("/account/organisation")


def test_a_stale_leave_never_takes_the_learner_out_of_the_organisation_they_joined_since(
    app, client, pcn, make_user
):
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    riverside = _organisation(app, "Riverside PCN")
    sign_in(client, "asha@example.org")
    assert post_form(client, ASK, {"organisation": str(riverside)}).status_code == 302
    with app.app_context():
        code = db.session().scalar(
            select(Organisation.join_code).where(Organisation.name == "Hillside PCN")
        )
    asked = post_form(client, "/account/organisation", {"join_code": code})
    assert asked.status_code == 200 and "Join Hillside PCN?" in asked.text
    joined = post_form(client, "/account/organisation/move", {"join_code": code, "leaving": "none"})
    assert joined.status_code == 302
    stale = post_form(client, ASK, {"organisation": str(riverside)}, page="/account/organisation")
    assert stale.status_code == 302
    shown = client.get("/account/organisation").text
    assert "You are no longer a member of Riverside PCN, so nothing was changed" in shown
    assert _member_of(app, "asha@example.org") == "Hillside PCN"
    assert _left_events(app) == 1


def test_a_form_without_the_organisation_asks_the_question_instead(app, client, pcn):
    sign_in(client, "asha@example.org")
    sent = post_form(client, ASK, {}, page="/account/organisation")
    assert sent.status_code == 302 and sent.location.endswith(ASK)
    assert _member_of(app, "asha@example.org") == "Riverside PCN"


def test_a_manager_is_sent_back_and_stays(app, client, pcn):
    sign_in(client, "pm@example.org")
    asked = client.get(ASK)
    assert asked.status_code == 302
    assert "Ask an administrator" in client.get("/account/organisation").text
    riverside = _organisation(app, "Riverside PCN")
    sent = post_form(client, ASK, {"organisation": str(riverside)}, page="/account/organisation")
    assert sent.status_code == 302
    assert _member_of(app, "pm@example.org") == "Riverside PCN"


def test_two_leaves_at_once_leave_once(app, client, pcn):
    riverside = _organisation(app, "Riverside PCN")
    sign_in(client, "asha@example.org")
    token = csrf_token(client, ASK)
    sends = []
    for _ in range(4):
        other = tab(app, client)
        data = {"csrf_token": token, "organisation": str(riverside)}
        sends.append(lambda t=other, d=data: t.post(ASK, data=d).status_code)
    assert at_once(sends) == [302] * 4
    assert _member_of(app, "asha@example.org") is None
    assert _left_events(app) == 1


def test_a_supervisor_is_told_the_requests_waiting_for_them_will_be_closed(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    page = sue.get(ASK).text
    assert "you will no longer confirm your colleagues' practice there" in page
    assert "the 1 request waiting for you will be closed" in page
    riverside = _organisation(app, "Riverside PCN")
    assert post_form(sue, ASK, {"organisation": str(riverside)}).status_code == 302
    with app.app_context():
        closed = db.session().scalar(select(func.count(ConfirmationClosure.request_id)))
    assert closed == 1
