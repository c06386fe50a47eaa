"""What rating a learner reads: their evidence and practice steps, by competency.

For one learner after a grade or a supervisor's decision (`load_evidence`, `load_practice`,
their statements built once), for a batch of learners (`linkwise recompute-levels`), and,
on PostgreSQL, inside a grade's own statement (RATED_EVIDENCE and RATED_PRACTICE, read back
by `read_for_rating`). Stored times come back in UTC (`aware`).

Evidence counts unless its attempt is a pass a revocation withdrew (`revoked_pass`, written
with the revocation): COUNTED_EVIDENCE, an anti-join on that table, which holds rows only
where a certificate was revoked, so a grade's read pays next to nothing for it.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    Connection,
    DateTime,
    Select,
    Text,
    bindparam,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    select,
    union_all,
)

from app import db
from app.domain.competencies import Evidence, PracticeEvent
from app.models import Answer, Attempt, RevokedPass
from app.models import Evidence as EvidenceRow
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
    SelfAssessment,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def aware(at: datetime | None) -> datetime | None:
    """Return a stored time as UTC: SQLite hands times back without their zone."""
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


def _microseconds(at):
    """Return a PostgreSQL time as whole microseconds since 1970 (exact, and quick to read)."""
    return cast(func.extract("epoch", at) * 1_000_000, BigInteger)


def _evidence_columns(postgresql: bool) -> tuple:
    # On PostgreSQL the time comes as whole microseconds since 1970: an integer is read many
    # times faster than a timestamp, and a learner's answers share a handful of moments.
    at_column = _microseconds(EvidenceRow.recorded_at) if postgresql else EvidenceRow.recorded_at
    return (
        EvidenceRow.user_id,
        EvidenceRow.competency_code,
        EvidenceRow.score,
        at_column,
        EvidenceRow.question_id,
        EvidenceRow.quiz_id,
    )


# An evidence row (correlated) that counts: its attempt is no pass a revocation withdrew.
# The learner too: a read of one learner's evidence then looks up their withdrawn passes
# alone (by index, usually none), however many the table holds.
COUNTED_EVIDENCE = ~exists().where(
    RevokedPass.user_id == EvidenceRow.user_id, RevokedPass.attempt_id == EvidenceRow.attempt_id
)


def with_answer_and_attempt(statement: Select) -> Select:
    """Join an evidence read to the answer each row graded and the attempt it came from
    (outer joins: the pages that show evidence with its answer and attempt read it so)."""
    return statement.outerjoin(
        Answer,
        (Answer.attempt_id == EvidenceRow.attempt_id)
        & (Answer.question_id == EvidenceRow.question_id),
    ).outerjoin(Attempt, Attempt.id == EvidenceRow.attempt_id)


# One learner's evidence in some competencies, and their practice steps: what each grading
# and each supervisor's decision reads, so both statements are built once.
_LEARNER_EVIDENCE = {
    postgresql: select(*_evidence_columns(postgresql)).where(
        EvidenceRow.user_id == bindparam("user_id"),
        EvidenceRow.competency_code.in_(bindparam("codes", expanding=True)),
        COUNTED_EVIDENCE,
    )
    for postgresql in (False, True)
}


def load_evidence(user_ids: Iterable[int], codes=None, connection: Connection | None = None):
    """Return each learner's evidence by competency code (one query)."""
    connection = connection or db.session().connection()
    postgresql = connection.dialect.name == "postgresql"
    user_ids = list(user_ids)
    if len(user_ids) == 1 and codes is not None:
        rows = connection.execute(
            _LEARNER_EVIDENCE[postgresql], {"user_id": user_ids[0], "codes": sorted(set(codes))}
        ).all()
    else:
        query = select(*_evidence_columns(postgresql)).where(
            EvidenceRow.user_id.in_(user_ids), COUNTED_EVIDENCE
        )
        if codes is not None:
            query = query.where(EvidenceRow.competency_code.in_(set(codes)))
        rows = _rows(connection, query, user_ids)
    found: dict[int, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    # One answer is evidence for each of its question's competencies: one value serves all.
    made: dict[tuple, Evidence] = {}
    for user_id, code, score, at, question_id, quiz_id in rows:
        key = (score, at, question_id, quiz_id)
        evidence = made.get(key)
        if evidence is None:
            when = EPOCH + timedelta(microseconds=at) if postgresql else aware(at)
            evidence = made[key] = Evidence.stored(score, when, question_id, quiz_id)
        found[user_id][code].append(evidence)
    return found


def _rows(connection: Connection, query, user_ids) -> list[tuple]:
    # On PostgreSQL, straight from the driver: re-rating everyone reads millions of rows,
    # and SQLAlchemy's per-row processing was most of the time. Times come back in UTC.
    if connection.dialect.name == "postgresql" and query.whereclause is not None:
        compiled = query.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()
    return connection.execute(query).fetchall()


def _practice_steps(user_is) -> tuple:
    """Return the selects of the learner's practice steps: kind, user, code, time, and a
    decision's validity as recorded (valid until, whether recorded).

    Self-assessments, requests and decisions as one list of steps: a decision's kind is its
    outcome. A request closed undecided (its supervisor can no longer decide it) is no step:
    it waits for no one. `user_is(column)` is the condition on each step's learner.
    """
    no_end, unrecorded = null().cast(DateTime(timezone=True)), false()
    return (
        select(
            literal("self-assessed").label("kind"),
            SelfAssessment.user_id,
            SelfAssessment.competency_code.label("code"),
            SelfAssessment.assessed_at.label("at"),
            no_end.label("valid_until"),
            unrecorded.label("recorded"),
        ).where(user_is(SelfAssessment.user_id)),
        select(
            literal("requested"),
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            ConfirmationRequest.requested_at,
            no_end,
            unrecorded,
        ).where(
            user_is(ConfirmationRequest.user_id),
            ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
        ),
        select(
            ConfirmationDecision.outcome,
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            ConfirmationDecision.decided_at,
            ConfirmationDecision.valid_until,
            ConfirmationDecision.validity_recorded,
        )
        .join(ConfirmationRequest, ConfirmationRequest.id == ConfirmationDecision.request_id)
        .where(user_is(ConfirmationRequest.user_id)),
    )


_PRACTICE_STEPS = union_all(
    *_practice_steps(lambda user_id: user_id.in_(bindparam("ids", expanding=True)))
)


def load_practice(user_ids: Iterable[int], codes=None, connection: Connection | None = None):
    """Return each learner's practice steps by competency code (one query)."""
    connection, ids = connection or db.session().connection(), list(user_ids)
    found: dict[int, dict[str, list[PracticeEvent]]] = defaultdict(lambda: defaultdict(list))
    for kind, user_id, code, at, until, recorded in connection.execute(
        _PRACTICE_STEPS, {"ids": ids}
    ):
        if codes is None or code in codes:
            found[user_id][code].append(PracticeEvent(kind, aware(at), aware(until), recorded))
    return found


def array_text(values: Iterable[str]) -> str:
    """Return strings as a PostgreSQL array literal: '{"a","b"}'.

    A statement casts it to an array: the driver adapts a Python list item by item (about
    20 us for a grade's codes), one string at once.
    """
    quoted = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return "{" + ",".join(f'"{value}"' for value in quoted) + "}"


# What re-rating a learner after a grade reads, as two JSON arrays a grading on PostgreSQL
# reads with the attempt's answers, under the learner's lock (services/submissions.py): the
# learner's evidence in the competencies graded, and their practice steps in every
# competency. Bound as "rated_learner" and "rated_codes" (array_text). The grade's own
# evidence is not written yet: `read_for_rating` adds it.
RATED_EVIDENCE = (
    select(
        func.json_agg(
            func.json_build_array(
                EvidenceRow.competency_code,
                EvidenceRow.score,
                _microseconds(EvidenceRow.recorded_at),
                EvidenceRow.question_id,
                EvidenceRow.quiz_id,
            ),
            type_=JSON,
        )
    )
    .where(
        EvidenceRow.user_id == bindparam("rated_learner"),
        EvidenceRow.competency_code
        == func.any(
            cast(bindparam("rated_codes", type_=Text), ARRAY(EvidenceRow.competency_code.type))
        ),
        COUNTED_EVIDENCE,
    )
    .scalar_subquery()
)


_RATED_STEPS = union_all(
    *_practice_steps(lambda user_id: user_id == bindparam("rated_learner"))
).subquery("steps")


RATED_PRACTICE = (
    select(
        func.json_agg(
            func.json_build_array(
                _RATED_STEPS.c.kind,
                _RATED_STEPS.c.code,
                _microseconds(_RATED_STEPS.c.at),
                _microseconds(_RATED_STEPS.c.valid_until),
                _RATED_STEPS.c.recorded,
            ),
            type_=JSON,
        )
    )
    .select_from(_RATED_STEPS)
    .scalar_subquery()
)


def read_for_rating(
    earlier: list | None, steps: list | None, added: Iterable[dict]
) -> tuple[dict[str, list[Evidence]], dict[str, list[PracticeEvent]]]:
    """Return the evidence and practice steps, by code, that RATED_EVIDENCE and RATED_PRACTICE read.

    `added` are the evidence rows the grade writes (grade_writes.EVIDENCE_COLUMNS): they
    come after the earlier evidence, as a statement run after the grade would read them.
    """
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    # One answer is evidence for each of its question's competencies: one value serves all.
    # An attempt's answers share their moment: each is worked out once.
    made: dict[tuple, Evidence] = {}
    moments: dict[int, datetime] = {}
    for code, score, at, question_id, quiz_id in earlier or ():
        key = (score, at, question_id, quiz_id)
        found = made.get(key)
        if found is None:
            when = moments.get(at)
            if when is None:
                when = moments[at] = EPOCH + timedelta(microseconds=at)
            found = made[key] = Evidence.stored(score, when, question_id, quiz_id)
        evidence[code].append(found)
    # The grade's rows of one answer (one for each competency of its question) differ only
    # in their code: one value serves them all too.
    answered: dict[str, Evidence] = {}
    for row in added:
        question_id = row["question_id"]
        found = answered.get(question_id)
        if found is None:
            found = answered[question_id] = Evidence.stored(
                row["score"], row["recorded_at"], question_id, row["quiz_id"]
            )
        evidence[row["competency_code"]].append(found)
    practice: dict[str, list[PracticeEvent]] = defaultdict(list)
    for kind, code, at, until, recorded in steps or ():
        ends = None if until is None else EPOCH + timedelta(microseconds=until)
        practice[code].append(
            PracticeEvent(kind, EPOCH + timedelta(microseconds=at), ends, bool(recorded))
        )
    return evidence, practice
