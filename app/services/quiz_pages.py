"""What each quiz page shows, as frozen values: the views render them and compute nothing."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from app.content import catalogue
from app.domain.content import Module
from app.domain.quizzes.attempts import Shown, fingerprint, show_correct_answers
from app.domain.quizzes.review import Review, removed, review
from app.services import module_titles, quiz_standing, quizzes
from app.services.attempt_reads import Saved
from app.services.next_steps import NextAttempt, ScreenLink, next_from

REVEAL_LATER = {
    "after-pass": "on an attempt you pass",
    "after-last-attempt": "on an attempt you pass, or once you have used your last attempt",
    "never": "to trainers only",
}
ALWAYS = "after-each-submission"
RENEWING = "once you have renewed this module"


@dataclass(frozen=True)
class QuestionForm:
    """One question on an attempt form: what to show in its fields, and any message."""

    shown: Shown
    values: Mapping[str, list[str]]
    error: str | None = None
    notice: str | None = None
    shown_before: str = ""  # the fingerprint of the saved answer this form shows


@dataclass(frozen=True)
class ReviewedQuestion:
    """One question on a result page, with the screens that teach it."""

    review: Review
    screens: tuple[ScreenLink, ...]
    competencies: tuple[tuple[str, str], ...]  # (code, name)
    module_title: str | None = None  # to go back to the module when no screen is named


@dataclass(frozen=True)
class AttemptPage:
    """An attempt in progress, as a form."""

    module_slug: str
    module_title: str
    attempt_id: int
    number: int
    quiz_title: str
    max_attempts: int | None
    in_words: str  # its place in its set: "attempt 1 of 3", "renewal attempt 2 of 3"
    pass_mark: float
    revision: int
    closes_at: datetime | None
    time_limit_minutes: int | None
    time_up: bool
    questions: tuple[QuestionForm, ...]
    # False once its module has left the course: the attempt is still finished here, but
    # there is no quiz overview to go back to (My learning lists it instead).
    in_course: bool = True

    @property
    def errors(self) -> tuple[QuestionForm, ...]:
        """Return the questions with an error, in order."""
        return tuple(q for q in self.questions if q.error)

    @property
    def notices(self) -> tuple[QuestionForm, ...]:
        """Return the questions changed in another tab or window, in order."""
        return tuple(q for q in self.questions if q.notice)


@dataclass(frozen=True)
class ResultPage:
    """A graded attempt: the score, each question reviewed, and what comes next."""

    module_slug: str
    module_title: str
    attempt_id: int
    number: int
    quiz_title: str
    in_words: str  # its place in its set: "attempt 1 of 3", "renewal attempt 2 of 3"
    percent: int
    points: float
    points_possible: float
    pass_mark: float
    passed: bool
    reveal: bool
    reveal_later: str | None
    questions: tuple[ReviewedQuestion, ...]
    next: NextAttempt
    # A pass whose certificate was revoked since: it no longer completes the module...
    withdrawn: bool = False
    # ... which another pass that counts may still do.
    completed: bool = False
    # False once the module has left the course: the page says so, by its recorded title.
    in_course: bool = True
    # The module's title now, when it was renamed since the attempt was taken (module_title
    # is the one it was taken under).
    now_called: str | None = None


@dataclass(frozen=True)
class ConfirmPage:
    """Asking before an incomplete attempt is graded."""

    module_slug: str
    attempt_id: int
    quiz_title: str
    revision: int
    total: int
    unanswered: tuple[Shown, ...]
    graded: bool


def module_title(slug: str, attempt_id: int | None = None, recorded: str | None = None) -> str:
    """Return a module's title; once it has gone, the title its attempt `recorded`, else the
    one its certificates recorded (the attempt's own first), else its slug."""
    module = catalogue().module(slug)
    return module.title if module else module_titles.title_of(slug, attempt_id, recorded)


def attempt_page(
    attempt: quizzes.AttemptRow,
    found: quizzes.AttemptQuestions,
    answers: Mapping[str, object],
    *,
    revision: int | None = None,
    errors: Mapping[str, str] | None = None,
    submitted: Mapping[str, Mapping[str, list[str]]] | None = None,
    notices: Mapping[str, str] | None = None,
    time_up: bool = False,
    standing: quiz_standing.QuizStatus | None = None,
) -> AttemptPage:
    """Build the form of an attempt in progress, from saved answers and any messages.

    `standing` (the learner's with the quiz) numbers the attempt within its set.
    """
    errors, submitted, notices = errors or {}, submitted or {}, notices or {}
    forms = []
    for item in found.shown:
        qid = item.question.id
        saved = answers.get(qid)
        values = submitted[qid] if qid in submitted else item.question.form_fields(saved)
        before = fingerprint(item.question, saved)
        forms.append(QuestionForm(item, values, errors.get(qid), notices.get(qid), before))
    settings = found.settings
    return AttemptPage(
        module_slug=attempt.module_slug,
        module_title=module_title(attempt.module_slug, attempt.id, attempt.module_title),
        attempt_id=attempt.id,
        number=attempt.number,
        quiz_title=settings.title,
        max_attempts=settings.max_attempts,
        in_words=in_words(standing, attempt.number, settings.max_attempts),
        pass_mark=settings.pass_mark,
        revision=attempt.revision if revision is None else revision,
        closes_at=quizzes.deadline(attempt, settings),
        time_limit_minutes=settings.time_limit_minutes,
        time_up=time_up,
        questions=tuple(forms),
        in_course=catalogue().module(attempt.module_slug) is not None,
    )


def result_page(
    user_id: int,
    attempt: quizzes.AttemptRow,
    found: quizzes.AttemptQuestions,
    answers: Mapping[str, Saved],
    standing: quiz_standing.QuizStatus | None,
) -> ResultPage:
    """Review a graded attempt from its versions and the marks stored when it was graded.

    `standing` is the learner's with the module's quiz (None when the module or its quiz
    has gone).
    """
    module = catalogue().module(attempt.module_slug)
    next_step = next_from(module, standing, user_id) if module and standing else None
    next_step = next_step or NextAttempt("closed")
    settings = found.settings
    left = next_step.attempts_left if next_step.state != "passed" else None
    reveal = show_correct_answers(
        settings.show_correct_answers, passed=bool(attempt.passed), attempts_left=left
    )
    reveal_later = None if reveal else REVEAL_LATER.get(settings.show_correct_answers)
    if reveal and _before_renewal(standing, attempt) and settings.show_correct_answers != ALWAYS:
        # A renewal draws on the same questions: the earlier answers wait until it is done.
        reveal, reveal_later = False, RENEWING
    reviewed = []
    for item in found.shown:
        row = answers.get(item.question.id)
        value = row.value if row else None
        earned = (row.points or 0.0) if row else 0.0
        reviewed.append(
            ReviewedQuestion(
                review(item, value, earned, reveal=reveal),
                screens_teaching(module, item.question),
                competencies_named(item.question.competencies),
                module.title if module else None,
            )
        )
    for gone in found.missing:
        row = answers.get(gone.question_id)
        reviewed.append(
            ReviewedQuestion(removed(gone, (row.points or 0.0) if row else 0.0, 1.0), (), ())
        )
    reviewed.sort(key=lambda r: r.review.number)
    # Named as it was taken, as its grade and certificate are (module_title is None only on
    # an attempt from before titles were kept whose module had gone: see migration 0038).
    title = attempt.module_title or module_title(attempt.module_slug, attempt.id)
    return ResultPage(
        module_slug=attempt.module_slug,
        module_title=title,
        now_called=module.title if module is not None and module.title != title else None,
        in_course=module is not None,
        attempt_id=attempt.id,
        number=attempt.number,
        quiz_title=settings.title,
        in_words=in_words(standing, attempt.number, settings.max_attempts),
        percent=attempt.percent or 0,
        points=attempt.points or 0.0,
        points_possible=attempt.points_possible or 0.0,
        pass_mark=settings.pass_mark,
        passed=bool(attempt.passed),
        reveal=reveal,
        reveal_later=reveal_later,
        questions=tuple(reviewed),
        next=next_step,
        withdrawn=standing is not None and attempt.id in standing.withdrawn_ids,
        completed=standing is not None and standing.passed is not None,
    )


def in_words(
    standing: quiz_standing.QuizStatus | None, number: int, max_attempts: int | None
) -> str:
    """Name an attempt by its place in its set, or by its number when the quiz has gone."""
    if standing is None:
        return f"attempt {number}"
    return standing.attempt_in_words(number, max_attempts)


def _before_renewal(standing: quiz_standing.QuizStatus | None, attempt) -> bool:
    """Say whether the attempt came before the latest pass of a quiz open for renewal."""
    return (
        standing is not None
        and standing.renewing
        and standing.passed is not None
        and attempt.number <= standing.passed.number
    )


def confirm_page(
    attempt: quizzes.AttemptRow, found: quizzes.AttemptQuestions, answers: Mapping[str, object]
) -> ConfirmPage:
    """List the questions still unanswered before the learner submits anyway.

    `answers` are the saved answers' values by question id.
    """
    return ConfirmPage(
        module_slug=attempt.module_slug,
        attempt_id=attempt.id,
        quiz_title=found.settings.title,
        revision=attempt.revision,
        total=len(found.shown),
        unanswered=tuple(s for s in found.shown if answers.get(s.question.id) is None),
        graded=attempt.status == "graded",
    )


def screens_teaching(module: Module | None, question) -> tuple[ScreenLink, ...]:
    """Return the screens a question names, else those whose checks share its competencies."""
    if module is None:
        return ()
    if question.screens:
        named = (module.screen(slug) for slug in question.screens)
        return tuple(ScreenLink(s.slug, s.title) for s in named if s is not None)
    codes = set(question.competencies)
    return tuple(
        ScreenLink(screen.slug, screen.title)
        for screen in module.screens
        if screen.knowledge_check
        and codes & {c for q in screen.knowledge_check.questions for c in q.competencies}
    )


def competencies_named(codes) -> tuple[tuple[str, str], ...]:
    """Return each competency code with its name (empty for a code no framework has)."""
    course = catalogue()
    return tuple((code, c.name if (c := course.competency(code)) else "") for code in codes)
