"""Questions answered by picking from choices: single choice, true-false, multiple answers."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Any, ClassVar

from .base import (
    InvalidAnswer,
    Question,
    letter_id,
    one_text,
    text_list,
)
from .choice_values import ChoiceValues
from .drafts import QuestionDraft, QuestionReport
from .model import AnswerPart, Choice

SINGLE_KINDS = frozenset({"mctf_correct_choice", "mctf_incorrect_choice"})
MULTIPLE_KINDS = frozenset({"multans_correct_choice", "multans_incorrect_choice"})


def build_choices(
    draft: QuestionDraft, report: QuestionReport, *, multiple: bool
) -> tuple[Choice, ...] | None:
    """Return a draft's choices, reporting too few, repeated or alike ones and unmarked answers."""
    before = len(report.problems)
    seen: set[str] = set()
    choices = []
    for index, answer in enumerate(draft.answers):
        if answer.text in seen:
            report.error(answer.line, f"has the choice '{answer.text}' twice")
        seen.add(answer.text)
        correct = answer.kind.endswith("_correct_choice")
        choices.append(Choice(letter_id(index), answer.text, correct, answer.feedback, answer.line))
    values = {c.form_value for c in choices}
    if len(values) < len(choices) and len(report.problems) == before:
        # Two texts with one form value (a 1 in 4 billion chance): a form could not say which.
        report.error(draft.line, "has two choices a quiz page cannot tell apart: reword one")
    if len(choices) < 2:
        report.error(draft.line, "needs at least two choices")
    correct_lines = [c.line for c in choices if c.correct]
    if not correct_lines and choices:
        how = "at least one choice with [*]" if multiple else "one choice with *a)"
        report.error(draft.line, f"has no correct answer: mark {how}")
    if not multiple and len(correct_lines) > 1:
        report.error(
            correct_lines[1],
            f"has {_count(len(correct_lines))} correct answers in a single-choice question: "
            "use [*] for multiple answers",
        )
    return tuple(choices) if len(report.problems) == before else None


def _count(number: int) -> str:
    return {2: "two", 3: "three"}.get(number, str(number))


