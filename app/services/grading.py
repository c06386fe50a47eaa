"""Grading an end-of-module attempt once: grade, points, evidence, levels, certificate.

Called with the learner and the attempt locked (services/locks.py), inside the request's
one transaction: either all of it is committed or none of it is. What the grade writes is
in services/grade_writes.py: on PostgreSQL one statement, the learner's re-rated levels
included (rated from what the submit read with its answers, after the learner's lock);
elsewhere the learner is re-rated after it. Then, on a pass, the learner is certified.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.orm import Session

from app.content import catalogue
from app.domain.content import quiz_key
from app.domain.quizzes.attempts import NONE_CHECKED, Grade, Shown, grade
from app.domain.quizzes.model import QuizSettings
from app.models import User
from app.services import credentials, grade_writes, locks, rating_reads, ratings, xapi
from app.services.quizzes import AttemptRow

if TYPE_CHECKING:
    from app.services.answer_writes import SavedAnswer


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
    module_title: str | None  # as the attempt recorded it when it started
    pass_mark: float | None = None  # the pass mark it was graded against, as it started
    # What its certificate says of the module, as it started (module_as_started.py).
    module_facts: dict | None = None


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
    rated: tuple[list | None, list | None] | None = None,
    checked: Mapping[str, Any] = NONE_CHECKED,
) -> Grade:
    """Grade the attempt from its answers and write everything the grade brings.

    `rows` are all the attempt's answers; `added` the new ones among them, not yet written
    (they go in with their points). The attempt's revision becomes `revision`. `rated`
    (PostgreSQL) is what rating_reads.RATED_EVIDENCE and RATED_PRACTICE read under the
    learner's lock: the learner is re-rated from it and the levels go in the grade's statement.
    `checked` are answers among `rows` as check_answer returned them (attempts.grade's).
    """
    answers = {qid: row.response.get("value") for qid, row in rows.items()}
    result = grade(shown, answers, settings.pass_mark, checked)
    organisation_id = _organisation(session, attempt.user_id)
    evidence = _evidence_rows(attempt, result, organisation_id, now)
    levels = practice = None
    if rated is not None and evidence:
        levels, practice = _levels(attempt.user_id, organisation_id, evidence, rated)
    writes = grade_writes.GradeWrites(
        claim={
            "graded_attempt": attempt.id,
            "new_revision": revision,
            "graded_at": now,
            "grade_points": result.points,
            "grade_possible": result.points_possible,
            "grade_percent": result.percent,
            "grade_passed": result.passed,
        },
        added=_added_with_points(result, added),
        marks=_marks_of_saved(result, rows, added),
        evidence=evidence,
        completion={
            "user_id": attempt.user_id,
            "module_slug": attempt.module_slug,
            "item_key": quiz_key(attempt.quiz_id),
        }
        if result.passed
        else None,
        levels=levels,
    )
    written = grade_writes.write(session.connection(), writes)
    if written.claimed != 1:
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
        attempt.module_title,
        settings.pass_mark,
        attempt.module_facts,
    )
    if evidence and levels is None:
        codes = {row["competency_code"] for row in evidence}
        practice = ratings.refresh_levels(
            attempt.user_id, organisation_id, codes, catalogue(), cause="graded"
        )
    if result.passed:
        credentials.certify(session, graded, _holder(session, attempt.user_id), now, practice)
    xapi.quiz_graded(graded, settings, result, now)
    return result


def _levels(user_id: int, organisation_id: int | None, evidence, rated) -> tuple[list, dict]:
    """Return the learner's re-rated levels in the competencies graded, and their practice steps.

    `rated` is the earlier evidence and the practice steps as read before the grade's
    writes; the grade's own evidence comes after the earlier.
    """
    codes = {row["competency_code"] for row in evidence}
    found, steps = rating_reads.read_for_rating(*rated, evidence)
    graded = {code: found[code] for code in codes if code in found}
    # As text: the rows go to PostgreSQL as JSON (grade_writes), which reads ISO 8601 times.
    levels = ratings.level_records(
        user_id,
        organisation_id,
        codes,
        graded,
        steps,
        catalogue(),
        cause="graded",
        times_as_text=True,
    )
    return levels, steps


def _added_with_points(result: Grade, added: Sequence[dict]) -> list[dict]:
    """Return the new answers' rows with the points each earned and the version it answered."""
    marked = {m.question.id: m for m in result.marked}
    return [
        {
            **row,
            "points": marked[row["question_id"]].points,
            "question_version": marked[row["question_id"]].shown.version,
        }
        for row in added
    ]


def _marks_of_saved(result: Grade, rows, added: Sequence[dict]) -> list[grade_writes.Mark]:
    """Return the points of each marked answer saved before this request."""
    new = {row["question_id"] for row in added}
    return [
        grade_writes.Mark(m.question.id, m.points, m.shown.version)
        for m in result.marked
        if m.question.id in rows and m.question.id not in new
    ]


def _holder(session: Session, user_id: int) -> credentials.Holder:
    """Return the learner as their lock read them (or as stored, without a lock)."""
    learner = locks.locked_learner(session, user_id)
    if learner is None:
        user = session.get(User, user_id)
        return credentials.Holder(user.full_name, user.registration_number, user.profession)
    return credentials.Holder(learner.full_name, learner.registration_number, learner.profession)


def _organisation(session: Session, user_id: int) -> int | None:
    """Return the learner's organisation as their lock read it (or as stored, without one)."""
    learner = locks.locked_learner(session, user_id)
    if learner is not None:
        return learner.organisation_id
    return session.get(User, user_id).organisation_id


def _evidence_rows(
    attempt: AttemptRow, result: Grade, organisation_id: int | None, now: datetime
) -> list[dict]:
    """Return one evidence row per competency of each question marked."""
    return [
        {
            "user_id": attempt.user_id,
            "competency_code": code,
            "quiz_id": attempt.quiz_id,
            "question_id": marked.question.id,
            "question_version": marked.shown.version,
            "attempt_id": attempt.id,
            "score": marked.fraction,
            "recorded_at": now,
            "organisation_id": organisation_id,
        }
        for marked in result.marked
        for code in marked.question.competencies
    ]
