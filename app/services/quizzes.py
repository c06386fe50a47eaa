"""Quiz attempts: start, save answers as they come, submit once, issue the certificate."""

import random
from dataclasses import dataclass
from datetime import UTC, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import db
from app.content import catalogue
from app.domain.certificate_codes import new_certificate_code
from app.domain.content import Module, quiz_key
from app.domain.quizzes import InvalidAnswer, Quiz
from app.domain.quizzes.attempts import Grade, check_answers, grade, select_questions
from app.models import Answer, Attempt, Certificate, Evidence, User, utcnow
from app.services import attainment, learning, xapi


class QuizClosed(Exception):
    """The quiz cannot be started now; the message says why."""


@dataclass(frozen=True)
class QuizStatus:
    """What a learner may do with a module's quiz now."""

    open: bool
    attempts_used: int
    attempts_left: int | None
    in_progress: Attempt | None
    passed: Attempt | None
    latest: Attempt | None


def status(user_id: int, module: Module) -> QuizStatus:
    """Work out whether the quiz is open and how many attempts remain."""
    quiz = module.assessment
    attempts = (
        db.session()
        .scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
            .order_by(Attempt.number)
        )
        .all()
    )
    done = learning.completed_keys(user_id, module.slug)
    graded = [a for a in attempts if a.status == "graded"]
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - len(graded))
    return QuizStatus(
        open=all(key in done for key in module.screen_item_keys),
        attempts_used=len(graded),
        attempts_left=left,
        in_progress=next((a for a in attempts if a.status == "in-progress"), None),
        passed=next((a for a in graded if a.passed), None),
        latest=graded[-1] if graded else None,
    )


def start(user_id: int, module: Module, rng: random.Random | None = None) -> Attempt:
    """Return the learner's attempt in progress, or start one if the rules allow."""
    current = status(user_id, module)
    if current.in_progress:
        return current.in_progress
    if not current.open:
        raise QuizClosed("Finish every screen of the module to open the quiz.")
    if current.passed:
        raise QuizClosed("You have already passed this quiz.")
    if current.attempts_left == 0:
        raise QuizClosed("You have used all your attempts at this quiz.")
    session = db.session()
    quiz = module.assessment
    number = _next_number(user_id, quiz.id)
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        module_slug=module.slug,
        number=number,
        selection=select_questions(quiz, rng or random.SystemRandom()),
    )
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:
        # Another tab started the same attempt a moment ago: use that one.
        session.rollback()
        return status(user_id, module).in_progress
    return attempt


def attempt_of(user_id: int, attempt_id: int, quiz: Quiz) -> Attempt | None:
    """Return the attempt if it belongs to this learner and quiz, else None."""
    attempt = db.session().get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id or attempt.quiz_id != quiz.id:
        return None
    return attempt


def deadline(attempt: Attempt, quiz: Quiz):
    """Return when a timed attempt closes, or None for an untimed quiz."""
    if not quiz.time_limit_minutes:
        return None
    started = attempt.started_at
    if started.tzinfo is None:  # SQLite hands back naive times; we store UTC
        started = started.replace(tzinfo=UTC)
    return started + timedelta(minutes=quiz.time_limit_minutes)


def out_of_time(attempt: Attempt, quiz: Quiz) -> bool:
    """Say whether a timed attempt in progress has run past its limit (a minute's grace)."""
    closes = deadline(attempt, quiz)
    return (
        attempt.status == "in-progress"
        and closes is not None
        and utcnow() > closes + timedelta(minutes=1)
    )


def saved_answers(attempt: Attempt) -> dict:
    """Return the attempt's saved answers by question id."""
    return {answer.question_id: answer.response["value"] for answer in attempt.answers}


def save(attempt: Attempt, quiz: Quiz, raw: dict) -> None:
    """Check and save answers to an attempt in progress; InvalidAnswer changes nothing."""
    checked = check_answers(quiz, attempt.selection, raw)
    if attempt.status != "in-progress" or not checked:
        return
    session = db.session()
    existing = {answer.question_id: answer for answer in attempt.answers}
    for question_id, value in checked.items():
        if question_id in existing:
            existing[question_id].response = {"value": value}
            existing[question_id].saved_at = utcnow()
        else:
            attempt.answers.append(Answer(question_id=question_id, response={"value": value}))
    try:
        session.commit()
    except IntegrityError:
        # A second tab saved the same question first; keep its row and write ours over it.
        session.rollback()
        save(db.session().get(Attempt, attempt.id), quiz, raw)


