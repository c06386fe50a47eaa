"""End-of-module quizzes: starting an attempt (or a renewal), an attempt's questions.

Where a learner stands with a quiz is worked out in services/quiz_standing.py.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError

from app import db
from app.content import catalogue
from app.domain import dates
from app.domain.calendar_limits import at_end, moved
from app.domain.content import Module
from app.domain.module_facts import module_facts
from app.domain.quizzes import Quiz
from app.domain.quizzes.attempts import Missing, Shown, select_questions, shown_questions
from app.domain.quizzes.model import QuizSettings
from app.domain.quizzes.renewal import Renewal
from app.models import Attempt, AttemptGrant, utcnow
from app.services import locks, passes, quiz_standing, quiz_versions


class QuizClosed(Exception):
    """The quiz cannot be started now; the message says why."""


ACCOUNT_GONE = "Your account has been deleted: no attempt was started."


@dataclass(frozen=True)
class AttemptQuestions:
    """An attempt's questions as it showed them, and the settings it was taken under."""

    shown: tuple[Shown, ...]
    missing: tuple[Missing, ...]
    settings: QuizSettings


def aware(moment: datetime | None) -> datetime | None:
    """Return a stored time as UTC-aware (SQLite hands back naive times; we store UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def already_passed(renewal: Renewal | None) -> str:
    """Say that the quiz is passed and, when it is known, when it opens for renewal."""
    if renewal is None or renewal.opens_at is None:
        return "You have already passed this quiz."
    when = dates.opens(renewal.opens_at)
    return f"You have already passed this quiz. It opens for renewal {when}."


def start(
    user_id: int, module: Module, rng: random.Random | None = None, now: datetime | None = None
) -> Attempt:
    """Return the learner's attempt in progress, or start one if the rules allow.

    The learner's lock comes first: requests starting the same quiz at once (a double
    click, two tabs) then read where it stands one after another, so the second finds the
    first's attempt in progress instead of starting another past the allowance, and a met
    retake rule opens its new set of attempts once. An account erased meanwhile (the
    erasure takes the same lock) starts nothing: QuizClosed.
    """
    now = now or utcnow()
    session = db.session()
    try:
        locks.lock_account(session, user_id)
    except locks.AccountGone:  # erased while this request was under way
        raise QuizClosed(ACCOUNT_GONE) from None
    current = quiz_standing.status(user_id, module, now)
    if current.in_progress:
        return current.in_progress
    if not current.open:
        raise QuizClosed("Finish every screen of the module to open the quiz.")
    if current.passed and not current.renewing:
        raise QuizClosed(already_passed(current.renewal))
    standing = current.allowance
    if standing.locked and not standing.rule_ready:
        raise QuizClosed("You have used all your attempts at this quiz.")
    quiz = module.assessment
    selection = select_questions(quiz, rng or random.SystemRandom())
    quiz_versions.store(session, (quiz.versions[entry["question"]] for entry in selection))
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        module_slug=module.slug,
        number=_next_number(user_id, quiz.id, module.slug),
        selection=selection,
        quiz_settings=quiz.settings.to_content(),
        revision=0,
        started_at=now,
        module_title=module.title,
        module_facts=module_facts(module, catalogue()),
    )
    session.add(attempt)
    if standing.locked:
        # The retake rule is met: it opens a new set of attempts, kept as a grant.
        rule = quiz.retake
        revisited = " and went back over the module's screens" if rule.revisit_screens else ""
        session.add(
            AttemptGrant(
                user_id=user_id,
                quiz_id=quiz.id,
                extra=quiz.max_attempts,
                kind="retake-rule",
                reason=f"Waited {rule.wait_days} days{revisited}",
                granted_at=now,
            )
        )
    try:
        session.commit()
    except IntegrityError:
        # Another tab started the same attempt a moment ago: use that one.
        session.rollback()
        again = quiz_standing.status(user_id, module, now).in_progress
        if again is None:
            raise QuizClosed("Your attempt could not be started: please try again.") from None
        return again
    return attempt


class AttemptRow(NamedTuple):
    """An attempt as its row holds it: what saving and grading read, with no ORM object."""

    id: int
    user_id: int
    quiz_id: str
    module_slug: str
    number: int
    status: str
    selection: list
    quiz_settings: dict | None
    revision: int
    started_at: datetime
    submitted_at: datetime | None
    points: float | None
    points_possible: float | None
    percent: int | None
    passed: bool | None
    module_title: str | None
    module_facts: dict | None


# Every column in table order, as locks.lock_learner_reading_attempt reads them too.
if AttemptRow._fields != tuple(Attempt.__table__.c.keys()):
    raise RuntimeError("AttemptRow must name the attempt table's columns in order")
_OWN_ATTEMPT_ROW = select(*Attempt.__table__.c).where(
    Attempt.id == bindparam("attempt_id"),
    Attempt.user_id == bindparam("user_id"),
    Attempt.module_slug == bindparam("module_slug"),
)


def own_attempt_row(
    user_id: int, module_slug: str, attempt_id: int, *, lock_learner: bool = False
) -> AttemptRow | None:
    """Return the attempt's row if it is this learner's, in this module; else None.

    With `lock_learner`, the learner's lock (locks.lock_learner) is taken first: on
    PostgreSQL by the same statement.
    """
    session = db.session()
    parameters = {"attempt_id": attempt_id, "user_id": user_id, "module_slug": module_slug}

    def read():
        return session.connection().execute(_OWN_ATTEMPT_ROW, parameters).first()

    if lock_learner:
        found = locks.lock_learner_reading_attempt(session, user_id, attempt_id, module_slug, read)
    else:
        found = read()
    return AttemptRow(*found) if found is not None else None


def quiz_now(quiz_id: str) -> Quiz | None:
    """Return the quiz with this id in today's files (assessment or knowledge check), if any."""
    for module in catalogue().modules:
        if module.assessment is not None and module.assessment.id == quiz_id:
            return module.assessment
        for screen in module.screens:
            if screen.knowledge_check is not None and screen.knowledge_check.id == quiz_id:
                return screen.knowledge_check
    return None


