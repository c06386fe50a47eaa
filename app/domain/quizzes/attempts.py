"""Attempts: which question versions a learner is shown, in what order, and their grade.

An attempt's selection is frozen when it starts: one entry per question shown, in the
learner's numbering, each naming the question's version (its hash) and the order its
options are shown in. Everything after that (the form, the grade, the result page) reads
the versions, so nothing a trainer edits later changes what the learner was asked.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from .base import BLANK, NOT_ON_FORM, FormFields, InvalidAnswer, Question, StaleForm
from .model import QuestionGroup, Quiz

# No answer checked already (grade's default): read-only, so no call can fill it for the next.
NONE_CHECKED: Mapping[str, Any] = MappingProxyType({})


class Shown(NamedTuple):
    """A question as an attempt shows it: its number, version and options in shown order.

    A named tuple: every request on an attempt makes one for each question, and a frozen
    dataclass took more than twice as long to build.
    """

    number: int
    question: Question
    version: str | None
    order: tuple[str, ...]

    @property
    def options(self) -> tuple:
        """Return the question's options in the order this attempt shows them."""
        return self.question.options_in(self.order)


@dataclass(frozen=True)
class Missing:
    """A question an attempt showed whose version was never kept and is gone from the file."""

    number: int
    question_id: str


class Marked(NamedTuple):
    """One question's result in a graded attempt (a named tuple, as Shown is)."""

    shown: Shown
    points: float
    fraction: float
    answered: bool

    @property
    def question(self) -> Question:
        """Return the question marked."""
        return self.shown.question


@dataclass(frozen=True)
class Grade:
    """An attempt's result: points, whole percentage and whether it passed."""

    points: float
    points_possible: float
    percent: int
    passed: bool
    marked: tuple[Marked, ...]


@dataclass(frozen=True)
class FormAnswers:
    """What a form said about each question it carried."""

    given: Mapping[str, Any] = field(default_factory=dict)  # question id -> answer
    blank: frozenset[str] = frozenset()  # on the form and left blank
    errors: Mapping[str, str] = field(default_factory=dict)  # question id -> message
    submitted: Mapping[str, Mapping[str, list[str]]] = field(default_factory=dict)
    shown_before: Mapping[str, str] = field(default_factory=dict)  # id -> fingerprint
    # The given answers as check_answer returns them, so grading need not check them again.
    checked: Mapping[str, Any] = field(default_factory=dict)  # question id -> normal form
    # Sent as pages drawn before an update sent them (StaleForm): errors, to show as saved.
    stale: frozenset[str] = frozenset()


