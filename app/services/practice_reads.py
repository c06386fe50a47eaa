"""The practice pages' reads, one statement each after the signed-in user.

A learner's competency page and a supervisor's request page each need several kinds of
row: requests with their decisions, self-assessments, the stored rating, quiz evidence,
supervisors. One UNION ALL brings them all, each row naming its kind and its place in
the order the page shows that kind (numbered by the database, so names sort by its
collation as before). The confirmation record and the queue are plain joins.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    Integer,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from app import db
from app.models import Answer, CompetencyLevel, Organisation, User
from app.models import Evidence as EvidenceRow
from app.models_practice import (
    ConfirmationDecision,
    ConfirmationRequest,
    SelfAssessment,
    Supervisor,
)

# The shared columns of every kind of row, with their types (the first branch's types
# decide how the database and SQLAlchemy read each column, so every branch agrees).
_COLUMNS = {
    "id": Integer,
    "code": Text,
    "text1": Text,
    "text2": Text,
    "text3": Text,
    "text4": Text,
    "text5": Text,
    "text6": Text,
    "text7": Text,
    "number": Float,
    "whole": Integer,
    "at1": DateTime(timezone=True),
    "at2": DateTime(timezone=True),
    "response": JSON,
}


class Row(NamedTuple):
    """One row of a page's read, its columns named as in `_COLUMNS`."""

    kind: str
    place: int
    id: int | None
    code: str | None
    text1: str | None
    text2: str | None
    text3: str | None
    text4: str | None
    text5: str | None
    text6: str | None
    text7: str | None
    number: float | None
    whole: int | None
    at1: datetime | None
    at2: datetime | None
    response: dict | None


def _kind(kind: str, order_by, **columns):
    """Select one kind of row in the shared columns, numbered in the page's order."""
    values = [
        literal(kind).label("kind"),
        func.row_number().over(order_by=order_by).label("place"),
    ]
    for name, type_ in _COLUMNS.items():
        value = columns.pop(name, None)
        values.append((cast(null(), type_) if value is None else value).label(name))
    if columns:  # a misspelt column would otherwise vanish
        raise TypeError(f"no such column: {', '.join(columns)}")
    return select(*values)


def _read(statement, params) -> dict[str, list[Row]]:
    """Run a page's statement; return its rows by kind, each kind in the page's order."""
    found: dict[str, list[Row]] = defaultdict(list)
    for row in db.session().connection().execute(statement, params):
        found[row.kind].append(Row(*row))
    return found


_LEARNER = User.__table__.alias("learner")
_SUPERVISOR = User.__table__.alias("supervisor")


