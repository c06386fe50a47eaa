"""A module's quiz page: its rules, the learner's attempts and how to go on, as frozen values."""

from dataclasses import dataclass
from datetime import date

from app.domain.content import Module
from app.domain.dates import uk_day
from app.domain.quizzes.renewal import Renewal
from app.domain.quizzes.review import Review, preview
from app.services import learner_rows, quiz_standing
from app.services.next_steps import NextAttempt, next_from


@dataclass(frozen=True)
class OverviewPage:
    """A module's quiz: its rules, the learner's attempts and how to go on."""

    module: Module
    open: bool
    attempts_used: int
    attempts_left: int | None
    in_progress_id: int | None
    passed: tuple[int, int] | None  # the latest pass: (attempt id, percent)
    latest: tuple[int, str, int] | None  # (attempt id, its place in words, percent)
    next: NextAttempt
    preview: tuple[Review, ...] = ()
    renewal: Renewal | None = None  # when the pass opens (or opened) for renewal, and why
    # The pass mark of the attempt the page is about (in progress, or the pass standing),
    # which it keeps from its start: None when the page is about a new attempt.
    attempt_pass_mark: float | None = None
    # The pass mark the latest graded attempt was graded against (None: none graded, or from
    # before attempts kept it): a fail at a higher mark is not to read as below today's.
    latest_pass_mark: float | None = None
    # A pass after the one standing (or the only one) that no longer counts: the day it was
    # passed and the day its certificate was revoked.
    withdrawn: tuple[date, date] | None = None
    # The attempts the quiz allowed when the latest attempt started (None: no attempt).
    latest_max_attempts: int | None = None
    # The latest graded attempt is a pass whose certificate was revoked since.
    latest_withdrawn: bool = False

    @property
    def used_since(self) -> str:
        """Say from when the attempts used are counted, when a revocation started them afresh
        (the attempts before it keep their own numbers: QuizStatus.attempt_in_words)."""
        if self.withdrawn is None or self.passed is not None:
            return ""
        return f" {quiz_standing.SINCE_REVOKED}"

    @property
    def renewing(self) -> bool:
        """Say whether the learner's pass is open for renewal now."""
        return self.renewal is not None and self.renewal.open

    @property
    def taking_attempts(self) -> bool:
        """Say whether the rules for taking attempts (answers saved as you go, a new set after
        the last) concern the learner now: not after a pass that stands, nor with every
        attempt used (what comes next says how one opens). A trainer's preview shows them."""
        return bool(self.preview) or self.next.state not in ("passed", "wait", "locked")

    @property
    def attempts_changed_in_words(self) -> str:
        """Say that the quiz allows another number of attempts since the latest started."""
        now, then = self.module.assessment.max_attempts, self.latest_max_attempts
        if self.latest is None or then == now or (self.passed and not self.renewing):
            return ""
        then_words = "any number of attempts" if then is None else f"{then} attempts"
        now_words = "any number" if now is None else now
        return (
            f" (your last attempt started when the quiz allowed {then_words};"
            f" it now allows {now_words})"
        )

    @property
    def pass_mark_in_words(self) -> str:
        """Return the pass mark that applies, saying so when the quiz's has changed since."""
        now = self.module.assessment.pass_mark
        kept = self.attempt_pass_mark
        if kept is None and self.latest_pass_mark not in (None, now):
            return (
                f"{now:g}% (your last attempt was graded against {self.latest_pass_mark:g}%,"
                " the pass mark when it started)"
            )
        if kept is None or kept == now:
            return f"{now:g}%"
        which = "your attempt in progress" if self.in_progress_id else "the attempt you passed"
        return f"{kept:g}% for {which}, as when it started (the quiz now asks for {now:g}%)"


def overview_page(user_id: int, module: Module, *, preview_all: bool) -> OverviewPage:
    """Explain the quiz, the attempts used and left, and how to start, resume or retake."""
    standing = quiz_standing.status_read(user_id, module)
    latest = standing.latest
    allowance = standing.allowance
    kept = _max_attempts_kept(latest, module) if latest else None
    return OverviewPage(
        module=module,
        open=standing.open,
        attempts_used=allowance.used,
        # With a new set ready (the retake rule opens it at the start), what is left is it.
        attempts_left=module.assessment.max_attempts if allowance.rule_ready else allowance.left,
        in_progress_id=standing.in_progress.id if standing.in_progress else None,
        passed=(standing.passed.id, standing.passed.percent) if standing.passed else None,
        latest=(
            latest.id,
            standing.attempt_in_words(latest.number, kept),
            latest.percent,
        )
        if latest
        else None,
        latest_max_attempts=kept,
        latest_withdrawn=latest is not None and latest.id in standing.withdrawn_ids,
        next=next_from(module, standing, user_id),
        renewal=standing.renewal,
        attempt_pass_mark=_pass_mark_kept(standing),
        latest_pass_mark=latest.pass_mark if latest else None,
        withdrawn=_withdrawn(standing),
        preview=tuple(preview(n, q) for n, q in enumerate(module.assessment.questions, 1))
        if preview_all
        else (),
    )


def _max_attempts_kept(latest: learner_rows.AttemptSeen, module: Module) -> int | None:
    """Return the attempts the quiz allowed when the attempt started, as its result page says."""
    if latest.pass_mark is None:  # from before attempts kept their quiz's settings
        return module.assessment.max_attempts
    return latest.max_attempts


def _pass_mark_kept(standing: quiz_standing.QuizStatus) -> float | None:
    """Return the pass mark kept by the attempt in progress, else by a pass not up for renewal."""
    if standing.in_progress is not None:
        return standing.in_progress.pass_mark
    if standing.passed is not None and not standing.renewing:
        return standing.passed.pass_mark
    return None


def _withdrawn(standing: quiz_standing.QuizStatus) -> tuple[date, date] | None:
    """Return the days of the latest pass a revocation withdrew, and of that revocation."""
    if standing.withdrawn is None or standing.withdrawn_on is None:
        return None
    passed_at = quiz_standing.aware(standing.withdrawn.submitted_at)
    return uk_day(passed_at), uk_day(standing.withdrawn_on)
