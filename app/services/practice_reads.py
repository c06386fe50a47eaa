"""The practice pages' reads, one statement each after the signed-in user.

A learner's competency page and a supervisor's request page each need several kinds of
row: requests with their decisions, self-assessments, the stored rating, quiz evidence,
supervisors. One statement of tagged rows (see `tagged_rows`) brings them all, each row
with its place in the order the page shows its kind (numbered by the database, so names
sort by its collation as before). The confirmation record, a plain join, is read by
`confirmation_records`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Float, bindparam, case, cast, exists, func, select, union_all

from app.models import Answer, Attempt, CompetencyLevel, Organisation, RatingChange, User
from app.models import Evidence as EvidenceRow
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationEvidence,
    ConfirmationRequest,
    SelfAssessment,
    Supervisor,
)
from app.services import rating_history
from app.services.knowledge_now import knowledge_now
from app.services.rating_reads import COUNTED_EVIDENCE, with_answer_and_attempt
from app.services.tagged_rows import Layout, Row

# A request's texts are its code, two names, its decision's four, the learner's
# profession, why it was closed, its organisation's name and the competency's name as its
# decision recorded it; its numbers its place, id, the
# self-assessment sent, whether its supervisor could decide it now, whether its decision
# recorded its validity, whether its supervisor's account has been erased and who its
# supervisor is (so a page can say "you" to them); its times
# asked, decided, closed, when its learner was erased and until when its confirmation is
# valid, as recorded.
# Every kind's numbers start with its place (then its id).
# Quiz evidence flags whether its attempt is a pass a revocation withdrew.
_ROWS = Layout(text=11, number=7, real=1, flag=1, at=5, doc=1)


def _place(*order_by):
    """Number a kind's rows in the order the page shows them."""
    return func.row_number().over(order_by=order_by)


def _read(page, **params) -> dict[str, list[Row]]:
    """Run a page's statement; return its rows by kind, each kind in the page's order."""
    found = _ROWS.read(page, **params)
    return defaultdict(list, {kind: sorted(rows, key=_place_of) for kind, rows in found.items()})


def _place_of(row: Row) -> int:
    return row.number[0]


_LEARNER = User.__table__.alias("learner")
_SUPERVISOR = User.__table__.alias("supervisor")
_ASKED_IN = Organisation.__table__.alias("asked_in")  # the request's organisation


def supervisor_can_decide():
    """Whether a request's supervisor could decide it now: still named a supervisor of the
    request's organisation, still in it and not erased (correlated with the request)."""
    return exists().where(
        Supervisor.user_id == ConfirmationRequest.supervisor_id,
        Supervisor.organisation_id == ConfirmationRequest.organisation_id,
        User.id == Supervisor.user_id,
        User.organisation_id == ConfirmationRequest.organisation_id,
        User.erased_at.is_(None),
    )


def learner_erased():
    """Whether a request's learner has erased their account: no one can decide it any more
    (correlated with the request)."""
    return exists().where(User.id == ConfirmationRequest.user_id, User.erased_at.is_not(None))


def learner_left():
    """Whether a request's learner is no longer in the request's organisation (left it, was
    removed or moved): it is no longer that organisation's to decide (correlated)."""
    return exists().where(
        User.id == ConfirmationRequest.user_id,
        User.organisation_id.is_distinct_from(ConfirmationRequest.organisation_id),
    )


