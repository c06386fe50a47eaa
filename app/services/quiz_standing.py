"""Where a learner stands with a module's quiz: open, attempts left, passed, open for renewal.

A pass is final until the quiz opens for renewal (domain/quizzes/renewal.py). Then the
attempts and grants from before the latest pass no longer count: the renewal has a fresh
`max_attempts`, the retake rule and extra attempts working within it as before. Nothing
stored changes: the count is worked out from the history each time.

The pass that stands is the latest that still counts (passes.counted, as compliance counts):
one whose certificate was revoked neither closes the quiz nor anchors its renewal. With no
pass left that counts, the quiz is open as for someone who never passed. A revocation that
withdrew a pass after the one standing starts a fresh set too: the attempts count from the
later of that pass and that revocation (docs/competence.md).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, or_, select, union_all

from app import db
from app.content import catalogue
from app.domain.content import Module
from app.domain.progress import passed_quiz
from app.domain.quizzes.renewal import Renewal
from app.domain.quizzes.retakes import Allowance, allowance
from app.models import Attempt, AttemptGrant, Certificate, Completion, utcnow
from app.services import learner_rows, passes, renewal_rows, tagged_rows
from app.services.attempt_sets import SINCE_REVOKED, Place, attempts_in_sets
from app.services.rating_reads import aware


@dataclass(frozen=True)
class QuizStatus:
    """What a learner may do with a module's quiz now."""

    open: bool
    allowance: Allowance  # within the renewal, when one is open
    in_progress: Attempt | None
    passed: Attempt | None  # the latest pass that counts
    latest: Attempt | None
    renewal: Renewal | None = None  # None: not passed, or nothing would reopen it
    # The latest pass after `passed` whose certificate was revoked, and when (None: none).
    withdrawn: Attempt | None = None
    withdrawn_on: datetime | None = None
    # Every pass a revocation withdrew, by attempt id: it no longer completes the module.
    withdrawn_ids: frozenset[int] = frozenset()
    # Each attempt's place in its set of attempts, by stored number (attempts_in_sets).
    places: Mapping[int, Place] = field(default_factory=dict)

    def attempt_in_words(self, number: int, max_attempts: int | None) -> str:
        """Name an attempt by its place in its set of attempts ("renewal attempt 1 of 3").

        An attempt of a set a revocation started keeps its own number, as every other page
        calls it, and says its place apart: "attempt 2 (1 of 3 since the certificate was
        revoked)".
        """
        found = self.places.get(number, Place(number))
        # Beyond the set, an attempt was given or opened by the retake rule: an extra one.
        extra = max_attempts is not None and found.place > max_attempts
        if found.after_revocation:
            place = "an extra attempt" if extra else f"{found.place}"
            if max_attempts is not None and not extra:
                place += f" of {max_attempts}"
            return f"attempt {number} ({place} {SINCE_REVOKED})"
        which = f"{'renewal attempt' if found.renewal else 'attempt'} {found.place}"
        if max_attempts is None:
            return which
        return f"{which} (an extra attempt)" if extra else f"{which} of {max_attempts}"

    @property
    def out_of_attempts(self) -> bool:
        """Say whether every attempt is used without a pass, and none is open yet.

        (A module whose pass counts is shown completed, whatever this says of a renewal.)
        """
        allowed = self.allowance
        return allowed.locked and not allowed.rule_ready and self.in_progress is None

    @property
    def renewing(self) -> bool:
        """Say whether the latest pass is open for renewal now."""
        return self.renewal is not None and self.renewal.open


class Renewing(NamedTuple):
    """What a quiz's renewal is worked out from: the learner's profession and their rows."""

    profession: str | None
    found: dict


