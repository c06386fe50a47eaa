"""A confirmation of practice as its signed-off record: what the decision recorded.

The record reads what the supervisor was shown when they confirmed (the wording, the
rating) and until when it is valid from the decision, never today's competency file or
rating; if the wording has changed since, it says so.
"""

from app.domain.accounts import PROFESSIONS
from app.domain.confirmation_pdf import ConfirmationRecord, validity_in_words
from app.domain.content import Catalogue
from app.services import practice_reads
from app.services.confirmations import NOT_RECORDED, Wording, wording_of
from app.services.practice import CONFIDENCE, NotFound
from app.services.rating_reads import aware


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