def select_questions(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Draw each pool, shuffle as the quiz and each type say, and return the selection."""
    chosen: list[Question] = []
    for item in quiz.items:
        if isinstance(item, QuestionGroup):
            chosen += rng.sample(list(item.questions), min(item.pick, len(item.questions)))
        else:
            chosen.append(item)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return [
        {
            "question": question.id,
            "version": quiz.versions[question.id].hash,
            "order": list(question.display_order(rng, quiz.shuffle_answers)),
        }
        for question in chosen
    ]


def every_question(quiz: Quiz, seed: str | int | None = None) -> list[dict]:
    """Return every question (no pools drawn), shuffled as the quiz says when given a seed.

    A knowledge check keeps no attempt open to hold the order it showed, so the order is
    drawn from the quiz's id and `seed` (a learner's): every showing and every post of the
    form gives a learner the same order. Without a seed (a SCORM package, which shuffles
    in the browser) questions and choices keep the written order where the type allows.
    """
    shuffling = seed is not None and (quiz.shuffle_answers or quiz.shuffle_questions)
    # Unshuffled, one order for everyone: steps and matches still never in answer order.
    rng = random.Random(f"{quiz.id}:{seed}" if shuffling else quiz.id)
    questions = list(quiz.questions)
    if shuffling and quiz.shuffle_questions:
        rng.shuffle(questions)
    return [
        {
            "question": question.id,
            "version": quiz.versions[question.id].hash,
            "order": list(question.display_order(rng, shuffling and quiz.shuffle_answers)),
        }
        for question in questions
    ]


def shown_questions(
    selection: Sequence[Mapping], versions: Mapping[str, Question], quiz: Quiz | None = None
) -> tuple[tuple[Shown, ...], tuple[Missing, ...]]:
    """Return the selection's questions from their versions.

    An entry from before versions were kept falls back to the quiz file as it is now
    (`quiz`); one whose question has gone from the file too is returned as Missing.
    """
    shown, missing = [], []
    for number, entry in enumerate(selection, 1):
        version = entry.get("version")
        question = versions.get(version) if version else None
        if question is None and quiz is not None and not version:
            question = quiz.question(entry["question"])
        if question is None:
            missing.append(Missing(number, entry["question"]))
            continue
        order = tuple(entry.get("order", ()))
        known = question.option_set
        if len(order) != len(known) or frozenset(order) != known:
            # Not every option once (an order kept from before an edit): the known ones, in
            # their order, then the rest in written order.
            order = tuple(i for i in order if i in known)
            order += tuple(i for i in question.option_ids if i not in order)
        shown.append(Shown(number, question, version, order))
    return tuple(shown), tuple(missing)


def read_answers(shown: Sequence[Shown], form: FormFields) -> FormAnswers:
    """Read every question a form carries; a wrong one is reported by the learner's number."""
    given: dict[str, Any] = {}
    blank: set[str] = set()
    errors: dict[str, str] = {}
    submitted: dict[str, Mapping[str, list[str]]] = {}
    shown_before: dict[str, str] = {}
    checked: dict[str, Any] = {}
    stale: set[str] = set()
    for item in shown:
        question = item.question
        before = form.getlist(question.shown_field)
        if before:
            shown_before[question.id] = before[0]
        try:
            value = question.read_form(form)
            if value is NOT_ON_FORM:
                continue
            if value is BLANK:
                blank.add(question.id)
                continue
            checked[question.id] = question.check_answer(value)
        except StaleForm as error:
            # Not kept in `submitted`: drawn again, the question shows what was saved, as the
            # values sent name no choice on today's form.
            errors[question.id] = f"Question {item.number}: {error}"
            stale.add(question.id)
            continue
        except InvalidAnswer as error:
            errors[question.id] = f"Question {item.number}: {error}"
            submitted[question.id] = question.submitted(form)
            continue
        given[question.id] = value
    return FormAnswers(
        given, frozenset(blank), errors, submitted, shown_before, checked, frozenset(stale)
    )


def fingerprint(question: Question, answer: Any) -> str:
    """Return a short name for an answer as its fields show it, for forms to send back.

    A form carries the fingerprint of each answer it showed, so a save can tell a question
    the learner changed on that form from one they left as it was shown.
    """
    fields = {name: sorted(values) for name, values in question.form_fields(answer).items()}
    text = json.dumps({n: v for n, v in fields.items() if v}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def same_answer(question: Question, first: Any, second: Any) -> bool:
    """Say whether two stored answers mean the same (ticks in another order, case, spacing)."""
    if first is None or second is None:
        return first is second
    try:
        return question.check_answer(first) == question.check_answer(second)
    except InvalidAnswer:
        return first == second


def grade(
    shown: Sequence[Shown],
    answers: Mapping[str, Any],
    pass_mark: float,
    checked: Mapping[str, Any] = NONE_CHECKED,
) -> Grade:
    """Mark every question shown; an unanswered question earns nothing.

    `checked` may give some of the answers as check_answer returned them (FormAnswers'),
    by question id: those are not checked again.
    """
    marked = []
    for item in shown:
        question = item.question
        qid = question.id
        answered = answers.get(qid) is not None
        if not answered:
            fraction = 0
        elif qid in checked:
            fraction = question.score(checked[qid])
        else:
            fraction = question.score(question.check_answer(answers[qid]))
        marked.append(Marked(item, fraction * question.points, fraction, answered))
    points = sum(m.points for m in marked)
    possible = sum(m.question.points for m in marked)
    # Rounded first so 0.1 + 0.2 points out of 0.3 is 100%, not 99%.
    percent = math.floor(round(points * 100 / possible, 9)) if possible else 0
    return Grade(points, possible, percent, percent >= pass_mark, tuple(marked))


def unanswered(shown: Sequence[Shown], answers: Mapping[str, Any]) -> tuple[Shown, ...]:
    """Return the questions with no answer yet, in the learner's numbering."""
    return tuple(item for item in shown if answers.get(item.question.id) is None)


def show_correct_answers(setting: str, *, passed: bool, attempts_left: int | None) -> bool:
    """Say whether a quiz's reveal setting lets a learner see the correct answers now."""
    return (
        setting == "after-each-submission"
        or (setting == "after-pass" and passed)
        or (setting == "after-last-attempt" and (passed or attempts_left == 0))
    )
