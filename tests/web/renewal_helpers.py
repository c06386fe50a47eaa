"""Helpers for renewal tests: a learner's history moved back in time, and a yearly assignment."""

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import (
    Attempt,
    AttemptGrant,
    Certificate,
    CompetencyLevel,
    Completion,
    Evidence,
    Organisation,
)
from app.models_credentials import Credential
from app.services import assignments, learning, quizzes, teams
from tests.conftest import post_form, sign_in
from tests.web.journeys import pass_module, user_id

ORG = "Riverside PCN"

# Every stored time of a learner's history, by table.
TIMES = (
    (Attempt, ("started_at", "submitted_at")),
    (Completion, ("completed_at", "last_completed_at")),
    (Certificate, ("issued_at",)),
    (Evidence, ("recorded_at",)),
    (AttemptGrant, ("granted_at",)),
    (
        CompetencyLevel,
        ("met_until", "due_from", "last_evidence_at", "rated_at", "practice_until"),
    ),
)


def age(app, user_id: int, days: int) -> None:
    """Move everything the learner has done `days` into the past, as if that time had gone by."""
    back = timedelta(days=days)
    with app.app_context():
        session = db.session()
        for model, columns in TIMES:
            for row in session.scalars(select(model).where(model.user_id == user_id)):
                for name in columns:
                    if getattr(row, name) is not None:
                        setattr(row, name, getattr(row, name) - back)
        mine = select(Certificate.id).where(Certificate.user_id == user_id)
        for credential in session.scalars(
            select(Credential).where(Credential.certificate_id.in_(mine))
        ):
            credential.issued_at -= back
            if credential.valid_until is not None:
                credential.valid_until -= back
        session.commit()


def assign_yearly(app, module, org: str = ORG) -> None:
    """Assign the module to everyone in the organisation, due today, renewing every year."""
    with app.app_context():
        org_id = db.session().scalar(select(Organisation.id).where(Organisation.name == org))
        asked = assignments.Request((module.slug,), assignments.today(), renew_months=12)
        assignments.assign(teams.Scope(org_id), None, asked, catalogue())
        db.session().commit()


def fail(client, module, attempt_id: int) -> None:
    """Submit the attempt with nothing answered: a fail."""
    url = f"/modules/{module.slug}/quiz/attempts/{attempt_id}/"
    assert post_form(client, url, {"action": "submit", "confirmed": "yes"}).status_code == 302


def failed_then_passed(app, client, make_user, module) -> int:
    """Sign a new learner of ORG in, fail the quiz once, then pass it; return their id."""
    email = make_user(org=ORG)
    sign_in(client, email)
    learner = user_id(app, email)
    with app.app_context():
        for key in module.screen_item_keys:
            learning.record(learner, module.slug, key)
        db.session().commit()
        attempt_id = quizzes.start(learner, module).id
    fail(client, module, attempt_id)
    pass_module(app, client, email, module)
    return learner
