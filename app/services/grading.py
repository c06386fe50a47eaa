"""Grading an end-of-module attempt once: grade, points, evidence, levels, certificate.

Called with the learner and the attempt locked (services/locks.py), inside the request's
one transaction: either all of it is committed or none of it is.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.content import catalogue
from app.domain.certificate_codes import new_certificate_code
from app.domain.content import quiz_key
from app.domain.quizzes.attempts import Grade, Shown, grade
from app.domain.quizzes.model import QuizSettings
from app.models import Answer, Attempt, Certificate, Evidence, User
from app.services import credentials, learning, locks, ratings, xapi
from app.services.upsert import insert_for

# Each marked answer's points and the version of the question it answered, every answer in
# one executemany of a statement built once.
_SET_POINTS = (
    update(Answer.__table__)
    .where(
        Answer.__table__.c.attempt_id == bindparam("attempt"),
        Answer.__table__.c.question_id == bindparam("question"),
    )
    .values(points=bindparam("points"), question_version=bindparam("version"))
)

# Evidence rows as one executemany of a Core INSERT built once: the ORM's bulk insert of the
# same rows did per-row mapper work for no gain (nothing reads them back in this request).
_ADD_EVIDENCE = insert(Evidence.__table__)


class AlreadyGraded(RuntimeError):
    """The attempt was graded by another request; the caller holds no lock on it."""


def record_grade(
    session: Session,
    attempt: Attempt,
    shown: Sequence[Shown],
    rows: Mapping[str, Answer],
    settings: QuizSettings,
    now: datetime,
) -> Grade:
    """Grade the attempt from its saved answers and write everything the grade brings."""
    answers = {qid: row.response.get("value") for qid, row in rows.items()}
    result = grade(shown, answers, settings.pass_mark)
    session.flush()
    claimed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "in-progress")
        .values(
            status="graded",
            submitted_at=now,
            points=result.points,
            points_possible=result.points_possible,
            percent=result.percent,
            passed=result.passed,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AlreadyGraded(attempt.id)
    # The row now holds the grade: so does the object, without reading it back.
    for key, value in {
        "status": "graded",
        "submitted_at": now,
        "points": result.points,
        "points_possible": result.points_possible,
        "percent": result.percent,
        "passed": result.passed,
    }.items():
        set_committed_value(attempt, key, value)
    graded = [
        {
            "attempt": attempt.id,
            "question": marked.question.id,
            "points": marked.points,
            "version": marked.shown.version,
        }
        for marked in result.marked
        if marked.question.id in rows
    ]
    if graded:
        session.connection().execute(_SET_POINTS, graded)
    _record_evidence(session, attempt, result, now)
    if result.passed:
        learning.record(attempt.user_id, attempt.module_slug, quiz_key(attempt.quiz_id))
        session.execute(
            insert_for(session)(Certificate)
            .values(
                code=new_certificate_code(),
                user_id=attempt.user_id,
                module_slug=attempt.module_slug,
                attempt_id=attempt.id,
                issued_at=now,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "module_slug"])
        )
        credentials.issue_for(session, attempt.user_id, attempt.module_slug, now)
    xapi.quiz_graded(attempt, settings, result, now)
    session.expire(attempt)
    return result


def _record_evidence(session: Session, attempt: Attempt, result: Grade, now: datetime) -> None:
    """Add one evidence row per competency of each question marked, then re-rate the learner."""
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
        return
    locked = session.info.get(locks.LEARNER_ORGANISATIONS, {})
    if attempt.user_id in locked:  # read by the learner's lock in this transaction
        organisation_id = locked[attempt.user_id]
    else:
        organisation_id = session.scalar(
            select(User.organisation_id).where(User.id == attempt.user_id)
        )
    session.connection().execute(
        _ADD_EVIDENCE, [{**row, "organisation_id": organisation_id} for row in rows]
    )
    codes = {row["competency_code"] for row in rows}
    ratings.refresh_levels(attempt.user_id, organisation_id, codes, catalogue())
