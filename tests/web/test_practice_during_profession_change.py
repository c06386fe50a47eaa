"""A self-assessment or a request to confirm practice sent while the learner's other tab
changes their profession: the change closes the requests outside the new framework under
the learner's lock, so what waited for that lock finds the competency no longer in their
framework and is refused as a form sent after the change is (page not found), writing
nothing: no request left in a supervisor's queue that no one can decide."""

import pytest
from sqlalchemy import func, select

from app import db
from app.models_practice import ConfirmationRequest, SelfAssessment
from app.services import profile
from tests.conftest import csrf_token, sign_in
from tests.web.held_commit import second_while_first_commits
from tests.web.test_practice import name_supervisor, user_id
from tests.web.test_profession_closes_requests import GP, REF

PAGE = f"/my/competencies/{REF}"


@pytest.fixture(name="gita")
def a_gp(app, make_user):
    """A GP in Riverside PCN, signed in, with Sue to supervise her; return her client, Sue's."""
    make_user(email=GP, profession="gp", org="Riverside PCN", full_name="Gita Patel")
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    gita, sue = app.test_client(), app.test_client()
    sign_in(gita, GP)
    sign_in(sue, "sue@example.org")
    return gita, sue


def to_link_worker(app):
    """Return a call changing Gita's profession to link worker, as her details form does."""
    gita = user_id(app, GP)
    return lambda: profile.update_details(
        gita, full_name="Gita Patel", profession="link-worker", registration_number=""
    )


def count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(model.id)))


def test_a_request_sent_while_the_profession_changes_is_not_written(app, gita):
    gita, sue = gita
    sent = {
        "csrf_token": csrf_token(gita, PAGE),
        "supervisor": str(user_id(app, "sue@example.org")),
    }
    saved, refused = second_while_first_commits(
        app, to_link_worker(app), lambda: gita.post(f"{PAGE}/request", data=sent)
    )
    assert saved.changed == ("profession",)
    assert refused.status_code == 404
    assert count(app, ConfirmationRequest) == 0
    assert "/supervise/requests/" not in sue.get("/supervise/").text


def test_a_self_assessment_sent_while_the_profession_changes_is_not_written(app, gita):
    gita, _ = gita
    token = csrf_token(gita, PAGE)
    sent = {"csrf_token": token, "confidence": "3", "stage": "after", "reflection": "Tab two"}
    before = count(app, SelfAssessment)
    saved, refused = second_while_first_commits(
        app, to_link_worker(app), lambda: gita.post(f"{PAGE}/self-assessment", data=sent)
    )
    assert saved.changed == ("profession",)
    assert refused.status_code == 404
    assert count(app, SelfAssessment) == before
