"""A quiz's whole bank as a trainer reads it: every question, its answers, feedback and place."""

from __future__ import annotations

from dataclasses import dataclass

from app.content import catalogue
from app.domain.quizzes import Question
from app.domain.quizzes.model import QuestionGroup
from app.domain.quizzes.review import Review, preview
from app.services.item_stats import find_quiz, project_path
from app.services.quiz_pages import competencies_named


@dataclass(frozen=True)
class BankQuestion:
    """One question of the bank: everything a learner could see, and where it is written."""

    review: Review
    place: str
    type_name: str
    title: str | None
    outcomes: tuple[int, ...]
    competencies: tuple[tuple[str, str], ...]
    options: tuple[tuple[str, bool | None, str | None], ...]  # (text, right, feedback)


@dataclass(frozen=True)
class BankGroup:
    """A pool (pick some of its questions) or a single question always asked."""

    pick: int | None
    points_per_question: float | None
    line: int | None
    questions: tuple[BankQuestion, ...]


@dataclass(frozen=True)
class BankPage:
    """The whole bank of a quiz, in file order."""

    quiz_id: str
    quiz_title: str
    place: str
    kind: str
    pass_mark: float
    shuffle_questions: bool
    shuffle_answers: bool
    per_attempt: int
    groups: tuple[BankGroup, ...]
    module_slug: str  # where the questions' `screen:` links lead


def bank(quiz_id: str) -> BankPage | None:
    """Return every question of a quiz with its answers, feedback, pool and place, or None."""
    quiz = find_quiz(quiz_id, catalogue())
    if quiz is None:
        return None
    path = project_path(quiz.path)
    number = 0
    groups = []
    for item in quiz.items:
        questions = item.questions if isinstance(item, QuestionGroup) else (item,)
        rows = []
        for question in questions:
            number += 1
            rows.append(_bank_question(number, question, path))
        if isinstance(item, QuestionGroup):
            groups.append(BankGroup(item.pick, item.points_per_question, item.line, tuple(rows)))
        else:
            groups.append(BankGroup(None, None, None, tuple(rows)))
    per_attempt = sum(
        min(item.pick, len(item.questions)) if isinstance(item, QuestionGroup) else 1
        for item in quiz.items
    )
    return BankPage(
        quiz.id,
        quiz.title,
        path,
        quiz.kind,
        quiz.pass_mark,
        quiz.shuffle_questions,
        quiz.shuffle_answers,
        per_attempt,
        tuple(groups),
        quiz.module,
    )


def _bank_question(number: int, question: Question, path: str) -> BankQuestion:
    return BankQuestion(
        preview(number, question),
        f"{path}:{question.line}",
        question.type_name,
        question.title,
        question.outcomes,
        competencies_named(question.competencies),
        _options(question),
    )


def _options(question: Question) -> tuple[tuple[str, bool | None, str | None], ...]:
    """Return what a learner picks from: choices with right and feedback, else the options."""
    choices = getattr(question, "choices", None)
    if choices:
        return tuple((c.text, c.correct, c.feedback) for c in choices)
    return tuple((option.text, None, None) for option in question.options)
