"""Screens and the knowledge checks on them: asking, marking once, and the feedback shown."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import db
from app.domain.content import Module, Screen
from app.domain.quizzes import FormFields
from app.domain.quizzes.attempts import every_question, grade, read_answers, shown_questions
from app.domain.quizzes.attempts import show_correct_answers as reveals
from app.domain.quizzes.review import review
from app.models import Answer, Attempt, utcnow
from app.services import learning, quiz_versions, quizzes, xapi
from app.services.learning import ModuleState
from app.services.quiz_pages import QuestionForm, ReviewedQuestion, competencies_named

# Said to a learner whose answer lost the race with one sent at the same moment (a double
# click, another tab): the feedback then shown is on the answer that was recorded.
RECORDED_ELSEWHERE = (
    "An answer to this check had already been recorded from another tab or window (or a "
    "second click), so the answer sent from here was not. The answer recorded and its "
    "result are shown."
)

# The form field carrying the versions of the questions the page showed, so an answer sent
# from a page opened before a trainer edited the check is not marked against another question.
VERSIONS_FIELD = "check_versions"


def changed_since_opened(number: int) -> str:
    """Say that a question changed after the page was opened, so the answer was not marked."""
    return (
        f"Question {number} changed after you opened this page, so your answer was not "
        "marked: read the question again and choose your answer"
    )


@dataclass(frozen=True)
class CheckView:
    """A screen's knowledge check: its question as a form, or the feedback on an answer."""

    quiz_id: str
    questions: tuple[QuestionForm, ...]
    reviews: tuple[ReviewedQuestion, ...]
    answered_before: bool
    preview: bool
    notice: str | None = None  # shown above the feedback
    # Why the screen came back to its check (Next pressed with it unanswered): its error.
    unanswered: str | None = None

    @property
    def errors(self) -> tuple[QuestionForm, ...]:
        """Return the questions with an error."""
        return tuple(q for q in self.questions if q.error)

    @property
    def order(self) -> tuple[tuple[str, ...], ...]:
        """Return the order of the questions and their options the form shows."""
        # A shuffled check shows each learner their own order: a page kept for everyone at
        # this point is kept for each order (app/web/learn.py).
        return tuple((q.shown.question.id, *q.shown.order) for q in self.questions)

    @property
    def versions(self) -> str:
        """Return the versions of the questions the form shows, for it to send back."""
        return " ".join(q.shown.version or "" for q in self.questions)


@dataclass(frozen=True)
class ScreenPage:
    """A screen as the learner (or a trainer previewing) sees it."""

    state: ModuleState
    screen: Screen
    preview: bool
    check: CheckView | None

    @property
    def locked(self) -> bool:
        """Say whether the learner has not reached this screen yet."""
        return self.state.state(self.screen) == "locked"


@dataclass(frozen=True)
class CheckOutcome:
    """What answering a knowledge check did: "answered", "invalid" or "closed".

    "taken": another answer sent at the same moment was recorded instead of this one;
    `attempt_id` is that answer's, and the page shows it with RECORDED_ELSEWHERE.
    """

    kind: str
    attempt_id: int | None
    page: ScreenPage | None


def screen_page(
    user_id: int,
    module: Module,
    screen: Screen,
    *,
    preview: bool,
    check_attempt: int | None,
    notice: str | None = None,
    unanswered: str | None = None,
) -> ScreenPage:
    """Load where the learner stands and the screen's check, with feedback on `check_attempt`.

    `notice` is shown above that feedback (there is none without it); `unanswered`, why the
    learner was sent back to the check, above its question (there is none with feedback).
    """
    state = learning.state_for(user_id, module, preview=preview)
    check = None
    if screen.knowledge_check is not None:
        reviews = () if check_attempt is None else _feedback(user_id, screen, check_attempt)
        check = _check_view(
            user_id,
            screen,
            state,
            preview,
            reviews=reviews,
            notice=notice if reviews else None,
            unanswered=None if reviews else unanswered,
        )
    return ScreenPage(state, screen, preview, check)