def questions_of(attempt: Attempt) -> AttemptQuestions:
    """Return the attempt's questions from the versions it recorded, never today's file.

    Only an attempt from before versions were kept falls back to the file as it is now.
    """
    legacy = any(not entry.get("version") for entry in attempt.selection)
    current = quiz_now(attempt.quiz_id) if legacy or not attempt.quiz_settings else None
    versions = quiz_versions.questions(
        db.session(), (entry.get("version") for entry in attempt.selection)
    )
    shown, missing = shown_questions(attempt.selection, versions, current)
    title = current.title if current else attempt.quiz_id.replace("-", " ").capitalize()
    settings = QuizSettings.from_content(attempt.quiz_settings, title)
    if not attempt.quiz_settings and current is not None:
        settings = current.settings
    return AttemptQuestions(shown, missing, settings)


def deadline(attempt: Attempt, settings: QuizSettings) -> datetime | None:
    """Return when a timed attempt closes, or None for an untimed quiz.

    An attempt keeps the limit it started under. One so long that it would close past the
    calendar's end (set before limits were bounded) never closes: the learner can finish.
    """
    if not settings.time_limit_minutes:
        return None
    closes = moved(aware(attempt.started_at), minutes=settings.time_limit_minutes)
    return None if at_end(closes) else closes


def out_of_time(attempt: Attempt, settings: QuizSettings, now: datetime) -> bool:
    """Say whether a timed attempt in progress has run past its limit (a minute's grace)."""
    closes = deadline(attempt, settings)
    return (
        attempt.status == "in-progress"
        and closes is not None
        and now > closes + timedelta(minutes=1)
    )


def _next_number(user_id: int, quiz_id: str, module_slug: str | None = None) -> int:
    """Return the number the learner's next attempt at this quiz takes.

    With `module_slug` (the module's quiz), after their attempts at it under any id it has had
    there too (passes.AT_MODULE_QUIZ): numbers run on, so each attempt keeps its place.
    """
    mine = Attempt.quiz_id == bindparam("quiz_id")
    if module_slug is not None:
        mine = or_(mine, passes.AT_MODULE_QUIZ)
    latest = db.session().scalar(
        select(func.max(Attempt.number)).where(Attempt.user_id == user_id, mine),
        {"quiz_id": quiz_id, "module_slug": module_slug},
    )
    return (latest or 0) + 1
