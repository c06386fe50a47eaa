"""A learner's competencies page in one statement: ratings, evidence and supervisors' replies.

Every visit reads the stored ratings, the answers behind them, recent decisions on the
learner's requests and, for a supervisor, how many requests wait for them; one UNION ALL
brings all four as tagged rows (see `tagged_rows`).
"""

from __future__ import annotations

from sqlalchemy import Float, bindparam, cast, exists, func, select

from app import db
from app.domain.content import Catalogue
from app.models import Answer, CompetencyLevel, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services import tagged_rows
from app.services.attainment import Profile, StoredLevel, build_profile, evidence_in_words
from app.services.practice import UPDATES_FOR, RequestRecord
from app.services.ratings import aware
from app.services.tagged_rows import branch

_SELF = bindparam("user_id")
_CODES = bindparam("codes", expanding=True)
_SUPERVISOR = User.__table__.alias("supervisor")

_PAGE = (
    branch(
        "level",
        text=(CompetencyLevel.competency_code, CompetencyLevel.level, CompetencyLevel.practice),
        number=(CompetencyLevel.evidence_count,),
        real=(cast(CompetencyLevel.score, Float),),
        flag=(CompetencyLevel.met, CompetencyLevel.expired),
        at=(CompetencyLevel.met_until, CompetencyLevel.due_from),
    ).where(CompetencyLevel.user_id == _SELF, CompetencyLevel.competency_code.in_(_CODES)),
    branch(
        "evidence",
        text=(EvidenceRow.competency_code, EvidenceRow.quiz_id, EvidenceRow.question_version),
        number=(EvidenceRow.id,),
        real=(cast(EvidenceRow.score, Float),),
        at=(EvidenceRow.recorded_at,),
        doc=(Answer.response,),
    )
    .outerjoin(
        Answer,
        (Answer.attempt_id == EvidenceRow.attempt_id)
        & (Answer.question_id == EvidenceRow.question_id),
    )
    .where(EvidenceRow.user_id == _SELF, EvidenceRow.competency_code.in_(_CODES)),
    branch(
        "update",
        text=(
            ConfirmationRequest.competency_code,
            _SUPERVISOR.c.full_name,
            ConfirmationDecision.outcome,
            ConfirmationDecision.comments,
            ConfirmationDecision.action_plan,
            ConfirmationDecision.decided_by_name,
        ),
        number=(ConfirmationRequest.id,),
        at=(ConfirmationRequest.requested_at, ConfirmationDecision.decided_at),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .outerjoin(_SUPERVISOR, _SUPERVISOR.c.id == ConfirmationRequest.supervisor_id)
    .where(
        ConfirmationRequest.user_id == _SELF,
        ConfirmationDecision.decided_at >= bindparam("since"),
    ),
    # Requests waiting for this person's decision, were they a supervisor in their
    # organisation (the page shows the count only to one).
    branch("waiting", number=(func.count(ConfirmationRequest.id),)).where(
        ConfirmationRequest.supervisor_id == _SELF,
        ConfirmationRequest.organisation_id
        == select(User.organisation_id).where(User.id == _SELF).scalar_subquery(),
        ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
    ),
)


def page(
    user_id: int, full_name: str, profession: str, catalogue: Catalogue, now=None
) -> tuple[Profile | None, tuple[RequestRecord, ...], int]:
    """Return the learner's profile, supervisors' recent replies and the requests waiting
    for their own decision as a supervisor (one statement)."""
    now = now or utcnow()
    framework = catalogue.framework_for(profession or "")
    codes = [c.code for c in framework.competencies] if framework else []
    found = tagged_rows.read(_PAGE, user_id=user_id, codes=codes, since=now - UPDATES_FOR)
    stored = {
        row.text[0]: StoredLevel(*row.text[1:3], row.real[0], row.number[0], *row.flag, *row.at[:2])
        for row in found.get("level", ())
    }
    # Newest first, as the learner reads them; ties in the order they were recorded.
    evidence = sorted(found.get("evidence", ()), key=lambda row: row.number[0])
    evidence.sort(key=lambda row: aware(row.at[0]), reverse=True)
    replies = [
        RequestRecord(
            row.number[0],
            code,
            full_name,
            supervisor or "A supervisor no longer on Linkwise",
            aware(row.at[0]),
            outcome,
            comments or "",
            action_plan or "",
            decided_by or "",
            aware(row.at[1]),
        )
        for row in found.get("update", ())
        for code, supervisor, outcome, comments, action_plan, decided_by in [row.text]
    ]
    replies.sort(key=lambda r: (r.requested_at, r.id), reverse=True)
    waiting = sum(row.number[0] for row in found.get("waiting", ()))
    if framework is None:
        return None, tuple(replies), waiting
    words = evidence_in_words(
        db.session(),
        [(r.text[0], r.real[0], r.at[0], r.text[2], r.text[1], r.doc[0]) for r in evidence],
        catalogue,
        framework,
        now,
    )
    return build_profile(framework, stored, words, catalogue, now), tuple(replies), waiting
