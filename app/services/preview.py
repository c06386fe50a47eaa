"""A trainer's preview: take a quiz as a learner would (its whole bank: quiz_bank.py).

A preview attempt is a small dictionary the caller keeps in the signed session: the
quiz, the seed its questions were drawn and shuffled with, and the answers given. It
never touches the database, so nothing is recorded: no attempt, answer, progress,
evidence, competency level, certificate, xAPI statement or item statistic.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from app.content import catalogue
from app.domain.quizzes.attempts import (
    Shown,
    every_question,
    fingerprint,
    grade,
    read_answers,
    select_questions,
    shown_questions,
    unanswered,
)
from app.domain.quizzes.model import Quiz
from app.domain.quizzes.review import review
from app.services.item_stats import find_quiz
from app.services.quiz_pages import (
    QuestionForm,
    ReviewedQuestion,
    competencies_named,
    screens_teaching,
)

# The most a preview's answers may take, as JSON, in the signed session cookie.
ANSWERS_LIMIT = 2000
# How much of each drawn question's version hash the preview keeps: enough to notice an edit.
VERSION_CHARS = 8


class NoPreview(LookupError):
    """There is no preview attempt of this quiz in the session (or the quiz is gone)."""


@dataclass(frozen=True)
class PreviewAttempt:
    """A preview attempt as a form."""

    quiz_id: str
    quiz_title: str
    module_title: str
    kind: str
    pass_mark: float
    questions: tuple[QuestionForm, ...]
    module_slug: str  # where the questions' `screen:` links lead
    changed: bool = False  # a question was edited since the preview was drawn

    @property
    def errors(self) -> tuple[QuestionForm, ...]:
        """Return the questions with an error, in order."""
        return tuple(q for q in self.questions if q.error)


@dataclass(frozen=True)
class PreviewConfirm:
    """The question a learner is asked before an incomplete attempt is marked, for a preview."""

    quiz_id: str
    quiz_title: str
    total: int
    unanswered: tuple[Shown, ...]


@dataclass(frozen=True)
class PreviewResult:
    """A preview attempt marked, with every piece of feedback and the right answers."""

    quiz_id: str
    quiz_title: str
    module_slug: str
    percent: int
    points: float
    points_possible: float
    pass_mark: float
    passed: bool
    questions: tuple[ReviewedQuestion, ...]
    kind: str = "assessment"  # a knowledge check has no pass mark to meet


def start(quiz_id: str) -> dict:
    """Return a new preview attempt of the quiz: a fresh draw and no answers."""
    if _quiz(quiz_id) is None:
        raise NoPreview(quiz_id)
    state = {"quiz": quiz_id, "seed": secrets.randbelow(2**31), "answers": {}}
    # A learner's attempt keeps the versions it showed; a preview keeps a short mark of each,
    # to tell the trainer when the file has changed under it, not mark a stale answer.
    _, shown = _drawn(quiz_id, state)
    return {**state, "drawn": [_version(item) for item in shown]}


def attempt_form(
    quiz_id: str,
    state: Mapping | None,
    submitted: Mapping[str, Mapping[str, list[str]]] | None = None,
    errors: Mapping[str, str] | None = None,
) -> PreviewAttempt:
    """Build the form of a preview attempt, with what was given and any messages."""
    quiz, shown = _drawn(quiz_id, state)
    answers, submitted, errors = state.get("answers", {}), submitted or {}, errors or {}
    forms = []
    for item in shown:
        qid = item.question.id
        saved = answers.get(qid)
        values = submitted[qid] if qid in submitted else item.question.form_fields(saved)
        forms.append(
            QuestionForm(item, values, errors.get(qid), None, fingerprint(item.question, saved))
        )
    module = catalogue().module(quiz.module)
    return PreviewAttempt(
        quiz.id,
        quiz.title,
        module.title if module else quiz.module,
        quiz.kind,
        quiz.pass_mark,
        tuple(forms),
        quiz.module,
        bool(_changed(shown, state)),
    )


def submit(quiz_id: str, state: Mapping | None, form) -> tuple[dict, PreviewAttempt | None]:
    """Read a submitted form: the new state, and the form again if an answer is invalid.

    As a learner's attempt, a preview with questions unanswered is marked only once the
    trainer confirms (`confirmed=yes`); until then its state is not `submitted` (see confirm).
    """
    _, shown = _drawn(quiz_id, state)
    read = read_answers(shown, form)
    answers = {k: v for k, v in state.get("answers", {}).items() if k not in read.blank}
    answers.update(read.given)
    errors = dict(read.errors)
    submitted = dict(read.submitted)
    for item in _changed(shown, state):
        qid = item.question.id
        errors[qid] = (
            f"Question {item.number} has changed since this preview was drawn: "
            "start a new preview to answer it as it is now"
        )
        submitted[qid] = {}
        answers.pop(qid, None)
    # The answers travel in the session cookie, which browsers cap at about 4 kB.
    while len(json.dumps(answers)) > ANSWERS_LIMIT:
        longest = max(answers, key=lambda qid: len(json.dumps(answers[qid])))
        number = next(item.number for item in shown if item.question.id == longest)
        errors[longest] = f"Question {number}: in a preview, give a shorter answer"
        submitted[longest] = {}
        del answers[longest]
    asks_first = form.get("confirmed") != "yes" and bool(unanswered(shown, answers))
    new_state = {**state, "answers": answers, "submitted": not errors and not asks_first}
    if errors:
        return new_state, attempt_form(quiz_id, new_state, submitted, errors)
    return new_state, None


def confirm(quiz_id: str, state: Mapping | None) -> PreviewConfirm:
    """List the questions the preview leaves unanswered, before it is marked anyway."""
    quiz, shown = _drawn(quiz_id, state)
    left = unanswered(shown, state.get("answers", {}))
    return PreviewConfirm(quiz.id, quiz.title, len(shown), left)


def result(quiz_id: str, state: Mapping | None) -> PreviewResult:
    """Mark a submitted preview attempt and review every question with all its feedback."""
    if not state or not state.get("submitted"):
        raise NoPreview(quiz_id)
    quiz, shown = _drawn(quiz_id, state)
    answers = state.get("answers", {})
    graded = grade(shown, answers, quiz.pass_mark)
    module = catalogue().module(quiz.module)
    reviewed = tuple(
        ReviewedQuestion(
            review(marked.shown, answers.get(marked.question.id), marked.points, reveal=True),
            screens_teaching(module, marked.question),
            competencies_named(marked.question.competencies),
            module.title if module else None,
        )
        for marked in graded.marked
    )
    return PreviewResult(
        quiz.id,
        quiz.title,
        quiz.module,
        graded.percent,
        graded.points,
        graded.points_possible,
        quiz.pass_mark,
        graded.passed,
        reviewed,
        quiz.kind,
    )


def _version(item: Shown) -> str:
    return (item.version or "")[:VERSION_CHARS]


def _changed(shown: tuple[Shown, ...], state: Mapping) -> tuple[Shown, ...]:
    """Return the questions shown now that are not what the preview drew (edited, or drawn
    differently since a pool changed); none for a preview from before draws were kept."""
    drawn = state.get("drawn")
    if drawn is None:
        return ()
    return tuple(item for n, item in enumerate(shown) if drawn[n : n + 1] != [_version(item)])


def _quiz(quiz_id: str) -> Quiz | None:
    return find_quiz(quiz_id, catalogue())


def _drawn(quiz_id: str, state: Mapping | None) -> tuple[Quiz, tuple[Shown, ...]]:
    """Return the quiz and the questions the preview's seed draws, as a learner would see."""
    quiz = _quiz(quiz_id)
    if quiz is None or not state or state.get("quiz") != quiz_id:
        raise NoPreview(quiz_id)
    seed = state.get("seed", 0)
    # A quiz draws its pools and shuffles; a knowledge check shows every question, shuffled
    # as a learner's is (one order for each seed).
    if quiz.kind == "assessment":
        selection = select_questions(quiz, random.Random(seed))
    else:
        selection = every_question(quiz, seed)
    versions = {version.hash: version.question for version in quiz.versions.values()}
    shown, _missing = shown_questions(selection, versions, quiz)
    return quiz, shown
