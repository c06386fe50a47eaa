"""The rows a grade writes: on PostgreSQL in one statement, elsewhere one statement each.

A grade claims the attempt (the UPDATE that finds it still in progress), inserts the
answers the submit adds with their points, sets the points of those saved before, adds
the evidence rows and, on a pass, the quiz's completion. On PostgreSQL these go as one
statement of data-modifying WITH queries, with the learner's re-rated competency levels
(worked out before, from what the submit read with its answers: services/rating_reads.py):
every part runs, in the same snapshot, and the statement returns how many attempts the
claim found (1, or 0 if another request graded it; the caller then rolls it all back).
Elsewhere the caller re-rates the learner after these writes. Each combination of parts
is built once, with bind parameters.
"""

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from sqlalchemy import ARRAY, Connection, bindparam, column, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert

from app import db
from app.models import Answer, Attempt, Completion, Evidence
from app.services import learning, ratings
from app.services.upsert import (
    insert_rows,
    json_records,
    json_recordset,
    json_rows,
    own_values,
    shared_values,
)

_ATTEMPT = Attempt.__table__
_ANSWER = Answer.__table__
_EVIDENCE = Evidence.__table__
_COMPLETION = Completion.__table__

ANSWER_COLUMNS = (
    "attempt_id",
    "question_id",
    "response",
    "revision",
    "saved_at",
    "points",
    "question_version",
)
EVIDENCE_COLUMNS = (
    "user_id",
    "competency_code",
    "quiz_id",
    "question_id",
    "question_version",
    "attempt_id",
    "score",
    "recorded_at",
    "organisation_id",
)

# The grade, claimed by the one request that finds the attempt still in progress. The
# revision is the one the answers were saved at (a submit's own answers bump it). No
# parameter of the statement that writes it all at once may be named like a column of
# the tables it updates (attempt, answer): SQLAlchemy would add it to their SET clauses.
_CLAIM = (
    update(_ATTEMPT)
    .where(_ATTEMPT.c.id == bindparam("graded_attempt"), _ATTEMPT.c.status == "in-progress")
    .values(
        status="graded",
        revision=bindparam("new_revision"),
        submitted_at=bindparam("graded_at"),
        points=bindparam("grade_points"),
        points_possible=bindparam("grade_possible"),
        percent=bindparam("grade_percent"),
        passed=bindparam("grade_passed"),
    )
)

# Each marked answer saved before this request: its points and the version of the question
# it answered (on PostgreSQL one UPDATE ... FROM a JSON array; elsewhere an executemany).
_SET_POINTS = (
    update(_ANSWER)
    .where(
        _ANSWER.c.attempt_id == bindparam("attempt"),
        _ANSWER.c.question_id == bindparam("question"),
    )
    .values(points=bindparam("points"), question_version=bindparam("version"))
)
# On PostgreSQL the marks travel as one JSON array (mark_rows), as the new answers do: the
# driver adapts a string at once, and three Python lists item by item.
_MARKS = json_recordset(
    "mark_rows",
    column("question_id", _ANSWER.c.question_id.type),
    column("points", _ANSWER.c.points.type),
    column("version", _ANSWER.c.question_version.type),
    name="marks",
)
_SET_POINTS_POSTGRESQL = (
    update(_ANSWER)
    .where(
        _ANSWER.c.attempt_id == bindparam("attempt"), _ANSWER.c.question_id == _MARKS.c.question_id
    )
    .values(points=_MARKS.c.points, question_version=_MARKS.c.version)
)


# The columns every new answer, and every evidence row, of a grade shares: bound once,
# not repeated in each row's JSON (upsert.json_records).
ANSWERS_SHARE = {
    "attempt_id": "answers_attempt",
    "revision": "answers_revision",
    "saved_at": "answers_saved_at",
}
EVIDENCE_SHARES = {
    "user_id": "evidence_learner",
    "quiz_id": "evidence_quiz",
    "attempt_id": "evidence_attempt",
    "recorded_at": "evidence_recorded_at",
    "organisation_id": "evidence_organisation",
}


# The evidence rows of a grade on PostgreSQL: one JSON object a question (its version,
# score and competency codes, as evidence_by_question groups them), the codes unnested in
# SQL, in their order: each question's rows in the order they were listed (ties between
# evidence rows are ordered by id).
_QUESTION_EVIDENCE = json_recordset(
    "evidence_rows",
    column("question_id", _EVIDENCE.c.question_id.type),
    column("question_version", _EVIDENCE.c.question_version.type),
    column("score", _EVIDENCE.c.score.type),
    column("codes", ARRAY(_EVIDENCE.c.competency_code.type)),
)


def _evidence_value(name: str):
    """Return what an evidence row's column takes: a code, a shared value or its question's."""
    if name == "competency_code":
        return func.unnest(_QUESTION_EVIDENCE.c.codes).label(name)
    if name in EVIDENCE_SHARES:
        return bindparam(EVIDENCE_SHARES[name], type_=_EVIDENCE.c[name].type)
    return _QUESTION_EVIDENCE.c[name]


_EVIDENCE_ROWS = select(*(_evidence_value(name) for name in EVIDENCE_COLUMNS))


