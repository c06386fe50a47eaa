"""A learner's standing in every module quiz, as the trainers and managers who can give
them another attempt see it (extra_attempts.py gives it): attempts used and left, the
retake rule, the grants made, and the graded attempts at modules no longer in the course.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, union_all

from app import db
from app.content import catalogue
from app.domain.accounts import normalise_email
from app.domain.quizzes import retakes
from app.models import User, utcnow
from app.services import (
    learner_rows,
    module_titles,
    passes,
    quiz_standing,
    renewal_rows,
    tagged_rows,
)
from app.services.extra_attempts import MAX_REASON, NotFound
from app.services.quizzes import aware


@dataclass(frozen=True)
class GrantRecord:
    """One grant, as its history shows it."""

    extra: int
    kind: str
    reason: str
    by: str | None
    at: datetime


@dataclass(frozen=True)
class GradedAttempt:
    """A graded attempt at the quiz of a module no longer in the course, as it was graded."""

    number: int
    submitted_at: datetime | None
    percent: int | None
    passed: bool


@dataclass(frozen=True)
class QuizStanding:
    """A learner's attempts at one module's quiz, for the people who can give another."""

    module_slug: str
    module_title: str
    quiz_id: str
    used: int
    left: int | None
    passed: bool
    renewing: bool  # passed, and open for renewal: the counts are the renewal's
    in_progress: bool
    locked: bool
    # When the retake rule opens a new set, in words (retakes.rule_in_words), once locked.
    rule_words: str | None
    grants: tuple[GrantRecord, ...]
    # When the certificate of the latest pass was revoked, while no pass counts: the quiz is
    # to pass again, its attempts counted from then (quiz_standing.QuizStatus.withdrawn_on).
    revoked_on: datetime | None = None
    # A module no longer in the course: its graded attempts, listed as they were graded.
    removed: bool = False
    graded: tuple[GradedAttempt, ...] = ()


@dataclass(frozen=True)
class LearnerAttempts:
    """A learner and their standing in every module quiz."""

    user_id: int
    full_name: str
    email: str
    organisation: str | None
    quizzes: tuple[QuizStanding, ...]

    @property
    def reason_limit(self) -> int:
        """Return how many characters the reason for another attempt may have."""
        return MAX_REASON

    @property
    def locked(self) -> tuple[QuizStanding, ...]:
        """Return the quizzes the learner has no attempts left at."""
        return tuple(quiz for quiz in self.quizzes if quiz.locked)


def find_learner(email: str, *, organisation_id: int | None = None) -> int | None:
    """Return the id of the account with this email address, if any (only within
    `organisation_id` when given: an account elsewhere is not found)."""
    where = [User.email == normalise_email(email)]
    if organisation_id is not None:
        where.append(User.organisation_id == organisation_id)
    return db.session().scalar(select(User.id).where(*where))


# What the standings are worked out from, after the person: one statement in all.
STANDING_ROWS = (
    learner_rows.GRANTS,
    learner_rows.ATTEMPTS,
    learner_rows.COMPLETIONS,
    *renewal_rows.EVERY_MODULE,
)
_STANDINGS = union_all(learner_rows.PERSON, *STANDING_ROWS)  # built once, its cache key too


def learner_attempts(user_id: int, *, organisation_id: int | None = None) -> LearnerAttempts:
    """Return the learner's quiz standings; NotFound outside `organisation_id` when given."""
    now = utcnow()
    found = tagged_rows.read(_STANDINGS, user_id=user_id)
    person = learner_rows.person_of(found)
    if person is None or (
        organisation_id is not None and person.organisation_id != organisation_id
    ):
        raise NotFound(user_id)
    return attempts_from(person, found, catalogue().modules, now)


def attempts_from(person: learner_rows.Person, found, modules, now: datetime) -> LearnerAttempts:
    """Return the person's standing in every module quiz, from their rows (STANDING_ROWS)."""
    attempts = learner_rows.attempts_of(found)
    grants = sorted(found.get("grant", ()), key=lambda row: (aware(row.at[0]), row.number[0]))
    renewing = quiz_standing.Renewing(person.profession, found)
    completions = defaultdict(list)
    for row in found.get("done", ()):
        module_slug, key = row.text[:2]
        completions[module_slug].append((key, *row.at[:2]))
    standings = []
    for module in modules:
        if module.assessment is None:
            continue
        quiz_id = module.assessment.id
        # Under any id the quiz has had in the module (passes.AT_MODULE_QUIZ), as the
        # learner's own quiz page counts them.
        at_quiz = [a for a in attempts if passes.at_module_quiz(a, quiz_id, module.slug)]
        ids = {quiz_id} | {a.quiz_id for a in at_quiz}
        mine = [grant for grant in grants if grant.text[0] in ids]
        status = quiz_standing.status_from(
            module,
            at_quiz,
            completions[module.slug],
            [(grant.at[0], grant.number[1]) for grant in mine],
            now,
            renewing,
        )
        allowed = status.allowance
        standings.append(
            QuizStanding(
                module_slug=module.slug,
                module_title=module.title,
                quiz_id=quiz_id,
                used=allowed.used,
                left=allowed.left,
                passed=status.passed is not None,
                renewing=status.renewing,
                in_progress=status.in_progress is not None,
                locked=allowed.locked,
                rule_words=retakes.rule_in_words(allowed),
                grants=tuple(_grant(row) for row in mine),
                revoked_on=status.withdrawn_on if status.passed is None else None,
            )
        )
    standings += _removed_modules(attempts, {module.slug for module in modules})
    return LearnerAttempts(
        person.id, person.full_name, person.email, person.organisation, tuple(standings)
    )


def _removed_modules(attempts, offered: set[str]) -> list[QuizStanding]:
    """Return the graded quiz attempts at modules no longer in the course, by module."""
    gone: dict[str, list] = defaultdict(list)
    for attempt in attempts:
        # Results only: a knowledge check's answers are marked to teach (passes.of_quiz).
        result = attempt.status == "graded" and passes.of_quiz(attempt.kind)
        if result and attempt.module_slug not in offered:
            gone[attempt.module_slug].append(attempt)
    titles = module_titles.gone_titles(attempts, offered)
    return [
        QuizStanding(
            module_slug=slug,
            module_title=titles[slug],
            quiz_id=graded[-1].quiz_id,
            used=len(graded),
            left=None,
            passed=False,
            renewing=False,
            in_progress=False,
            locked=False,
            rule_words=None,
            grants=(),
            removed=True,
            graded=tuple(
                GradedAttempt(a.number, aware(a.submitted_at), a.percent, bool(a.passed))
                for a in sorted(graded, key=lambda a: a.id)
            ),
        )
        for slug, graded in sorted(gone.items())
    ]


def _grant(row: tagged_rows.Row) -> GrantRecord:
    _, kind, reason, by = row.text[:4]
    return GrantRecord(row.number[1], kind, reason, by, aware(row.at[0]))