def _requests(*where, profession=None):
    """Requests with their decisions, names and (optionally) the learner's profession."""
    return (
        _kind(
            "request",
            (ConfirmationRequest.requested_at.desc(), ConfirmationRequest.id.desc()),
            id=ConfirmationRequest.id,
            code=ConfirmationRequest.competency_code,
            text1=_LEARNER.c.full_name,
            text2=_SUPERVISOR.c.full_name,
            text3=ConfirmationDecision.outcome,
            text4=ConfirmationDecision.comments,
            text5=ConfirmationDecision.action_plan,
            text6=ConfirmationDecision.decided_by_name,
            text7=profession,
            whole=ConfirmationRequest.self_assessment_id,
            at1=ConfirmationRequest.requested_at,
            at2=ConfirmationDecision.decided_at,
        )
        .join(_LEARNER, _LEARNER.c.id == ConfirmationRequest.user_id)
        .outerjoin(_SUPERVISOR, _SUPERVISOR.c.id == ConfirmationRequest.supervisor_id)
        .outerjoin(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
        .where(*where)
    )


def _assessments(user_id, code):
    return _kind(
        "assessment",
        (SelfAssessment.assessed_at, SelfAssessment.id),
        id=SelfAssessment.id,
        text1=SelfAssessment.stage,
        text2=SelfAssessment.reflection,
        whole=SelfAssessment.confidence,
        at1=SelfAssessment.assessed_at,
    ).where(SelfAssessment.user_id == user_id, SelfAssessment.competency_code == code)


def _level(user_id, code):
    return _kind(
        "level",
        CompetencyLevel.user_id,
        text1=CompetencyLevel.level,
        text2=CompetencyLevel.practice,
    ).where(CompetencyLevel.user_id == user_id, CompetencyLevel.competency_code == code)


def _evidence(user_id, code):
    return (
        _kind(
            "evidence",
            (EvidenceRow.recorded_at.desc(), EvidenceRow.id),
            id=EvidenceRow.id,
            text1=EvidenceRow.quiz_id,
            text2=EvidenceRow.question_version,
            number=cast(EvidenceRow.score, Float),
            at1=EvidenceRow.recorded_at,
            response=Answer.response,
        )
        .outerjoin(
            Answer,
            (Answer.attempt_id == EvidenceRow.attempt_id)
            & (Answer.question_id == EvidenceRow.question_id),
        )
        .where(EvidenceRow.user_id == user_id, EvidenceRow.competency_code == code)
    )


_USER, _CODE, _ORGANISATION = bindparam("user_id"), bindparam("code"), bindparam("organisation_id")

_COMPETENCY_PAGE = union_all(
    _level(_USER, _CODE),
    _requests(ConfirmationRequest.user_id == _USER, ConfirmationRequest.competency_code == _CODE),
    _assessments(_USER, _CODE),
    _kind("supervisor", (User.full_name, User.id), id=User.id, text1=User.full_name)
    .join(Supervisor, Supervisor.user_id == User.id)
    .where(
        Supervisor.organisation_id == _ORGANISATION,
        User.organisation_id == _ORGANISATION,
        User.erased_at.is_(None),
    ),
    _evidence(_USER, _CODE),
).order_by(literal_column("place"))


def competency_page(user_id: int, organisation_id: int | None, code: str) -> dict[str, list[Row]]:
    """Read a learner's competency page: rating, requests, self-assessments, supervisors."""
    params = {"user_id": user_id, "code": code, "organisation_id": organisation_id}
    return _read(_COMPETENCY_PAGE, params)


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
    select(ConfirmationRequest.user_id, ConfirmationRequest.competency_code)
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
        profession=_LEARNER.c.profession,
    ),
    _assessments(_ASKED.c.user_id, _ASKED.c.competency_code),
    _level(_ASKED.c.user_id, _ASKED.c.competency_code),
    _evidence(_ASKED.c.user_id, _ASKED.c.competency_code),
).order_by(literal_column("place"))


def request_page(supervisor_id: int, request_id: int) -> dict[str, list[Row]]:
    """Read a request to this supervisor and its learner's evidence (nothing if not theirs)."""
    return _read(_REQUEST_PAGE, {"supervisor_id": supervisor_id, "request_id": request_id})


_QUEUE = _requests(
    ConfirmationRequest.supervisor_id == _SUPERVISOR_ID,
    ConfirmationRequest.organisation_id == _SUPERVISORS_ORGANISATION,
    _supervises_in(_SUPERVISOR_ID, _SUPERVISORS_ORGANISATION),
).order_by(literal_column("place"))


def queue(supervisor_id: int) -> list[Row]:
    """Read every request addressed to this supervisor in their organisation, newest first."""
    return _read(_QUEUE, {"supervisor_id": supervisor_id})["request"]


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
        _LEARNER.c.full_name.label("learner"),
        _LEARNER.c.profession,
        Organisation.name.label("organisation"),
        _SENT.c.confidence,
        _SENT.c.reflection,
        select(CompetencyLevel.level)
        .where(
            CompetencyLevel.user_id == ConfirmationRequest.user_id,
            CompetencyLevel.competency_code == ConfirmationRequest.competency_code,
        )
        .scalar_subquery()
        .label("level"),
        select(User.organisation_id)
        .where(User.id == bindparam("viewer_id"))
        .scalar_subquery()
        .label("viewer_organisation_id"),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .join(_LEARNER, _LEARNER.c.id == ConfirmationRequest.user_id)
    .outerjoin(Organisation, Organisation.id == _LEARNER.c.organisation_id)
    .outerjoin(_SENT, _SENT.c.id == ConfirmationRequest.self_assessment_id)
    .where(ConfirmationRequest.id == bindparam("request_id"))
)


def confirmation_record(viewer_id: int, request_id: int):
    """Read a decided request with its learner, the self-assessment sent and the rating."""
    params = {"viewer_id": viewer_id, "request_id": request_id}
    return db.session().connection().execute(_RECORD, params).one_or_none()
