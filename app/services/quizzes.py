"""End-of-module quizzes: where a learner stands, starting an attempt, an attempt's questions."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, cast, func, literal, null, select, union_all
from sqlalchemy.exc import IntegrityError

from app import db
from app.content import catalogue
from app.domain.calendar_limits import at_end, moved
from app.domain.content import Module
from app.domain.quizzes import Quiz
from app.domain.quizzes.attempts import Missing, Shown, select_questions, shown_questions
from app.domain.quizzes.model import QuizSettings
from app.domain.quizzes.retakes import Allowance, allowance
from app.models import Attempt, AttemptGrant, Completion, utcnow
from app.services import learner_rows, locks, quiz_versions, tagged_rows


class QuizClosed(Exception):
    """The quiz cannot be started now; the message says why."""


@dataclass(frozen=True)
class QuizStatus:
    """What a learner may do with a module's quiz now."""

    open: bool
    allowance: Allowance
    in_progress: Attempt | None
    passed: Attempt | None
    latest: Attempt | None


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


def status(user_id: int, module: Module, now: datetime | None = None) -> QuizStatus:
    """Work out whether the quiz is open, the attempts left and what reopens it."""
    session = db.session()
    quiz = module.assessment
    attempts = session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
        .order_by(Attempt.number)
    ).all()
    # The module's completions and, in the same query, one last row whose item key is NULL
    # carrying the extra attempts granted (a completion's key never is).
    rows = session.execute(
        union_all(
            select(
                Completion.item_key,
                Completion.completed_at,
                Completion.last_completed_at,
                literal(0).label("extra"),
            ).where(Completion.user_id == user_id, Completion.module_slug == module.slug),
            select(
                null(),
                cast(null(), Completion.completed_at.type),
                cast(null(), Completion.last_completed_at.type),
                func.coalesce(func.sum(AttemptGrant.extra), 0),
            ).where(AttemptGrant.user_id == user_id, AttemptGrant.quiz_id == quiz.id),
        )
    ).all()
    granted = sum(extra for key, _, _, extra in rows if key is None)
    completions = [(key, first, again) for key, first, again, _ in rows if key is not None]
    return status_from(module, attempts, completions, int(granted or 0), now or utcnow())


# A quiz's standing in one statement: its attempts, the module's completions, the grants
# (bound as user_id, quiz_id and module_slug).
_QUIZ_ID = bindparam("quiz_id")
STANDING_ROWS = (
    learner_rows.ATTEMPTS.where(Attempt.quiz_id == _QUIZ_ID),
    learner_rows.COMPLETIONS.where(Completion.module_slug == bindparam("module_slug")),
    learner_rows.GRANTS.where(AttemptGrant.quiz_id == _QUIZ_ID),
)


def status_read(user_id: int, module: Module, now: datetime | None = None) -> QuizStatus:
    """Return what status() does in one statement, for pages that only read.

    Its attempts are plain rows (id, number, percent, passed, ...), not loaded objects.
    """
    found = tagged_rows.read(
        STANDING_ROWS, user_id=user_id, quiz_id=module.assessment.id, module_slug=module.slug
    )
    return status_of(module, found, now)


def status_of(
    module: Module, found: dict[str, list[tagged_rows.Row]], now: datetime | None = None
) -> QuizStatus:
    """Work out the quiz's status from the rows STANDING_ROWS read."""
    return status_from(
        module,
        learner_rows.attempts_of(found),
        [(row.text[1], *row.at[:2]) for row in found.get("done", ())],
        sum(row.number[1] for row in found.get("grant", ())),
        now or utcnow(),
    )


def status_from(module: Module, attempts, completions, granted: int, now: datetime) -> QuizStatus:
    """Work out the quiz's status from rows already read.

    `attempts` are the learner's at this quiz in number order (anything with `status`,
    `passed` and `submitted_at`); `completions` the module's (item key, first completed,
    last completed again); `granted` the extra attempts given.
    """
    quiz = module.assessment
    done = {key for key, _, _ in completions}
    revisited = {
        key.removeprefix("screen:"): aware(again or first)
        for key, first, again in completions
        if key.startswith("screen:")
    }
    graded = [a for a in attempts if a.status == "graded"]
    standing = allowance(
        max_attempts=quiz.max_attempts,
        rule=quiz.retake,
        outcomes=[(bool(a.passed), aware(a.submitted_at)) for a in graded],
        granted=granted,
        screens=[screen.slug for screen in module.screens],
        revisited=revisited,
        now=now,
    )
    return QuizStatus(
        open=all(key in done for key in module.screen_item_keys),
        allowance=standing,
        in_progress=next((a for a in attempts if a.status == "in-progress"), None),
        passed=next((a for a in graded if a.passed), None),
        latest=graded[-1] if graded else None,
    )


def start(
    user_id: int, module: Module, rng: random.Random | None = None, now: datetime | None = None
) -> Attempt:
    """Return the learner's attempt in progress, or start one if the rules allow."""
    now = now or utcnow()
    current = status(user_id, module, now)
    if current.in_progress:
        return current.in_progress
    if not current.open:
        raise QuizClosed("Finish every screen of the module to open the quiz.")
    if current.passed:
        raise QuizClosed("You have already passed this quiz.")
    standing = current.allowance
    if standing.locked and not standing.rule_ready:
        raise QuizClosed("You have used all your attempts at this quiz.")
    session = db.session()
    quiz = module.assessment
    selection = select_questions(quiz, rng or random.SystemRandom())
    quiz_versions.store(session, (quiz.versions[entry["question"]] for entry in selection))
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        module_slug=module.slug,
        number=_next_number(user_id, quiz.id),
        selection=selection,
        quiz_settings=quiz.settings.to_content(),
        revision=0,
        started_at=now,
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
        again = status(user_id, module, now).in_progress
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


def _next_number(user_id: int, quiz_id: str) -> int:
    """Return the number the learner's next attempt at this quiz takes."""
    latest = db.session().scalar(
        select(func.max(Attempt.number)).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz_id
        )
    )
    return (latest or 0) + 1
