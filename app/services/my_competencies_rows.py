"""The learner's competencies page's one statement (services/my_competencies.py reads it).

Every visit reads the stored ratings, the answers behind them, recent decisions on the
learner's requests, for a supervisor how many requests wait for them, ratings and
confirmations on competencies taken out of the framework, and what says which passed
quizzes are open for renewal (renewal_rows: passes, credentials, assignments); one UNION ALL
brings them all, each row naming what it is first.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from app.domain.progress import QUIZ_PREFIX
from app.models import Answer, Attempt, Certificate, CompetencyLevel, Completion, User
from app.models import Evidence as EvidenceRow
from app.models_assignments import Assignment
from app.models_credentials import Credential
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services import (
    learner_rows,
    passes,
    renewal_rows,
    requests_waiting,
    retired_confirmations,
    retired_ratings,
)
from app.services.knowledge_now import knowledge_now
from app.services.rating_reads import COUNTED_EVIDENCE, with_answer_and_attempt


def _none(type_):
    # Typed NULLs, so every branch agrees on its columns on PostgreSQL too.
    return cast(null(), type_)


def _renewal_columns(kind, module, number, at=(), day=None) -> list:
    """Return a renewal branch's columns in this page's layout: module, a number, times, day."""
    return [
        literal(kind),
        module,
        *(_none(String) for _ in range(6)),
        _none(Float),
        number,
        _none(Boolean),
        _none(Boolean),
        *at,
        *(_none(DateTime) for _ in range(3 - len(at))),
        _none(JSON),
        _none(Date) if day is None else day,
    ]


_SELF = bindparam("user_id")
_CODES = bindparam("codes", expanding=True)
_SUPERVISOR = User.__table__.alias("supervisor")
_KNOWLEDGE = knowledge_now()  # as it stands at the parameter `now`

# Columns: kind, code, text1-6, number, whole, flag1-2, at1-3, response, day.
PAGE = union_all(
    select(
        literal("level"),
        CompetencyLevel.competency_code,
        _KNOWLEDGE[0],
        CompetencyLevel.practice,
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        cast(_KNOWLEDGE[1], Float),
        _KNOWLEDGE[2],
        CompetencyLevel.met,
        CompetencyLevel.expired,
        CompetencyLevel.met_until,
        CompetencyLevel.due_from,
        CompetencyLevel.practice_until,
        _none(JSON),
        _none(Date),
    ).where(CompetencyLevel.user_id == _SELF, CompetencyLevel.competency_code.in_(_CODES)),
    # With the attempt each answer was graded in, as graded: its id, number and percent in
    # the page's free text columns (as text: no column more in every branch), whether it
    # passed, whether a revocation withdrew it and when it was submitted.
    with_answer_and_attempt(
        select(
            literal("evidence"),
            EvidenceRow.competency_code,
            EvidenceRow.quiz_id,
            EvidenceRow.question_version,
            cast(Attempt.id, String),
            cast(Attempt.number, String),
            cast(Attempt.percent, String),
            _none(String),
            cast(EvidenceRow.score, Float),
            EvidenceRow.id,
            Attempt.passed,
            ~COUNTED_EVIDENCE,  # a pass a revocation withdrew
            EvidenceRow.recorded_at,
            Attempt.submitted_at,
            _none(DateTime),
            Answer.response,
            _none(Date),
        )
    ).where(EvidenceRow.user_id == _SELF, EvidenceRow.competency_code.in_(_CODES)),
    select(
        literal("update"),
        ConfirmationRequest.competency_code,
        _SUPERVISOR.c.full_name,
        ConfirmationDecision.outcome,
        ConfirmationDecision.comments,
        ConfirmationDecision.action_plan,
        ConfirmationDecision.decided_by_name,
        ConfirmationDecision.competency_name,
        _none(Float),
        ConfirmationRequest.id,
        _none(Boolean),
        _none(Boolean),
        ConfirmationRequest.requested_at,
        ConfirmationDecision.decided_at,
        _none(DateTime),
        _none(JSON),
        _none(Date),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .outerjoin(_SUPERVISOR, _SUPERVISOR.c.id == ConfirmationRequest.supervisor_id)
    .where(
        ConfirmationRequest.user_id == _SELF,
        ConfirmationDecision.decided_at >= bindparam("since"),
    ),
    # Requests waiting for this person's decision, were they a supervisor in their
    # organisation (the page shows the count only to one).
    select(
        literal("waiting"),
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(Float),
        func.count(ConfirmationRequest.id),
        _none(Boolean),
        _none(Boolean),
        _none(DateTime),
        _none(DateTime),
        _none(DateTime),
        _none(JSON),
        _none(Date),
    ).where(*requests_waiting.WAITING_FOR_SELF),
    # The modules whose quiz the learner has passed, while a pass counts: a passed quiz is
    # taken again only to renew (passes.COMPLETION_STANDS).
    select(
        literal("passed"),
        Completion.module_slug,
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(Float),
        _none(Integer),
        _none(Boolean),
        _none(Boolean),
        _none(DateTime),
        _none(DateTime),
        _none(DateTime),
        _none(JSON),
        _none(Date),
    ).where(
        Completion.user_id == _SELF,
        Completion.item_key.startswith(QUIZ_PREFIX),
        passes.COMPLETION_STANDS,
    ),
    # Every confirmation of practice held: one whose competency left the framework is
    # listed apart (services/retired_confirmations.py), as is a rating of knowledge in one
    # (services/retired_ratings.py, bound with `known`).
    retired_confirmations.PAGE_BRANCH,
    retired_ratings.PAGE_BRANCH,
    # What renewal reads besides the ratings (renewal_rows, its own branches' rows and
    # conditions): a passed quiz open for renewal can still give evidence.
    renewal_rows.PASSES.with_only_columns(
        *_renewal_columns("pass", Attempt.module_slug, Attempt.id, (Attempt.submitted_at,))
    ),
    renewal_rows.CREDENTIALS.with_only_columns(
        *_renewal_columns(
            "credential",
            Certificate.module_slug,
            Certificate.attempt_id,
            (Credential.valid_until, Credential.revoked_at),
        )
    ),
    learner_rows.ASSIGNMENTS.with_only_columns(
        *_renewal_columns(
            "assigned",
            Assignment.module_slug,
            Assignment.renew_months,
            day=learner_rows.ASSIGNED_DUE,
        )
    ),
)
