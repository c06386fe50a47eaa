"""A learner's request to confirm their practice and the supervisor's decision on it, written
straight to the database, for tests that need a decision without the supervise pages."""

from datetime import datetime

from app.models_practice import ConfirmationDecision, ConfirmationRequest


def decided_request(
    session,
    *,
    user_id: int,
    organisation_id: int,
    competency_code: str,
    decided_by_name: str,
    decided_at: datetime,
    outcome: str = "confirmed",
    requested_at: datetime | None = None,
    supervisor_id: int | None = None,
    self_assessment_id: int | None = None,
    decided_by: int | None = None,
    competency_name: str | None = None,
) -> ConfirmationRequest:
    """Add a request and its decision (confirmed unless `outcome` says otherwise) to
    `session`; return the request. Without `requested_at` it is asked now; nothing is
    committed."""
    request = ConfirmationRequest(
        user_id=user_id,
        organisation_id=organisation_id,
        supervisor_id=supervisor_id,
        competency_code=competency_code,
        self_assessment_id=self_assessment_id,
    )
    if requested_at is not None:
        request.requested_at = requested_at
    session.add(request)
    session.flush()
    session.add(
        ConfirmationDecision(
            request_id=request.id,
            outcome=outcome,
            decided_by=decided_by,
            decided_by_name=decided_by_name,
            decided_at=decided_at,
            competency_name=competency_name,
        )
    )
    return request
