"""A supervisor's side of practice confirmation: the queue, one request, the decision.

A supervisor sees only requests addressed to them within their own organisation; any
other request answers as if it did not exist. A decision is one row per request: a
second click or tab finds the decision already made and changes nothing.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.domain.accounts import PROFESSIONS
from app.domain.confirmation_pdf import ConfirmationRecord
from app.domain.content import Catalogue
from app.domain.frameworks import Competency
from app.links import absolute_url
from app.models import User, utcnow
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services import audit, practice_reads, xapi
from app.services.attainment import EvidenceItem
from app.services.practice import (
    CONFIDENCE,
    Assessment,
    NotFound,
    PracticeError,
    RequestRecord,
    assessment,
    evidence,
    request_record,
)
from app.services.ratings import aware, refresh_levels
from app.services.supervisors import is_supervisor

TEXT_LIMIT = 2000


class AlreadyDecided(Exception):
    """The request was decided already (another tab, or a double click)."""


@dataclass(frozen=True)
class RequestView:
    """One request as the supervisor reads it before deciding."""

    record: RequestRecord
    competency: Competency
    learner_profession: str
    level: str
    evidence: tuple[EvidenceItem, ...]
    assessments: tuple[Assessment, ...]
    sent_with: Assessment | None  # the self-assessment sent with the request
    history: tuple[RequestRecord, ...]  # earlier requests for the same competency


def queue(supervisor_id: int) -> tuple[tuple[RequestRecord, ...], tuple[RequestRecord, ...]]:
    """Return the requests waiting for this supervisor, oldest first, and those they
    decided, newest first (one statement; none unless they supervise there now)."""
    found = [request_record(row) for row in practice_reads.queue(supervisor_id)]
    waiting = [r for r in found if r.outcome is None]
    return tuple(reversed(waiting)), tuple(r for r in found if r.outcome is not None)


def _addressed_to(supervisor_id: int):
    organisation = select(User.organisation_id).where(User.id == supervisor_id).scalar_subquery()
    return (
        ConfirmationRequest.supervisor_id == supervisor_id,
        ConfirmationRequest.organisation_id == organisation,
    )


def _request(supervisor_id: int, request_id: int) -> ConfirmationRequest:
    if not is_supervisor(supervisor_id):
        raise NotFound(request_id)
    request = db.session().scalar(
        select(ConfirmationRequest).where(
            ConfirmationRequest.id == request_id, *_addressed_to(supervisor_id)
        )
    )
    if request is None:
        raise NotFound(request_id)
    return request


def view(supervisor_id: int, request_id: int, catalogue: Catalogue) -> RequestView:
    """Return one request addressed to this supervisor, with the learner's evidence in words."""
    found = practice_reads.request_page(supervisor_id, request_id)
    asked = next((row for row in found["request"] if row.number[1] == request_id), None)
    competency = catalogue.competency(asked.text[0]) if asked else None
    if competency is None:
        raise NotFound(request_id)
    framework = catalogue.framework(competency.framework_id)
    given = tuple(assessment(row) for row in found["assessment"])
    sent = next((row for row in found["assessment"] if row.number[1] == asked.number[2]), None)
    level = found["level"][0].text[0] if found["level"] else None
    return RequestView(
        request_record(asked),
        competency,
        asked.text[7],
        level or "Not enough evidence",
        evidence(found["evidence"], competency.code, catalogue, framework),
        given,
        next((a for a in given if sent and a.at == aware(sent.at[0])), None),
        tuple(request_record(row) for row in found["request"] if row.number[1] != request_id),
    )


def decide(supervisor_id: int, request_id: int, catalogue: Catalogue, form) -> str:
    """Confirm the practice, or return the request with comments and an action plan."""
    session = db.session()
    request = _request(supervisor_id, request_id)
    outcome = form.get("outcome", "")
    if outcome not in ("confirmed", "returned"):
        raise PracticeError("outcome", "Select whether you confirm the practice or return it")
    comments = form.get("comments", "").strip()
    action_plan = form.get("action_plan", "").strip()
    if outcome == "returned" and not action_plan:
        raise PracticeError("action_plan", "Enter an action plan for the learner to work on")
    for field, value in (("comments", comments), ("action_plan", action_plan)):
        if len(value) > TEXT_LIMIT:
            raise PracticeError(field, f"Keep this to {TEXT_LIMIT} characters or fewer")
    supervisor = session.get(User, supervisor_id)
    learner_id, code = request.user_id, request.competency_code
    decided = select(ConfirmationDecision.id).where(ConfirmationDecision.request_id == request.id)
    if session.scalar(decided) is not None:
        raise AlreadyDecided(request_id)
    decided_at = utcnow()
    try:
        with session.begin_nested():
            session.add(
                ConfirmationDecision(
                    request_id=request.id,
                    outcome=outcome,
                    comments=comments,
                    action_plan=action_plan if outcome == "returned" else "",
                    decided_by=supervisor_id,
                    decided_by_name=supervisor.full_name,
                    decided_at=decided_at,
                )
            )
    except IntegrityError:
        session.rollback()
        raise AlreadyDecided(request_id) from None
    if outcome == "confirmed":
        # In the decision's transaction: the statement is saved exactly when the decision is.
        xapi.competency_confirmed(learner_id, code, supervisor_id, request.id, decided_at)
    learner = session.get(User, learner_id)
    refresh_levels(learner_id, learner.organisation_id, {code}, catalogue)
    audit.record(
        session,
        f"practice.{outcome}",
        actor_id=supervisor_id,
        subject_id=learner_id,
        competency=code,
        request=request_id,
    )
    session.commit()
    mail.send_quietly(
        learner.email,
        "practice_decided",
        name=learner.full_name,
        supervisor=supervisor.full_name,
        competency=f"{code} {catalogue.competency(code).name}",
        confirmed=outcome == "confirmed",
        url=absolute_url("practice.competency", code=code),
    )
    return outcome


def signed_record(viewer_id: int, request_id: int, catalogue: Catalogue) -> ConfirmationRecord:
    """Return a confirmed request as its signed-off record, for the learner or supervisor."""
    found = practice_reads.confirmation_record(viewer_id, request_id)
    if found is None or found.outcome != "confirmed":
        raise NotFound(request_id)
    if found.user_id != viewer_id and (
        found.supervisor_id != viewer_id or found.viewer_organisation_id != found.organisation_id
    ):
        raise NotFound(request_id)
    competency = catalogue.competency(found.competency_code)
    if competency is None:
        raise NotFound(request_id)
    framework = catalogue.framework(competency.framework_id)
    valid_for = competency.valid_for or framework.valid_for
    decided_at = aware(found.decided_at)
    sent = found.confidence is not None
    return ConfirmationRecord(
        reference=f"LW-PC-{found.id:06d}",
        learner=found.learner,
        profession=PROFESSIONS.get(found.profession, found.profession),
        organisation=found.organisation or "",
        framework=framework.title,
        competency=f"{competency.code} {competency.name}",
        statement=competency.statement,
        knowledge=found.level or "Not enough evidence",
        self_assessment=CONFIDENCE[found.confidence] if sent else "",
        reflection=found.reflection if sent else "",
        supervisor=found.decided_by_name,
        confirmed_at=decided_at,
        comments=found.comments,
        valid_until=valid_for.after(decided_at) if valid_for else None,
    )
