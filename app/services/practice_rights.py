"""The practice workflow's share of data rights: what is exported, and what erasure removes."""

from sqlalchemy import delete, or_, select, update

from app import db
from app.domain.confirmation_pdf import REMOVED_AT_ERASURE
from app.domain.dates import iso_utc
from app.models import User
from app.models_practice import (
    ConfirmationDecision,
    ConfirmationRequest,
    SelfAssessment,
    Supervisor,
)

ERASED = "Erased account"


def export_practice(user_id: int) -> dict:
    """Return the person's self-assessments, requests and decisions, asked and given."""
    session = db.session()
    decisions = {
        d.request_id: d
        for d in session.scalars(
            select(ConfirmationDecision)
            .join(ConfirmationRequest, ConfirmationRequest.id == ConfirmationDecision.request_id)
            .where(
                or_(
                    ConfirmationRequest.user_id == user_id,
                    ConfirmationDecision.decided_by == user_id,
                )
            )
        )
    }
    requests = session.scalars(
        select(ConfirmationRequest)
        .where(
            or_(
                ConfirmationRequest.user_id == user_id,
                ConfirmationRequest.supervisor_id == user_id,
            )
        )
        .order_by(ConfirmationRequest.id)
    )
    # Learners (of requests this person decided) whose accounts have been erased since.
    erased = set(
        session.scalars(
            select(ConfirmationRequest.id)
            .join(User, User.id == ConfirmationRequest.user_id)
            .where(ConfirmationRequest.supervisor_id == user_id, User.erased_at.is_not(None))
        )
    )
    return {
        "supervisor": session.get(Supervisor, user_id) is not None,
        "self_assessments": [
            {
                "competency": a.competency_code,
                "confidence": a.confidence,
                "stage": a.stage,
                "reflection": a.reflection,
                "assessed_at": iso_utc(a.assessed_at),
            }
            for a in session.scalars(
                select(SelfAssessment)
                .where(SelfAssessment.user_id == user_id)
                .order_by(SelfAssessment.id)
            )
        ],
        "confirmation_requests": [
            _request(r, decisions.get(r.id), user_id, r.id in erased) for r in requests
        ],
    }


def _request(request: ConfirmationRequest, decision, user_id: int, learner_erased: bool) -> dict:
    comments = decision.comments if decision else None
    action_plan = decision.action_plan if decision else None
    # Erasure removed what was written about the learner: say so, never an empty string that
    # reads as if nothing had been written (as the request page and the signed-off PDF do).
    removed = bool(decision and learner_erased)
    if removed:
        comments = REMOVED_AT_ERASURE
        if decision.outcome == "returned":  # a confirmation has no action plan
            action_plan = REMOVED_AT_ERASURE
    return {
        "id": request.id,
        "role": "learner" if request.user_id == user_id else "supervisor",
        "competency": request.competency_code,
        "requested_at": iso_utc(request.requested_at),
        "outcome": decision.outcome if decision else None,
        "comments": comments,
        "action_plan": action_plan,
        "removed_by_erasure": removed,
        "decided_by": decision.decided_by_name if decision else None,
        "decided_at": iso_utc(decision.decided_at) if decision else None,
        # A confirmation's validity as recorded when decided (none recorded before 0032).
        "validity_recorded": bool(decision and decision.validity_recorded),
        "valid_until": iso_utc(decision.valid_until) if decision else None,
    }


def erase_practice(user_id: int) -> None:
    """Remove the person's free text and supervisor standing; decisions and dates stay."""
    session = db.session()
    session.execute(
        update(SelfAssessment).where(SelfAssessment.user_id == user_id).values(reflection="")
    )
    # What a supervisor wrote about the person is about them too.
    theirs = select(ConfirmationRequest.id).where(ConfirmationRequest.user_id == user_id)
    session.execute(
        update(ConfirmationDecision)
        .where(ConfirmationDecision.request_id.in_(theirs))
        .values(comments="", action_plan="")
    )
    # As a supervisor, their name leaves the records they signed; the decisions stand.
    session.execute(
        update(ConfirmationDecision)
        .where(ConfirmationDecision.decided_by == user_id)
        .values(decided_by_name=ERASED)
    )
    session.execute(delete(Supervisor).where(Supervisor.user_id == user_id))