# A quiz's standing in one statement: its attempts, the module's completions, the grants
# and what renewal reads (bound as user_id, quiz_id and module_slug). The attempts and
# grants under any id the quiz has had in the module (passes.AT_MODULE_QUIZ).
_QUIZ_ID = bindparam("quiz_id")
_COMPLETIONS = learner_rows.COMPLETIONS.where(Completion.module_slug == bindparam("module_slug"))
ATTEMPTS = learner_rows.ATTEMPTS.where(passes.AT_MODULE_QUIZ)
GRANTS = learner_rows.GRANTS.where(
    or_(
        AttemptGrant.quiz_id == _QUIZ_ID,
        AttemptGrant.quiz_id.in_(
            select(Attempt.quiz_id).where(
                Attempt.user_id == learner_rows.SELF, passes.AT_MODULE_QUIZ
            )
        ),
    )
)
STANDING_ROWS = (
    ATTEMPTS,
    _COMPLETIONS,
    GRANTS,
    *renewal_rows.ONE_MODULE,
)
# Their UNION ALL, built once: SQLAlchemy works out a statement's cache key once per
# statement object, and for these branches that cost about a millisecond a page.
STANDING_READ = union_all(*STANDING_ROWS)


# What a screen reads to say whether a learner is out of attempts (`out_of_attempts`): the
# module's completions, the quiz's attempts and grants, and the module's certificates (a
# revocation starts a fresh set of attempts). Renewal needs more, but only once a pass
# counts, and then the screen shows the module completed.
SCREEN_ROWS = union_all(
    _COMPLETIONS,
    ATTEMPTS,
    GRANTS,
    renewal_rows.CREDENTIALS.where(Certificate.module_slug == bindparam("module_slug")),
)


def screen_standing(
    user_id: int, module: Module, done_earlier: frozenset[str] | None
) -> tuple[frozenset[str], bool]:
    """Return the learner's completions in a module with a quiz, and whether they used every
    attempt at it without a pass with none open yet: what a screen's progress line says
    instead of praise.

    `done_earlier`: their completions, when read with the signed-in user, which also counted
    their fails (`remember_failed`). Only a learner who failed the quiz as often as it allows
    can be out of attempts, so every other such screen reads nothing more. Otherwise the
    quiz's rows are read, the completions with them (one statement).
    """
    quiz = module.assessment
    failed = db.read_earlier(("failed attempts", user_id, module.slug))
    if done_earlier is not None and failed is not None:  # read with the signed-in user
        may_be_out = quiz.max_attempts is not None and failed >= quiz.max_attempts
        if not may_be_out or passed_quiz(done_earlier):
            return done_earlier, False
    found = tagged_rows.read(SCREEN_ROWS, user_id=user_id, quiz_id=quiz.id, module_slug=module.slug)
    done = frozenset(row.text[1] for row in found.get("done", ()))
    locked = (
        quiz.max_attempts is not None
        and not passed_quiz(done)
        and "attempt" in found
        and status_of(module, found).out_of_attempts
    )
    return done, locked


def remember_failed(user_id: int, module_slug: str, failed: int) -> None:
    """Keep how many graded attempts at the module's quiz the learner failed, read with the
    signed-in user, for `screen_standing` in this request."""
    db.remember_read(("failed attempts", user_id, module_slug), failed)


def status(user_id: int, module: Module, now: datetime | None = None) -> QuizStatus:
    """Work out the quiz's status, its attempts as loaded objects (for starting one)."""
    session = db.session()
    quiz = module.assessment
    now = now or utcnow()
    attempts = session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user_id, passes.AT_MODULE_QUIZ)
        .order_by(Attempt.id),
        {"quiz_id": quiz.id, "module_slug": module.slug},
    ).all()
    found = tagged_rows.read(
        (_COMPLETIONS, GRANTS, *renewal_rows.ONE_MODULE),
        user_id=user_id,
        quiz_id=quiz.id,
        module_slug=module.slug,
    )
    return status_from(
        module,
        attempts,
        _completions(found),
        _grants(found),
        now,
        Renewing(renewal_rows.profession_of(found), found),
    )