@dataclass(frozen=True)
class SingleChoice(ChoiceValues, Question):
    """Pick one choice; `*a)` marks the correct one."""

    type_name: ClassVar[str] = "single-choice"
    answer_name: ClassVar[str | None] = "choice"
    has_distractors: ClassVar[bool] = True
    right_is_the_correct_answer: ClassVar[bool] = True
    answer_kinds: ClassVar[frozenset[str]] = SINGLE_KINDS
    partial: ClassVar[str] = "quiz/types/radios.html"
    nested: ClassVar[Mapping[str, type]] = {"choices": Choice}
    blank_message: ClassVar[str] = "choose an answer"

    choices: tuple[Choice, ...] = ()

    @property
    def options(self) -> tuple[Choice, ...]:
        """Return the choices in written order."""
        return self.choices

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> SingleChoice | None:
        """Return the question, or None after reporting what is wrong with its choices."""
        choices = build_choices(draft, report, multiple=False)
        return None if choices is None else cls(**draft.common(), choices=choices)

    def check_answer(self, raw: Any) -> str:
        """Return the chosen choice id, or raise InvalidAnswer for anything else."""
        chosen = one_text(raw, "one of the options")
        if chosen not in self.option_set:
            raise InvalidAnswer("choose one of the options")
        return chosen

    def score(self, answer: str) -> float:
        """Return 1 for the correct choice and 0 for any other."""
        return 1.0 if answer in self.correct_ids else 0.0

    @cached_property  # the question never changes; every answer marked asks
    def correct_ids(self) -> frozenset[str]:
        """Return the ids of the correct choices."""
        return frozenset(c.id for c in self.choices if c.correct)

    def example_answer(self, right: bool) -> str:
        """Return the correct choice's id, or the first wrong one's."""
        return next(c.id for c in self.choices if c.correct == right)

    def demo_answerer(self) -> Callable[[float, random.Random], str]:
        """Return a draw of the right choice with `chance`, else a wrong one, the first most."""
        right = self.example_answer(True)
        wrong = [c.id for c in self.choices if not c.correct]
        # As in real quizzes the first distractor tempts most and the last hardly anyone,
        # so item analysis of seeded data shows shares that differ. Summed as rng.choices does.
        cum_weights = list(accumulate([1 / (n + 1) ** 3 for n in range(len(wrong))]))

        def draw(chance: float, rng: random.Random) -> str:
            if rng.random() < chance:
                return right
            return rng.choices(wrong, cum_weights=cum_weights)[0]

        return draw

    def from_fields(self, values: Mapping[str, list[str]]) -> str | list[str]:
        """Return the id of the choice picked (more than one, if sent, is refused later)."""
        chosen = self.ids_of(values[self.answer_field])
        return chosen[0] if len(chosen) == 1 else chosen

    def form_fields(self, answer: Any) -> dict[str, list[str]]:
        """Return the picked choice's form value as the field's value."""
        if answer is None:
            return {}
        return {self.answer_field: self.values_of(answer)}

    def describe(self, answer: str, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return the text of the choice picked."""
        return tuple(AnswerPart(c.text) for c in self.choices if c.id == answer)

    def correct_lines(self) -> tuple[str, ...]:
        """Return the correct choice's text."""
        return tuple(c.text for c in self.choices if c.correct)

    def pick_labels(self) -> tuple[tuple[str, str, bool], ...]:
        """Return each choice: its id, text and whether it is right."""
        return tuple((c.id, c.text, c.correct) for c in self.choices)

    def picks(self, answer: Any) -> tuple[str, ...]:
        """Return the choice picked."""
        return (answer,)

    def chosen_feedback(self, answer: Any) -> tuple[tuple[str, str], ...]:
        """Return the feedback written under the choice picked."""
        picked = {answer} if isinstance(answer, str) else set(answer or ())
        return tuple((c.text, c.feedback) for c in self.choices if c.id in picked and c.feedback)


@dataclass(frozen=True)
class TrueFalse(SingleChoice):
    """A single choice between True and False, written `*a) True` / `b) False`."""

    type_name: ClassVar[str] = "true-false"
    has_distractors: ClassVar[bool] = False  # "False" unpicked only says the question is easy

    def display_order(self, rng: random.Random, shuffle: bool) -> tuple[str, ...]:
        """Return the choices as written: True and False read oddly the other way round."""
        return self.option_ids

    # A demo learner is right with `chance`, else picks the other: no distractor to weigh.
    demo_answerer = Question.demo_answerer

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> TrueFalse | None:
        """Return the question, or None if its choices are not exactly True and False."""
        texts = sorted(answer.text.lower() for answer in draft.answers)
        if texts != ["false", "true"]:
            report.error(
                draft.line,
                "is true-false, so its choices must be '*a) True' and 'b) False' "
                "with the right one marked",
            )
            return None
        choices = build_choices(draft, report, multiple=False)
        return None if choices is None else cls(**draft.common(), choices=choices)


@dataclass(frozen=True)
class MultipleAnswers(ChoiceValues, Question):
    """Tick every right choice; `[*]` marks the correct ones.

    Partial credit is right minus wrong, floored at 0: each correct choice ticked earns
    1/(number of correct choices), each wrong choice ticked costs 1/(number of wrong
    choices). Ticking everything therefore scores 0, never full marks.
    """

    type_name: ClassVar[str] = "multiple-answers"
    answer_name: ClassVar[str | None] = "choice"
    has_distractors: ClassVar[bool] = True
    right_is_the_correct_answer: ClassVar[bool] = True
    answer_kinds: ClassVar[frozenset[str]] = MULTIPLE_KINDS
    partial: ClassVar[str] = "quiz/types/checkboxes.html"
    nested: ClassVar[Mapping[str, type]] = {"choices": Choice}
    blank_message: ClassVar[str] = "tick at least one answer"

    choices: tuple[Choice, ...] = ()

    @property
    def options(self) -> tuple[Choice, ...]:
        """Return the choices in written order."""
        return self.choices

    @property
    def parts(self) -> int:
        """Return the number of choices: each one ticked or not is marked."""
        return len(self.choices)

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> MultipleAnswers | None:
        """Return the question, or None after reporting what is wrong with its choices."""
        choices = build_choices(draft, report, multiple=True)
        return None if choices is None else cls(**draft.common(), choices=choices)

    def check_answer(self, raw: Any) -> frozenset[str]:
        """Return the set of ticked choice ids (maybe empty), or raise InvalidAnswer."""
        ticked = frozenset(text_list(raw, "from the options"))
        if not ticked.issubset(self.option_set):
            raise InvalidAnswer("choose from the options given")
        return ticked

    def score(self, answer: frozenset[str]) -> float:
        """Return right minus wrong as a fraction, floored at 0."""
        right, wrong = self.right_and_wrong
        earned = sum(1 for i in right if i in answer) / len(right)
        lost = sum(1 for i in wrong if i in answer) / len(wrong) if wrong else 0.0
        return max(0.0, earned - lost)

    @cached_property  # the question never changes; every answer marked asks
    def right_and_wrong(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the ids of the choices to tick and of those not to, in written order."""
        right = tuple(c.id for c in self.choices if c.correct)
        return right, tuple(c.id for c in self.choices if not c.correct)

    def example_answer(self, right: bool) -> list[str]:
        """Return every correct choice's id, or every wrong one's."""
        return [c.id for c in self.choices if c.correct == right]

    def demo_answerer(self) -> Callable[[float, random.Random], list[str]]:
        """Return a draw ticking each right choice with `chance`, a wrong one (1 - chance) / 2."""
        choices = [(c.id, c.correct) for c in self.choices]
        return lambda chance, rng: [
            choice
            for choice, correct in choices
            if rng.random() < (chance if correct else (1 - chance) * 0.5)
        ]

    def from_fields(self, values: Mapping[str, list[str]]) -> list[str]:
        """Return the ticked choice ids."""
        return self.ids_of(values[self.answer_field])

    def form_fields(self, answer: Any) -> dict[str, list[str]]:
        """Return the ticked choices' form values as field values."""
        return {self.answer_field: self.values_of(answer)}

    def describe(self, answer: Any, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return each ticked choice; with reveal, whether it should have been ticked."""
        ticked = set(answer or ())
        return tuple(
            AnswerPart(c.text, c.correct if reveal else None)
            for c in self.choices
            if c.id in ticked
        )

    def correct_lines(self) -> tuple[str, ...]:
        """Return the text of every choice to tick."""
        return tuple(c.text for c in self.choices if c.correct)

    def pick_labels(self) -> tuple[tuple[str, str, bool], ...]:
        """Return each choice: its id, text and whether it should be ticked."""
        return tuple((c.id, c.text, c.correct) for c in self.choices)

    def picks(self, answer: Any) -> tuple[str, ...]:
        """Return the choices ticked."""
        return tuple(answer)

    def chosen_feedback(self, answer: Any) -> tuple[tuple[str, str], ...]:
        """Return the feedback written under each ticked choice."""
        ticked = set(answer or ())
        return tuple((c.text, c.feedback) for c in self.choices if c.id in ticked and c.feedback)
