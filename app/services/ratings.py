"""Store each learner's ratings as `rate_learner` works them out: after grading, and in bulk.

Grading and supervisors' decisions call `refresh_levels` for one learner; `linkwise
recompute-levels` calls `recompute_levels`, which re-rates learners a batch at a time:
one query for the batch's evidence, one for its practice steps, the one rating function
in Python, then the batch's rows replaced in one statement each.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from app import db
from app.domain.competencies import Evidence, PracticeEvent, Rating, rate_learner
from app.domain.content import Catalogue
from app.models import CompetencyLevel, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import ConfirmationDecision, ConfirmationRequest, SelfAssessment
from app.services.upsert import insert_for

BATCH = 2000
COLUMNS = (
    "organisation_id",
    "level",
    "score",
    "evidence_count",
    "last_evidence_at",
    "practice",
    "met",
    "met_until",
    "due_from",
    "expired",
    "rated_at",
)


def aware(at: datetime | None) -> datetime | None:
    """Return a stored time as UTC: SQLite hands times back without their zone."""
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


def load_evidence(user_ids: Iterable[int], codes=None) -> dict[int, dict[str, list[Evidence]]]:
    """Return each learner's evidence by competency code (one query)."""
    query = select(
        EvidenceRow.user_id,
        EvidenceRow.competency_code,
        EvidenceRow.score,
        EvidenceRow.recorded_at,
        EvidenceRow.question_id,
        EvidenceRow.quiz_id,
    ).where(EvidenceRow.user_id.in_(list(user_ids)))
    if codes is not None:
        query = query.where(EvidenceRow.competency_code.in_(set(codes)))
    found: dict[int, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    for user_id, code, score, at, question_id, quiz_id in db.session().execute(query):
        found[user_id][code].append(Evidence(score, aware(at), question_id, quiz_id))
    return found


def load_practice(user_ids: Iterable[int], codes=None) -> dict[int, dict[str, list]]:
    """Return each learner's practice steps by competency code (three queries)."""
    session, ids = db.session(), list(user_ids)
    found: dict[int, dict[str, list[PracticeEvent]]] = defaultdict(lambda: defaultdict(list))
    queries = (
        select(
            SelfAssessment.user_id, SelfAssessment.competency_code, SelfAssessment.assessed_at
        ).where(SelfAssessment.user_id.in_(ids)),
        select(
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            ConfirmationRequest.requested_at,
        ).where(ConfirmationRequest.user_id.in_(ids)),
        select(
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            ConfirmationDecision.decided_at,
            ConfirmationDecision.outcome,
        )
        .join(ConfirmationRequest, ConfirmationRequest.id == ConfirmationDecision.request_id)
        .where(ConfirmationRequest.user_id.in_(ids)),
    )
    for kind, query in zip(("self-assessed", "requested", None), queries, strict=True):
        for user_id, code, at, *outcome in session.execute(query):
            if codes is None or code in codes:
                event = PracticeEvent(kind or outcome[0], aware(at))
                found[user_id][code].append(event)
    return found


def _row(user_id: int, organisation_id: int | None, rating: Rating, now: datetime) -> dict:
    return {
        "user_id": user_id,
        "competency_code": rating.code,
        "organisation_id": organisation_id,
        "level": rating.knowledge.level,
        "score": rating.knowledge.score,
        "evidence_count": rating.knowledge.evidence_count,
        "last_evidence_at": rating.last_evidence_at,
        "practice": rating.practice,
        "met": rating.met,
        "met_until": rating.met_until,
        "due_from": rating.due_from,
        "expired": rating.expired,
        "rated_at": now,
    }


def refresh_levels(
    user_id: int, organisation_id: int | None, codes, catalogue: Catalogue, now=None
) -> None:
    """Re-rate the learner in these competencies from all their evidence; the caller commits."""
    session, codes, now = db.session(), set(codes), now or utcnow()
    evidence = load_evidence([user_id], codes).get(user_id, {})
    practice = load_practice([user_id], codes).get(user_id, {})
    ratings = rate_learner(catalogue.frameworks, evidence, practice, now)
    values = [_row(user_id, organisation_id, rating, now) for rating in ratings]
    if values:
        statement = insert_for(session)(CompetencyLevel).values(values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "competency_code"],
                set_={key: statement.excluded[key] for key in COLUMNS},
            )
        )


def recompute_levels(catalogue: Catalogue, now=None, batch: int = BATCH) -> int:
    """Re-rate every learner with evidence or practice steps, a batch per transaction.

    Run after a framework or rating rule changes, nightly so that ratings follow evidence
    as it ages, and after upgrading a database. Levels for codes no framework knows go.
    """
    session, now = db.session(), now or utcnow()
    learners = sorted(
        set(session.scalars(select(EvidenceRow.user_id).distinct()))
        | set(session.scalars(select(SelfAssessment.user_id).distinct()))
        | set(session.scalars(select(ConfirmationRequest.user_id).distinct()))
    )
    for start in range(0, len(learners), batch):
        _recompute_batch(learners[start : start + batch], catalogue, now)
        session.commit()
    return len(learners)


def _recompute_batch(user_ids: list[int], catalogue: Catalogue, now: datetime) -> None:
    session = db.session()
    # In id order, as one statement: gradings lock one learner each, so none deadlocks.
    lock = select(User.id, User.organisation_id).where(User.id.in_(user_ids)).order_by(User.id)
    if session.get_bind().dialect.name == "postgresql":
        lock = lock.with_for_update(key_share=True)
    organisations = dict(session.execute(lock).all())
    evidence, practice = load_evidence(user_ids), load_practice(user_ids)
    rows = [
        _row(user_id, organisations.get(user_id), rating, now)
        for user_id in user_ids
        for rating in rate_learner(
            catalogue.frameworks, evidence.get(user_id, {}), practice.get(user_id, {}), now
        )
    ]
    session.execute(delete(CompetencyLevel).where(CompetencyLevel.user_id.in_(user_ids)))
    if rows:
        session.execute(insert(CompetencyLevel), rows)
