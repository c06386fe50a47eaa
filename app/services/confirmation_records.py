"""A confirmation of practice as its signed-off record: what the decision recorded.

The record reads what the supervisor was shown when they confirmed (the wording, the
rating) and until when it is valid from the decision, never today's competency file or
rating; if the wording has changed since, it says so. Its one row is a plain join
(`confirmation_record`); the practice pages' reads are in `practice_reads`.
"""

from sqlalchemy import bindparam, select

from app import db
from app.domain.accounts import PROFESSIONS
from app.domain.confirmation_pdf import ConfirmationRecord, validity_in_words
from app.domain.content import Catalogue
from app.models import Organisation, User
from app.models_practice import ConfirmationDecision, ConfirmationRequest, SelfAssessment
from app.services.confirmations import NOT_RECORDED, Wording, wording_of
from app.services.practice import CONFIDENCE, NotFound
from app.services.rating_reads import aware

_LEARNER = User.__table__.alias("learner")
_DECIDER = User.__table__.alias("decider")  # the supervisor who confirmed
_SENT = SelfAssessment.__table__.alias("sent")
_RECORD = (
    select(
        ConfirmationRequest.id,
        ConfirmationRequest.user_id,
        ConfirmationRequest.supervisor_id,
        ConfirmationRequest.organisation_id,
        ConfirmationRequest.competency_code,
        ConfirmationDecision.outcome,
        ConfirmationDecision.comments,
        ConfirmationDecision.decided_by_name,
        ConfirmationDecision.decided_at,
        ConfirmationDecision.framework_title,
        ConfirmationDecision.competency_name,
        ConfirmationDecision.competency_statement,
        ConfirmationDecision.knowledge_level,
        ConfirmationDecision.knowledge_score,
        ConfirmationDecision.valid_until,
        ConfirmationDecision.validity_recorded,
        _LEARNER.c.full_name.label("learner"),
        _LEARNER.c.profession,
        _LEARNER.c.erased_at.label("learner_erased_at"),
        _DECIDER.c.erased_at.label("supervisor_erased_at"),
        Organisation.name.label("organisation"),
        _SENT.c.confidence,
        _SENT.c.reflection,
        select(User.organisation_id)
        .where(User.id == bindparam("viewer_id"))
        .scalar_subquery()
        .label("viewer_organisation_id"),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .join(_LEARNER, _LEARNER.c.id == ConfirmationRequest.user_id)
    .outerjoin(_DECIDER, _DECIDER.c.id == ConfirmationDecision.decided_by)
    # Where it was asked and confirmed, whichever organisation the learner is in now (if any).
    .outerjoin(Organisation, Organisation.id == ConfirmationRequest.organisation_id)
    .outerjoin(_SENT, _SENT.c.id == ConfirmationRequest.self_assessment_id)
    .where(ConfirmationRequest.id == bindparam("request_id"))
)


def confirmation_record(viewer_id: int, request_id: int):
    """Read a decided request with its learner, the self-assessment sent and what it recorded."""
    params = {"viewer_id": viewer_id, "request_id": request_id}
    return db.session().connection().execute(_RECORD, params).one_or_none()


def signed_record(viewer_id: int, request_id: int, catalogue: Catalogue) -> ConfirmationRecord:
    """Return a confirmed request as its signed-off record, for the learner or supervisor."""
    found = confirmation_record(viewer_id, request_id)
    if found is None or found.outcome != "confirmed":
        raise NotFound(request_id)
    if found.user_id != viewer_id and (
        found.supervisor_id != viewer_id or found.viewer_organisation_id != found.organisation_id
    ):
        raise NotFound(request_id)
    competency = catalogue.competency(found.competency_code)
    recorded = (found.competency_code, found.competency_name, found.competency_statement)
    wording, current = wording_of(competency, recorded), wording_of(competency, None)
    framework = catalogue.framework(competency.framework_id) if competency else None
    if wording is None or (framework is None and found.framework_title is None):
        raise NotFound(request_id)
    decided_at = aware(found.decided_at)
    sent = found.confidence is not None
    return ConfirmationRecord(
        reference=f"LW-PC-{found.id:06d}",
        learner=found.learner,
        profession=PROFESSIONS.get(found.profession, found.profession),
        organisation=found.organisation or "",
        framework=found.framework_title or framework.title,
        competency=f"{wording.code} {wording.name}",
        statement=wording.statement,
        now_reads=_now_reads(wording, current),
        knowledge=_rating(found.knowledge_level, found.knowledge_score),
        self_assessment=CONFIDENCE[found.confidence] if sent else "",
        reflection=found.reflection if sent else "",
        supervisor=found.decided_by_name,
        confirmed_at=decided_at,
        comments=found.comments,
        valid_until=validity_in_words(aware(found.valid_until), found.validity_recorded),
        learner_erased=found.learner_erased_at is not None,
        supervisor_erased=found.supervisor_erased_at is not None,
    )


def _rating(level: str | None, score: float | None) -> str:
    """Return the recorded rating in words, with its score when it had one."""
    if level is None:
        return NOT_RECORDED
    return level if score is None else f"{level} ({round(score)}%)"


def _now_reads(recorded: Wording, current: Wording | None) -> str:
    """Say how today's wording differs from the one confirmed against, if it does."""
    if current == recorded:
        return ""
    if current is None:
        return (
            "This was confirmed against an earlier wording; the competency is no longer in "
            "the framework."
        )
    return (
        "This was confirmed against an earlier wording, shown above. The competency now reads: "
        f"{current.code} {current.name}: {current.statement}"
    )