def submit(user_id: int, module: Module, attempt: Attempt) -> Attempt:
    """Grade the attempt exactly once, however often it is submitted; return it graded."""
    session = db.session()
    quiz = module.assessment
    result = grade(quiz, attempt.selection, saved_answers(attempt))
    # Only the request that moves the attempt out of "in-progress" records the grade.
    claimed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "in-progress")
        .values(
            status="graded",
            submitted_at=utcnow(),
            points=result.points,
            points_possible=result.points_possible,
            percent=result.percent,
            passed=result.passed,
        )
    ).rowcount
    if claimed:
        _record_marks(attempt, result)
        _record_evidence(user_id, attempt, result)
        if result.passed:
            learning.record(user_id, module.slug, quiz_key(quiz.id))
            _issue_certificate(user_id, module.slug, attempt.id)
        xapi.quiz_graded(user_id, module, attempt, result)
    session.commit()
    session.refresh(attempt)
    return attempt


def _record_marks(attempt: Attempt, result: Grade) -> None:
    points = {m.question.id: m.points for m in result.marked}
    for answer in attempt.answers:
        answer.points = points.get(answer.question_id, 0.0)


def _record_evidence(user_id: int, attempt: Attempt, result: Grade) -> None:
    """Add one evidence row per competency of each question marked, in the grade's transaction."""
    session = db.session()
    organisation_id = session.scalar(select(User.organisation_id).where(User.id == user_id))
    codes = {code for marked in result.marked for code in marked.question.competencies}
    session.add_all(
        Evidence(
            user_id=user_id,
            organisation_id=organisation_id,
            competency_code=code,
            quiz_id=attempt.quiz_id,
            question_id=marked.question.id,
            attempt_id=attempt.id,
            score=marked.fraction,
        )
        for marked in result.marked
        for code in marked.question.competencies
    )
    attainment.refresh_levels(user_id, organisation_id, codes, catalogue())


def _issue_certificate(user_id: int, module_slug: str, attempt_id: int) -> None:
    session = db.session()
    exists = session.scalar(
        select(Certificate.id).where(
            Certificate.user_id == user_id, Certificate.module_slug == module_slug
        )
    )
    if exists is None:
        session.add(
            Certificate(
                code=new_certificate_code(),
                user_id=user_id,
                module_slug=module_slug,
                attempt_id=attempt_id,
            )
        )


def answer_check(user_id: int, module: Module, screen, raw: dict) -> Grade:
    """Mark a knowledge check, keep the answer as a graded attempt, and complete the screen.

    Answering completes the screen whether or not the answer was right: the check is for
    the learner's benefit. InvalidAnswer (unknown choice, nothing chosen) changes nothing.
    """
    quiz = screen.knowledge_check
    done = learning.completed_keys(user_id, module.slug)
    if not learning.can_open_item(module, screen.key, done):
        raise QuizClosed("This screen is not open yet.")
    selection = select_questions(quiz, random.Random(0))
    checked = check_answers(quiz, selection, raw)
    if not checked:
        raise InvalidAnswer("choose an answer")
    result = grade(quiz, selection, checked)
    session = db.session()
    number = _next_number(user_id, quiz.id)
    points = {m.question.id: m.points for m in result.marked}
    session.add(
        Attempt(
            user_id=user_id,
            quiz_id=quiz.id,
            module_slug=module.slug,
            number=number,
            status="graded",
            selection=selection,
            submitted_at=utcnow(),
            points=result.points,
            points_possible=result.points_possible,
            percent=result.percent,
            passed=result.passed,
            answers=[
                Answer(question_id=q, response={"value": v}, points=points.get(q, 0.0))
                for q, v in checked.items()
            ],
        )
    )
    xapi.knowledge_check_answered(user_id, module, quiz, number, checked, result)
    for key in screen.item_keys:
        learning.record(user_id, module.slug, key)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # the same answer from a second tab; the first one counts
    return result


def _next_number(user_id: int, quiz_id: str) -> int:
    """Return the number the learner's next attempt at this quiz takes."""
    latest = db.session().scalar(
        select(func.max(Attempt.number)).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz_id
        )
    )
    return (latest or 0) + 1
