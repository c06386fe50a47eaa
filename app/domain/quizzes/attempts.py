"""Attempts: freezing which questions a learner sees, in what order, and grading them."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .base import InvalidAnswer, Question
from .model import QuestionGroup, Quiz


@dataclass(frozen=True)
class Shown:
    """A question as an attempt shows it: the question and its options in display order."""

    question: Question
    order: tuple[str, ...]


@dataclass(frozen=True)
class Marked:
    """One question's result in a graded attempt."""

    question: Question
    points: float
    fraction: float
    answered: bool


@dataclass(frozen=True)
class Grade:
    """An attempt's result: points, whole percentage and whether it passed."""

    points: float
    points_possible: float
    percent: int
    passed: bool
    marked: tuple[Marked, ...]


def option_ids(question: Question) -> tuple[str, ...]:
    """Return the ids of what a learner picks from or arranges, in written order."""
    for name in ("choices", "options", "items"):
        if hasattr(question, name):
            return tuple(option.id for option in getattr(question, name))
    return ()


def select_questions(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Draw each pool, shuffle as the quiz says, and return the selection to freeze."""
    chosen: list[Question] = []
    for item in quiz.items:
        if isinstance(item, QuestionGroup):
            chosen += rng.sample(list(item.questions), min(item.pick, len(item.questions)))
        else:
            chosen.append(item)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    selection = []
    for question in chosen:
        order = list(option_ids(question))
        # Steps to order must never appear in their answer order; choices follow the quiz.
        if question.type_name == "ordering" or (
            quiz.shuffle_answers and question.type_name not in ("true-false",)
        ):
            rng.shuffle(order)
        selection.append({"question": question.id, "order": order})
    return selection


def shown_questions(quiz: Quiz, selection: Sequence[Mapping]) -> tuple[Shown, ...]:
    """Return the frozen selection as questions, skipping any since removed from the file."""
    shown = []
    for entry in selection:
        question = quiz.question(entry["question"])
        if question is not None:
            known = set(option_ids(question))
            order = tuple(i for i in entry.get("order", ()) if i in known)
            order += tuple(i for i in option_ids(question) if i not in order)
            shown.append(Shown(question, order))
    return tuple(shown)


def every_question(quiz: Quiz) -> list[dict]:
    """Return a selection of every question in written order (knowledge checks, previews)."""
    return [{"question": question.id} for question in quiz.questions]


def check_answers(quiz: Quiz, selection: Sequence[Mapping], raw: Mapping[str, Any]) -> dict:
    """Return the checked answers by question id; raise InvalidAnswer naming the question."""
    allowed = {shown.question.id: shown.question for shown in shown_questions(quiz, selection)}
    checked = {}
    for question_id, value in raw.items():
        question = allowed.get(question_id)
        if question is None:
            raise InvalidAnswer(f"question '{question_id}' is not part of this attempt")
        try:
            question.check_answer(value)
        except InvalidAnswer as error:
            raise InvalidAnswer(f"{question.title or 'question'}: {error}") from None
        checked[question_id] = value
    return checked


def grade(quiz: Quiz, selection: Sequence[Mapping], answers: Mapping[str, Any]) -> Grade:
    """Mark every question shown; an unanswered question earns nothing."""
    marked = []
    for shown in shown_questions(quiz, selection):
        question = shown.question
        answered = question.id in answers
        fraction = question.score(question.check_answer(answers[question.id])) if answered else 0.0
        marked.append(Marked(question, fraction * question.points, fraction, answered))
    points = sum(m.points for m in marked)
    possible = sum(m.question.points for m in marked)
    # Rounded first so 0.1 + 0.2 points out of 0.3 is 100%, not 99%.
    percent = math.floor(round(points * 100 / possible, 9)) if possible else 0
    return Grade(points, possible, percent, percent >= quiz.pass_mark, tuple(marked))


def show_correct_answers(quiz: Quiz, *, passed: bool, attempts_left: int | None) -> bool:
    """Say whether the quiz's setting lets a learner see the correct answers now."""
    setting = quiz.show_correct_answers
    return (
        setting == "after-each-submission"
        or (setting == "after-pass" and passed)
        or (setting == "after-last-attempt" and (passed or attempts_left == 0))
    )
