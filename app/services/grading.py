"""Grading an end-of-module attempt once: grade, points, evidence, levels, certificate.

Called with the learner and the attempt locked (services/locks.py), inside the request's
one transaction: either all of it is committed or none of it is. The statements a grade
runs every time are built once, with bind parameters.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import ARRAY, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.content import catalogue
from app.domain.content import quiz_key
from app.domain.quizzes.attempts import Grade, Shown, grade
from app.domain.quizzes.model import QuizSettings
from app.models import Answer, Attempt, Evidence, User
from app.services import credentials, learning, locks, ratings, xapi
from app.services.quizzes import AttemptRow
from app.services.upsert import insert_rows

if TYPE_CHECKING:
    from app.services.submissions import SavedAnswer

_ATTEMPT = Attempt.__table__
_ANSWER = Answer.__table__

# The grade, claimed by the one request that finds the attempt still in progress. The
# revision is the one the answers were saved at (a submit's own answers bump it).
_CLAIM = (
    update(_ATTEMPT)
    .where(_ATTEMPT.c.id == bindparam("attempt_id"), _ATTEMPT.c.status == "in-progress")
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
# it answered, all in one statement built once (on PostgreSQL one UPDATE ... FROM arrays;
# elsewhere an executemany). Answers the submit itself adds are inserted with theirs.
_SET_POINTS = (
    update(_ANSWER)
    .where(
        _ANSWER.c.attempt_id == bindparam("attempt"),
        _ANSWER.c.question_id == bindparam("question"),
    )
    .values(points=bindparam("points"), question_version=bindparam("version"))
)
_MARKS = select(
    func.unnest(bindparam("questions", type_=ARRAY(_ANSWER.c.question_id.type))).label("question"),
    func.unnest(bindparam("pointses", type_=ARRAY(_ANSWER.c.points.type))).label("points"),
    func.unnest(bindparam("versions", type_=ARRAY(_ANSWER.c.question_version.type))).label(
        "version"
    ),
).subquery("marks")
_SET_POINTS_POSTGRESQL = (
    update(_ANSWER)
    .where(_ANSWER.c.attempt_id == bindparam("attempt"), _ANSWER.c.question_id == _MARKS.c.question)
    .values(points=_MARKS.c.points, question_version=_MARKS.c.version)
)


class AlreadyGraded(RuntimeError):
    """The attempt was graded by another request; the caller holds no lock on it."""


class GradedAttempt(NamedTuple):
    """An attempt as its grade leaves it: what the credential and xAPI statements say of it."""

    id: int
    user_id: int
    quiz_id: str
    module_slug: str
    number: int
    started_at: datetime
    submitted_at: datetime
    percent: int


def record_grade(
    session: Session,
    attempt: AttemptRow,
    shown: Sequence[Shown],
    rows: Mapping[str, "SavedAnswer"],
    settings: QuizSettings,
    now: datetime,
    *,
    revision: int,
    added: Sequence[dict] = (),
) -> Grade:
    """Grade the attempt from its answers and write everything the grade brings.

    `rows` are all the attempt's answers; `added` the new ones among them, not yet written
    (they go in with their points). The attempt's revision becomes `revision`.
    """
    answers = {qid: row.response.get("value") for qid, row in rows.items()}
    result = grade(shown, answers, settings.pass_mark)
    connection = session.connection()
    claimed = connection.execute(
        _CLAIM,
        {
            "attempt_id": attempt.id,
            "new_revision": revision,
            "graded_at": now,
            "grade_points": result.points,
            "grade_possible": result.points_possible,
            "grade_percent": result.percent,
            "grade_passed": result.passed,
        },
    ).rowcount
    if claimed != 1:
        raise AlreadyGraded(attempt.id)
    graded = GradedAttempt(
        attempt.id,
        attempt.user_id,
        attempt.quiz_id,
        attempt.module_slug,
        attempt.number,
        attempt.started_at,
        now,
        result.percent,
    )
    _record_points(connection, attempt, result, rows, added)
    practice = _record_evidence(session, attempt, result, now)
    if result.passed:
        learning.record(attempt.user_id, attempt.module_slug, quiz_key(attempt.quiz_id))
        credentials.certify(session, graded, _holder(session, attempt.user_id), now, practice)
    xapi.quiz_graded(graded, settings, result, now)
    return result


def _record_points(connection, attempt: AttemptRow, result: Grade, rows, added) -> None:
    """Insert the new answers with their points; set the points of those saved before."""
    marked = {m.question.id: m for m in result.marked if m.question.id in rows}
    new = {row["question_id"] for row in added}
    insert_rows(
        connection,
        _ANSWER,
        [
            {
                **row,
                "points": marked[row["question_id"]].points,
                "question_version": marked[row["question_id"]].shown.version,
            }
            for row in added
        ],
    )
    saved = [m for qid, m in marked.items() if qid not in new]
    if not saved:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(
            _SET_POINTS_POSTGRESQL,
            {
                "attempt": attempt.id,
                "questions": [m.question.id for m in saved],
                "pointses": [float(m.points) for m in saved],
                "versions": [m.shown.version for m in saved],
            },
        )
    else:
        connection.execute(
            _SET_POINTS,
            [
                {
                    "attempt": attempt.id,
                    "question": m.question.id,
                    "points": m.points,
                    "version": m.shown.version,
                }
                for m in saved
            ],
        )


def _holder(session: Session, user_id: int) -> credentials.Holder:
    """Return the learner as their lock read them (or as stored, without a lock)."""
    learner = locks.locked_learner(session, user_id)
    if learner is None:
        user = session.get(User, user_id)
        return credentials.Holder(user.full_name, user.registration_number, user.profession)
    return credentials.Holder(learner.full_name, learner.registration_number, learner.profession)


def _record_evidence(session: Session, attempt: AttemptRow, result: Grade, now: datetime):
    """Add one evidence row per competency of each question marked, then re-rate the learner.

    Return the learner's practice steps as the re-rating read them (None if it did not run).
    """
    rows = [
        {
            "user_id": attempt.user_id,
            "competency_code": code,
            "quiz_id": attempt.quiz_id,
            "question_id": marked.question.id,
            "question_version": marked.shown.version,
            "attempt_id": attempt.id,
            "score": marked.fraction,
            "recorded_at": now,
        }
        for marked in result.marked
        for code in marked.question.competencies
    ]
    if not rows:
        return None
    learner = locks.locked_learner(session, attempt.user_id)
    if learner is not None:  # read by the learner's lock in this transaction
        organisation_id = learner.organisation_id
    else:
        organisation_id = session.get(User, attempt.user_id).organisation_id
    insert_rows(
        session.connection(),
        Evidence.__table__,
        [{**row, "organisation_id": organisation_id} for row in rows],
    )
    codes = {row["competency_code"] for row in rows}
    return ratings.refresh_levels(attempt.user_id, organisation_id, codes, catalogue())
