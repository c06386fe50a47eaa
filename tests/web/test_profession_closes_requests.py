"""A change of profession closes the learner's waiting requests for competencies the new
profession's framework does not hold, with the change; a decision on one is refused."""

import re

import pytest
from sqlalchemy import select, update

from app import db
from app.models import AuditEvent, User
from app.models_practice import ConfirmationClosure, ConfirmationDecision
from tests.conftest import sign_in
from tests.web.quiz_helpers import browser_form
from tests.web.test_practice import decide, name_supervisor, the_request, user_id
from tests.web.test_practice_record import ask

GP = "gita@example.org"
REF = "REF-1.3"  # the referrer framework's: a GP's or a practice nurse's, not a link worker's


@pytest.fixture(name="asked")
def gp_asked(app, make_user):
    """A GP who asked Sue to confirm REF-1.3; return her client, Sue's and the request id."""
    make_user(email=GP, profession="gp", org="Riverside PCN", full_name="Gita Patel")
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    gita, sue = app.test_client(), app.test_client()
    sign_in(gita, GP)
    sign_in(sue, "sue@example.org")
    assert ask(gita, app, code=REF).status_code == 302
    return gita, sue, the_request(app)


def change_profession(client, profession: str) -> None:
    form = browser_form(client.get("/account/details").text, "details-form")
    form["profession"] = profession
    assert client.post("/account/details", data=form).status_code == 302


def closure(app, request_id):
    with app.app_context():
        return db.session().scalar(
            select(ConfirmationClosure.reason).where(ConfirmationClosure.request_id == request_id)
        )


def flat(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_a_change_of_profession_closes_a_request_outside_the_new_framework(app, asked):
    gita, sue, request_id = asked
    url = f"/supervise/requests/{request_id}"
    opened = sue.get(url).text  # the supervisor opens it before the change
    seen = re.search(r'name="seen" value="([^"]*)"', opened).group(1)
    change_profession(gita, "link-worker")

    assert closure(app, request_id) == "profession_changed"
    with app.app_context():
        events = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.kind == "practice.closed"))
            .all()
        )
    assert [(e.detail["request"], e.detail["reason"]) for e in events] == [
        (request_id, "profession_changed")
    ]
    # Gone from Sue's queue; its page says why, and offers nothing to decide.
    assert f"/supervise/requests/{request_id}" not in sue.get("/supervise/").text
    page = flat(sue.get(url).text)
    assert "undecided, when Gita Patel changed profession: REF-1.3 is not in the framework" in page
    assert 'name="outcome"' not in sue.get(url).text
    # A decision from the page opened before records nothing.
    response = sue.post(
        url,
        data={"csrf_token": re.search(r'name="csrf_token" value="([^"]*)"', opened).group(1),
              "seen": seen, "outcome": "confirmed"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "closed before you decided" in flat(sue.get(url).text)
    with app.app_context():
        assert db.session().scalar(select(ConfirmationDecision.id)) is None
    # The learner's page says it was closed, and why.
    mine = flat(gita.get(f"/my/competencies/{REF}").text)
    assert "undecided: you changed profession, and REF-1.3 is not in the framework" in mine
    assert "Practice in this competency counts towards no framework of yours" in mine
    assert "Your practice counts once" not in mine


def test_a_request_in_both_frameworks_stays_open(app, asked):
    gita, sue, request_id = asked
    change_profession(gita, "practice-nurse")  # the same framework as a GP's
    assert closure(app, request_id) is None
    assert decide(sue, request_id, outcome="confirmed").status_code == 302


def test_a_decision_outside_the_learners_framework_is_refused_plainly(app, asked):
    """A request left open outside the framework (the profession changed without closing it,
    as before this rule) is refused with a message, not recorded."""
    _, sue, request_id = asked
    url = f"/supervise/requests/{request_id}"
    with app.app_context():
        db.session().execute(
            update(User).where(User.id == user_id(app, GP)).values(profession="link-worker")
        )
        db.session().commit()
    page = flat(sue.get(url).text)
    assert "REF-1.3 is not in the framework for Gita Patel’s profession now" in page
    response = decide(sue, request_id, outcome="confirmed")
    assert response.status_code == 409
    assert "Your decision was not recorded: REF-1.3 is not in the framework for Gita Patel" in (
        flat(response.text).replace("&#39;", "'")
    )
    assert "There is a problem" in response.text
    with app.app_context():
        assert db.session().scalar(select(ConfirmationDecision.id)) is None