def answer_check(
    user_id: int,
    module: Module,
    screen: Screen,
    fields: FormFields,
    *,
    preview: bool,
    now: datetime | None = None,
) -> CheckOutcome:
    """Mark a knowledge check answer and keep it as a graded attempt; the screen completes.

    Any answer completes the screen, right or not: the check is for the learner's benefit.
    A blank or invalid answer changes nothing and comes back with its error.
    """
    quiz = screen.knowledge_check
    now = now or utcnow()
    state = learning.state_for(user_id, module, preview=preview)
    if not preview and state.state(screen) == "locked":
        return CheckOutcome("closed", None, None)
    selection = every_question(quiz, user_id)  # the order the learner's form showed
    shown, _ = shown_questions(selection, {v.hash: v.question for v in quiz.versions.values()})
    sent = fields.getlist(VERSIONS_FIELD)
    if sent:
        opened = set(sent[0].split())
        changed = {
            i.question.id: changed_since_opened(i.number) for i in shown if i.version not in opened
        }
        if changed:
            # Shown again as it is now, with nothing chosen: what was chosen named another question.
            check = _check_view(user_id, screen, state, preview, errors=changed)
            return CheckOutcome("invalid", None, ScreenPage(state, screen, preview, check))
    read = read_answers(shown, fields)
    errors = dict(read.errors)
    for item in shown:
        if item.question.id not in read.given and item.question.id not in errors:
            errors[item.question.id] = f"Question {item.number}: {item.question.blank_message}"
    if errors:
        check = _check_view(
            user_id, screen, state, preview, errors=errors, submitted=read.submitted
        )
        return CheckOutcome("invalid", None, ScreenPage(state, screen, preview, check))
    result = grade(shown, read.given, quiz.pass_mark)
    reveal = reveals(quiz.show_correct_answers, passed=result.passed, attempts_left=None)
    reviews = tuple(
        ReviewedQuestion(
            review(m.shown, read.given.get(m.question.id), m.points, reveal=reveal),
            (),
            # A check's answers are practice, not evidence of any competency: its feedback
            # names none (a trainer previewing still sees the mapping).
            competencies_named(m.question.competencies) if preview else (),
        )
        for m in result.marked
    )
    if preview:
        check = _check_view(user_id, screen, state, preview, reviews=reviews)
        return CheckOutcome("answered", None, ScreenPage(state, screen, preview, check))
    attempt_id, kept = _keep(user_id, module, screen, selection, result, read.given, now)
    notice = None
    if not kept:  # the answer recorded is the other one: its feedback, not this one's
        reviews, notice = _feedback(user_id, screen, attempt_id), RECORDED_ELSEWHERE
    state = learning.state_for(user_id, module)
    check = _check_view(user_id, screen, state, preview, reviews=reviews, notice=notice)
    kind = "answered" if kept else "taken"
    return CheckOutcome(kind, attempt_id, ScreenPage(state, screen, preview, check))


def _keep(user_id, module, screen, selection, result, given, now) -> tuple[int, bool]:
    """Store the answer as a graded attempt and complete the screen, in one commit.

    Returns the attempt's id and True; or, when another answer sent at the same moment took
    its number first, that answer's id and False (this one is not stored).
    """
    session = db.session()
    quiz = screen.knowledge_check
    quiz_versions.store(session, quiz.versions.values())
    number = quizzes._next_number(user_id, quiz.id)
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        module_slug=module.slug,
        number=number,
        status="graded",
        selection=selection,
        quiz_settings=quiz.settings.to_content(),
        started_at=now,
        submitted_at=now,
        module_title=module.title,
        points=result.points,
        points_possible=result.points_possible,
        percent=result.percent,
        passed=result.passed,
        answers=[
            Answer(
                question_id=m.question.id,
                response={"value": value},
                points=m.points,
                question_version=m.shown.version,
                saved_at=now,
            )
            for m in result.marked
            if (value := given.get(m.question.id)) is not None
        ],
    )
    session.add(attempt)
    xapi.knowledge_check_answered(user_id, module, quiz, attempt.number, given, result)
    for key in screen.item_keys:
        learning.record(user_id, module.slug, key)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        # Another answer (a second click, another tab) took this number a moment ago: that
        # one is the record, whatever this one said.
        taken = session.scalar(
            select(Attempt.id).where(
                Attempt.user_id == user_id, Attempt.quiz_id == quiz.id, Attempt.number == number
            )
        )
        if taken is None:
            raise
        return taken, False
    return attempt.id, True


def _feedback(user_id: int, screen: Screen, attempt_id: int) -> tuple[ReviewedQuestion, ...]:
    """Review a knowledge-check attempt of this learner from its stored versions and marks."""
    attempt = db.session().get(Attempt, attempt_id)
    quiz = screen.knowledge_check
    if (
        attempt is None
        or attempt.user_id != user_id
        or attempt.quiz_id != quiz.id
        or attempt.status != "graded"
    ):
        return ()
    found = quizzes.questions_of(attempt)
    rows = {answer.question_id: answer for answer in attempt.answers}
    reveal = reveals(
        found.settings.show_correct_answers, passed=bool(attempt.passed), attempts_left=None
    )
    return tuple(
        ReviewedQuestion(
            review(
                item,
                rows[item.question.id].response.get("value") if item.question.id in rows else None,
                (rows[item.question.id].points or 0.0) if item.question.id in rows else 0.0,
                reveal=reveal,
            ),
            (),
            (),  # no competency: a check is not evidence (see above)
        )
        for item in found.shown
    )


def _check_view(
    user_id: int,
    screen: Screen,
    state: ModuleState,
    preview: bool,
    *,
    reviews: tuple[ReviewedQuestion, ...] = (),
    errors: Mapping[str, str] | None = None,
    submitted: Mapping[str, Mapping[str, list[str]]] | None = None,
    notice: str | None = None,
    unanswered: str | None = None,
) -> CheckView:
    quiz = screen.knowledge_check
    errors, submitted = errors or {}, submitted or {}
    # Shuffled (when the quiz says) the same way for this learner every time it is shown.
    shown, _ = shown_questions(
        every_question(quiz, user_id), {v.hash: v.question for v in quiz.versions.values()}
    )
    forms = tuple(
        QuestionForm(item, submitted.get(item.question.id, {}), errors.get(item.question.id))
        for item in shown
    )
    answered = state.item_done(f"check:{quiz.id}") and not preview
    return CheckView(
        quiz.id, () if reviews else forms, reviews, answered, preview, notice, unanswered
    )