def status_read(user_id: int, module: Module, now: datetime | None = None) -> QuizStatus:
    """Return what status() does in one statement, for pages that only read.

    Its attempts are plain rows (id, number, percent, passed, ...), not loaded objects.
    """
    now = now or utcnow()
    found = tagged_rows.read(
        STANDING_READ,
        user_id=user_id,
        quiz_id=module.assessment.id,
        module_slug=module.slug,
    )
    return status_of(module, found, now)


def status_of(
    module: Module, found: dict[str, list[tagged_rows.Row]], now: datetime | None = None
) -> QuizStatus:
    """Work out the quiz's status from the rows STANDING_ROWS read (bound with `now` too)."""
    return status_from(
        module,
        learner_rows.attempts_of(found),
        _completions(found),
        _grants(found),
        now or utcnow(),
        Renewing(renewal_rows.profession_of(found), found),
    )


def status_from(
    module: Module,
    attempts,
    completions,
    grants: Iterable[tuple[datetime, int]],
    now: datetime,
    renewing: Renewing | None = None,
) -> QuizStatus:
    """Work out the quiz's status from rows already read.

    `attempts` are the learner's at this quiz in number order (anything with `id`, `number`,
    `status`, `passed` and `submitted_at`); `completions` the module's (item key, first
    completed, last completed again); `grants` the extra attempts given (when, how many);
    `renewing` what renewal reads (renewal_rows), None to leave renewal out.
    """
    quiz = module.assessment
    # Only this module's attempts: a quiz whose module was renamed (a new folder, the quiz's
    # id kept) starts afresh with it, as its completions and certificate do. In the order
    # they were started, whatever ids the quiz had (learner_rows sorts by quiz, then number).
    attempts = sorted((a for a in attempts if a.module_slug == module.slug), key=lambda a: a.id)
    done = {key for key, _, _ in completions}
    revisited = {
        key.removeprefix("screen:"): aware(again or first)
        for key, first, again in completions
        if key.startswith("screen:")
    }
    graded = [a for a in attempts if a.status == "graded"]
    by_id = {a.id: a for a in graded}
    standing_pass = renewal_rows.pass_standing(
        module.slug,
        (renewal_rows.Pass(a.id, aware(a.submitted_at)) for a in graded if a.passed),
        renewing.found if renewing is not None else {},
    )
    passed = by_id[standing_pass.counted.id] if standing_pass.counted else None
    found = None
    if standing_pass.counted is not None and renewing is not None:
        found = renewal_rows.renewal_in(
            module, renewing.profession, standing_pass.counted, renewing.found, catalogue(), now
        )
    # The renewal starts afresh: only what came after the pass standing counts; and so does
    # a set after a revocation that withdrew a later pass.
    since = standing_pass.revoked_at
    if found is not None and found.open:
        since = max(since or standing_pass.counted.submitted_at, standing_pass.counted.submitted_at)
    counted, given = graded, list(grants)
    if since is not None:
        counted = [a for a in graded if aware(a.submitted_at) > since]
        given = [(at, extra) for at, extra in given if aware(at) > since]
    standing = allowance(
        max_attempts=quiz.max_attempts,
        rule=quiz.retake,
        outcomes=[(bool(a.passed), aware(a.submitted_at)) for a in counted],
        granted=sum(extra for _, extra in given),
        screens=[screen.slug for screen in module.screens],
        revisited=revisited,
        now=now,
    )
    return QuizStatus(
        open=all(key in done for key in module.screen_item_keys),
        allowance=standing,
        in_progress=next((a for a in attempts if a.status == "in-progress"), None),
        passed=passed,
        latest=graded[-1] if graded else None,
        renewal=found,
        withdrawn=by_id[standing_pass.withdrawn.id] if standing_pass.withdrawn else None,
        withdrawn_on=standing_pass.revoked_at,
        withdrawn_ids=standing_pass.withdrawn_ids,
        places=attempts_in_sets(attempts, standing_pass),
    )


def _completions(found) -> list[tuple]:
    return [(row.text[1], *row.at[:2]) for row in found.get("done", ())]


def _grants(found) -> list[tuple[datetime, int]]:
    return [(row.at[0], row.number[1]) for row in found.get("grant", ())]