def evidence_by_question(rows: Sequence[Mapping]) -> list[dict]:
    """Return evidence rows (EVIDENCE_COLUMNS each) grouped as _QUESTION_EVIDENCE reads them.

    Rows next to each other with the same question, version and score become one object
    with their competency codes in order; the columns every row shares (EVIDENCE_SHARES)
    are left out, as shared_values binds them.
    """
    grouped: list[dict] = []
    for row in rows:
        last = grouped[-1] if grouped else None
        if (
            last is not None
            and last["question_id"] == row["question_id"]
            and last["question_version"] == row["question_version"]
            and last["score"] == row["score"]
        ):
            last["codes"].append(row["competency_code"])
            continue
        grouped.append(
            {
                "question_id": row["question_id"],
                "question_version": row["question_version"],
                "score": row["score"],
                "codes": [row["competency_code"]],
            }
        )
    return grouped


class Mark(NamedTuple):
    """The points an answer saved before this request earned, and the version it answered."""

    question_id: str
    points: float
    version: str | None


class Written(NamedTuple):
    """What writing a grade found: the attempts claimed."""

    claimed: int  # 1, or 0 if another request graded the attempt


class GradeWrites(NamedTuple):
    """Everything a grade writes, as values."""

    claim: Mapping  # _CLAIM's parameters
    added: Sequence[Mapping]  # new answers, ANSWER_COLUMNS each
    marks: Sequence[Mark]  # answers saved before
    evidence: Sequence[Mapping]  # EVIDENCE_COLUMNS each
    completion: Mapping | None  # the quiz's completion on a pass: user_id, module_slug, item_key
    # PostgreSQL: the learner's re-rated competency levels (ratings.level_records), written
    # by the same statement; None elsewhere (the caller stores them after).
    levels: Sequence[Mapping] | None = None


def write(connection: Connection, writes: GradeWrites) -> Written:
    """Write the grade's rows (and on PostgreSQL its levels); return the attempts claimed."""
    if connection.dialect.name == "postgresql":
        return _write_at_once(writes)
    claimed = connection.execute(_CLAIM, writes.claim).rowcount
    if claimed != 1:
        return Written(claimed)
    attempt_id = writes.claim["graded_attempt"]
    insert_rows(connection, _ANSWER, writes.added)
    if writes.marks:
        connection.execute(
            _SET_POINTS,
            [
                {
                    "attempt": attempt_id,
                    "question": m.question_id,
                    "points": m.points,
                    "version": m.version,
                }
                for m in writes.marks
            ],
        )
    insert_rows(connection, _EVIDENCE, writes.evidence)
    if writes.completion is not None:
        learning.record(**writes.completion)
    return Written(claimed)


def _write_at_once(writes: GradeWrites) -> Written:
    parts = (
        bool(writes.added),
        bool(writes.marks),
        bool(writes.evidence),
        writes.completion is not None,
        bool(writes.levels),
    )
    parameters = dict(writes.claim)
    if writes.added:
        parameters.update(shared_values(writes.added, ANSWERS_SHARE))
        parameters["answer_rows"] = own_values(writes.added, ANSWERS_SHARE)
    if writes.marks:
        parameters["attempt"] = writes.claim["graded_attempt"]
        parameters["mark_rows"] = json_rows(
            [
                {"question_id": m.question_id, "points": float(m.points), "version": m.version}
                for m in writes.marks
            ]
        )
    if writes.evidence:
        parameters.update(shared_values(writes.evidence, EVIDENCE_SHARES))
        parameters["evidence_rows"] = json_rows(evidence_by_question(writes.evidence))
    if writes.completion is not None:
        parameters.update({f"completion_{k}": v for k, v in writes.completion.items()})
    if writes.levels:
        parameters["level_rows"] = json_rows(writes.levels)
    # Straight through the driver (db.fetch_one, on the session's connection): a submit
    # runs it on every request.
    return Written(db.fetch_one(_at_once(*parts), parameters).claimed)


_STATEMENTS: dict = {}


def _at_once(added: bool, marks: bool, evidence: bool, completion: bool, levels: bool):
    """Return the one statement for these parts (built once for each combination)."""
    key = (added, marks, evidence, completion, levels)
    if key in _STATEMENTS:
        return _STATEMENTS[key]
    claimed = _CLAIM.returning(_ATTEMPT.c.id).cte("claimed")
    parts = []
    if added:
        rows = json_records(_ANSWER, ANSWER_COLUMNS, "answer_rows", ANSWERS_SHARE)
        parts.append(_ANSWER.insert().from_select(ANSWER_COLUMNS, rows).cte("added_answers"))
    if marks:
        parts.append(_SET_POINTS_POSTGRESQL.cte("marked_answers"))
    if evidence:
        parts.append(
            _EVIDENCE.insert().from_select(EVIDENCE_COLUMNS, _EVIDENCE_ROWS).cte("added_evidence")
        )
    if completion:
        # What learning.record adds; a quiz's completion reports nothing to xAPI of its own
        # (xapi.quiz_graded reports the grade).
        done = (
            postgresql_insert(_COMPLETION)
            .values(
                user_id=bindparam("completion_user_id"),
                module_slug=bindparam("completion_module_slug"),
                item_key=bindparam("completion_item_key"),
                completed_at=bindparam("graded_at"),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "module_slug", "item_key"])
        )
        parts.append(done.cte("completed"))
    if levels:
        parts.append(ratings.LEVEL_UPSERT_ROWS.cte("rated_levels"))
    statement = select(func.count().label("claimed")).select_from(claimed).add_cte(*parts)
    _STATEMENTS[key] = statement
    return statement
