"""The practice workflow's share of data rights: what is exported, and what erasure removes."""

from datetime import datetime

from sqlalchemy import delete, or_, select, update

from app import db
from app.models_practice import (
    ConfirmationDecision,
    ConfirmationRequest,
    SelfAssessment,
    Supervisor,
)

ERASED = "Erased account"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


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
    return {
        "supervisor": session.get(Supervisor, user_id) is not None,
        "self_assessments": [
            {
                "competency": a.competency_code,
                "confidence": a.confidence,
                "stage": a.stage,
                "reflection": a.reflection,
                "assessed_at": _iso(a.assessed_at),
            }
            for a in session.scalars(
                select(SelfAssessment)
                .where(SelfAssessment.user_id == user_id)
                .order_by(SelfAssessment.id)
            )
        ],
        "confirmation_requests": [_request(r, decisions.get(r.id), user_id) for r in requests],
    }


def _request(request: ConfirmationRequest, decision, user_id: int) -> dict:
    return {
        "id": request.id,
        "role": "learner" if request.user_id == user_id else "supervisor",
        "competency": request.competency_code,
        "requested_at": _iso(request.requested_at),
        "outcome": decision.outcome if decision else None,
        "comments": decision.comments if decision else None,
        "action_plan": decision.action_plan if decision else None,
        "decided_by": decision.decided_by_name if decision else None,
        "decided_at": _iso(decision.decided_at) if decision else None,
        # A confirmation's validity as recorded when decided (none recorded before 0032).
        "validity_recorded": bool(decision and decision.validity_recorded),
        "valid_until": _iso(decision.valid_until) if decision else None,
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