def _requests(*where, kind: str = "request", place=None):
    """Requests with their decisions or closures, names and the learner's profession (each
    numbered newest asked first, unless given its `place`)."""
    if place is None:
        place = _place(ConfirmationRequest.requested_at.desc(), ConfirmationRequest.id.desc())
    return (
        _ROWS.branch(
            kind,
            text=(
                ConfirmationRequest.competency_code,
                _LEARNER.c.full_name,
                _SUPERVISOR.c.full_name,
                ConfirmationDecision.outcome,
                ConfirmationDecision.comments,
                ConfirmationDecision.action_plan,
                ConfirmationDecision.decided_by_name,
                _LEARNER.c.profession,
                ConfirmationClosure.reason,
                _ASKED_IN.c.name,
                ConfirmationDecision.competency_name,
            ),
            number=(
                place,
                ConfirmationRequest.id,
                ConfirmationRequest.self_assessment_id,
                case((supervisor_can_decide(), 1), else_=0),
                case((ConfirmationDecision.validity_recorded, 1), else_=0),
                case((_SUPERVISOR.c.erased_at.is_not(None), 1), else_=0),
                ConfirmationRequest.supervisor_id,
            ),
            at=(
                ConfirmationRequest.requested_at,
                ConfirmationDecision.decided_at,
                ConfirmationClosure.closed_at,
                _LEARNER.c.erased_at,
                ConfirmationDecision.valid_until,
            ),
        )
        .join(_LEARNER, _LEARNER.c.id == ConfirmationRequest.user_id)
        .outerjoin(_SUPERVISOR, _SUPERVISOR.c.id == ConfirmationRequest.supervisor_id)
        .outerjoin(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
        .outerjoin(ConfirmationClosure, ConfirmationClosure.request_id == ConfirmationRequest.id)
        .outerjoin(_ASKED_IN, _ASKED_IN.c.id == ConfirmationRequest.organisation_id)
        .where(*where)
    )


def _assessments(user_id, code):
    return _ROWS.branch(
        "assessment",
        text=(SelfAssessment.stage, SelfAssessment.reflection),
        number=(
            _place(SelfAssessment.assessed_at, SelfAssessment.id),
            SelfAssessment.id,
            SelfAssessment.confidence,
        ),
        at=(SelfAssessment.assessed_at,),
    ).where(SelfAssessment.user_id == user_id, SelfAssessment.competency_code == code)


_KNOWLEDGE = knowledge_now()  # as it stands at the parameter `now`


def _level(user_id, code):
    return _ROWS.branch(
        "level",
        text=(_KNOWLEDGE[0], CompetencyLevel.practice),
        number=(_place(CompetencyLevel.user_id),),
        real=(cast(_KNOWLEDGE[1], Float),),
        at=(CompetencyLevel.practice_until,),
    ).where(CompetencyLevel.user_id == user_id, CompetencyLevel.competency_code == code)


def _answers(kind: str):
    """Quiz evidence with the answers given and the attempt each was graded in, newest first
    (the caller says whose).

    Numbers: place, id, then the attempt's id, number, percent and whether it passed (1 or
    0); flag: whether a revocation withdrew it since (not for what a decision was shown,
    "seen", which reads as it was then); times: recorded, then when the attempt was
    submitted. As graded: nothing recomputed.
    """
    return with_answer_and_attempt(
        _ROWS.branch(
            kind,
            text=(EvidenceRow.quiz_id, EvidenceRow.question_version),
            number=(
                _place(EvidenceRow.recorded_at.desc(), EvidenceRow.id),
                EvidenceRow.id,
                Attempt.id,
                Attempt.number,
                Attempt.percent,
                case((Attempt.passed, 1), (Attempt.passed.is_(False), 0)),
            ),
            real=(cast(EvidenceRow.score, Float),),
            flag=() if kind == "seen" else (~COUNTED_EVIDENCE,),
            at=(EvidenceRow.recorded_at, Attempt.submitted_at),
            doc=(Answer.response,),
        )
    )


def _evidence(user_id, code):
    return _answers("evidence").where(
        EvidenceRow.user_id == user_id, EvidenceRow.competency_code == code
    )


_USER, _CODE, _ORGANISATION = bindparam("user_id"), bindparam("code"), bindparam("organisation_id")

_COMPETENCY_PAGE = union_all(
    _level(_USER, _CODE),
    _requests(ConfirmationRequest.user_id == _USER, ConfirmationRequest.competency_code == _CODE),
    _assessments(_USER, _CODE),
    _ROWS.branch(
        "supervisor",
        text=(User.full_name,),
        number=(_place(User.full_name, User.id), User.id),
    )
    .join(Supervisor, Supervisor.user_id == User.id)
    .where(
        Supervisor.organisation_id == _ORGANISATION,
        User.organisation_id == _ORGANISATION,
        User.erased_at.is_(None),
    ),
    _evidence(_USER, _CODE),
    # How the rating has changed (rating_history): its rows' place is their id.
    rating_history.branch(
        RatingChange.user_id == _USER, RatingChange.competency_code == _CODE, layout=_ROWS
    ),
)


def competency_page(
    user_id: int, organisation_id: int | None, code: str, now: datetime
) -> dict[str, list[Row]]:
    """Read a learner's competency page: rating, requests, self-assessments, supervisors,
    quiz evidence and how the rating has changed."""
    return _read(
        _COMPETENCY_PAGE, user_id=user_id, code=code, organisation_id=organisation_id, now=now
    )


_OWN_REQUEST = union_all(
    _requests(
        ConfirmationRequest.id == bindparam("request_id"),
        ConfirmationRequest.user_id == _USER,
        ConfirmationRequest.competency_code == _CODE,
    )
)


def own_request(user_id: int, code: str, request_id: int) -> list[Row]:
    """Read one of the learner's requests for the competency (nothing if it is not theirs)."""
    return _read(_OWN_REQUEST, user_id=user_id, code=code, request_id=request_id)["request"]


def _supervises_in(supervisor_id, organisation_id):
    """Whether the person is a named supervisor of that organisation."""
    return exists().where(
        Supervisor.user_id == supervisor_id, Supervisor.organisation_id == organisation_id
    )


_SUPERVISOR_ID = bindparam("supervisor_id")
_SUPERVISORS_ORGANISATION = (
    select(User.organisation_id).where(User.id == _SUPERVISOR_ID).scalar_subquery()
)
# The one request the supervisor asked for, if it is addressed to them, in their
# organisation, while they supervise there; every other kind of row hangs off it.
_ASKED = (
    select(ConfirmationRequest.id, ConfirmationRequest.user_id, ConfirmationRequest.competency_code)
    .where(
        ConfirmationRequest.id == bindparam("request_id"),
        ConfirmationRequest.supervisor_id == _SUPERVISOR_ID,
        ConfirmationRequest.organisation_id == _SUPERVISORS_ORGANISATION,
        _supervises_in(_SUPERVISOR_ID, _SUPERVISORS_ORGANISATION),
    )
    .cte("asked")
)

_REQUEST_PAGE = union_all(
    _requests(
        ConfirmationRequest.user_id == _ASKED.c.user_id,
        ConfirmationRequest.competency_code == _ASKED.c.competency_code,
    ),
    _assessments(_ASKED.c.user_id, _ASKED.c.competency_code),
    _level(_ASKED.c.user_id, _ASKED.c.competency_code),
    _evidence(_ASKED.c.user_id, _ASKED.c.competency_code),
    # Once decided: what the supervisor was shown, as the decision recorded it.
    _ROWS.branch(
        "decision",
        text=(
            ConfirmationDecision.framework_title,
            ConfirmationDecision.competency_name,
            ConfirmationDecision.competency_statement,
            ConfirmationDecision.knowledge_level,
        ),
        number=(_place(ConfirmationDecision.id),),
        real=(cast(ConfirmationDecision.knowledge_score, Float),),
    ).where(ConfirmationDecision.request_id == _ASKED.c.id),
    _answers("seen")
    .join(ConfirmationEvidence, ConfirmationEvidence.evidence_id == EvidenceRow.id)
    .join(ConfirmationDecision, ConfirmationDecision.id == ConfirmationEvidence.decision_id)
    .where(ConfirmationDecision.request_id == _ASKED.c.id),
)


def request_page(supervisor_id: int, request_id: int, now: datetime) -> dict[str, list[Row]]:
    """Read a request to this supervisor and its learner's evidence (nothing if not theirs)."""
    return _read(_REQUEST_PAGE, supervisor_id=supervisor_id, request_id=request_id, now=now)


_ADDRESSED_HERE = (  # requests to the supervisor in their organisation, while they supervise
    ConfirmationRequest.supervisor_id == _SUPERVISOR_ID,
    ConfirmationRequest.organisation_id == _SUPERVISORS_ORGANISATION,
    _supervises_in(_SUPERVISOR_ID, _SUPERVISORS_ORGANISATION),
)
_LATEST_DECIDED = (ConfirmationDecision.decided_at.desc(), ConfirmationRequest.id.desc())
# One page of the decided requests, latest decision first: each numbered in that order.
_DECIDED_PAGE = (
    select(ConfirmationRequest.id, _place(*_LATEST_DECIDED).label("place"))
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .where(*_ADDRESSED_HERE)
    .order_by(*_LATEST_DECIDED)
    .limit(bindparam("per_page"))
    .offset(bindparam("skip"))
    .subquery("decided_page")
)
_QUEUE = union_all(
    # Waiting: neither decided nor closed. Decided ones leave, so the list stays short.
    _requests(
        *_ADDRESSED_HERE,
        ConfirmationDecision.id.is_(None),
        ConfirmationClosure.request_id.is_(None),
    ),
    _requests(
        ConfirmationRequest.id == _DECIDED_PAGE.c.id, kind="decided", place=_DECIDED_PAGE.c.place
    ),
    # How many they decided, for the pages (a count, so the statement stays one row here).
    _ROWS.branch("decided_count", number=(func.count(ConfirmationRequest.id),))
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .where(*_ADDRESSED_HERE),
)


def queue(supervisor_id: int, per_page: int, page: int) -> dict[str, list[Row]]:
    """Read the requests waiting for this supervisor in their organisation (newest first),
    one page of those they decided (latest decision first) and how many they decided."""
    skip = (page - 1) * per_page
    return _read(_QUEUE, supervisor_id=supervisor_id, per_page=per_page, skip=skip)
