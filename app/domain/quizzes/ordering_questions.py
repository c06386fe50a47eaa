"""Questions answered by putting steps in order."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from .base import (
    InvalidAnswer,
    Question,
    field_name,
    never_in_written_order,
    text_id,
)
from .drafts import QuestionDraft, QuestionReport
from .model import AnswerPart, OrderingItem


@dataclass(frozen=True)
class Ordering(Question):
    """Put steps in order: `1)`, `2)`, ... lines in the correct order, with `Type: ordering`.

    The score is the fraction of positions holding the right step.
    """

    type_name: ClassVar[str] = "ordering"
    answer_name: ClassVar[str | None] = "step"
    right_is_the_correct_answer: ClassVar[bool] = True
    answer_kinds: ClassVar[frozenset[str]] = frozenset({"ordering_item"})
    partial: ClassVar[str] = "quiz/types/ordering.html"
    nested: ClassVar[Mapping[str, type]] = {"items": OrderingItem}
    blank_message: ClassVar[str] = "give every step a position"

    items: tuple[OrderingItem, ...] = ()

    @property
    def options(self) -> tuple[OrderingItem, ...]:
        """Return the steps in the correct order."""
        return self.items

    @property
    def parts(self) -> int:
        """Return the number of steps: each position is marked on its own."""
        return len(self.items)

    def display_order(self, rng: random.Random, shuffle: bool) -> tuple[str, ...]:
        """Return the steps in any order but the correct one."""
        return never_in_written_order(self.option_ids, rng)

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> Ordering | None:
        """Return the question, or None after reporting misnumbered or repeated steps."""
        before = len(report.problems)
        items: list[OrderingItem] = []
        for position, answer in enumerate(draft.answers, 1):
            if answer.marker != f"{position})":
                report.error(
                    answer.line,
                    f"numbers step {position} as '{answer.marker}': "
                    "number the steps 1), 2), 3) ... in the correct order",
                )
            if any(item.text == answer.text for item in items):
                report.error(answer.line, f"has the step '{answer.text}' twice")
            items.append(OrderingItem(text_id(answer.text), answer.text, answer.line))
        if len(items) < 2:
            report.error(draft.line, "needs at least two steps to put in order: '1)', '2)'")
        if len(report.problems) != before:
            return None
        return cls(**draft.common(), items=tuple(items))

    def check_answer(self, raw: Any) -> tuple[str, ...]:
        """Return the step ids in the order given, or raise InvalidAnswer."""
        if isinstance(raw, str) or not isinstance(raw, list | tuple):
            raise InvalidAnswer("put every step in order")
        if not all(isinstance(step, str) for step in raw):
            raise InvalidAnswer("put every step in order")
        order = tuple(step.strip() for step in raw)
        if sorted(order) != self.sorted_ids:
            raise InvalidAnswer("put every step in order, each once")
        return order

    @cached_property  # the question never changes; every answer checked asks
    def sorted_ids(self) -> list[str]:
        """Return the step ids in sorted order."""
        return sorted(item.id for item in self.items)

    def score(self, answer: tuple[str, ...]) -> float:
        """Return the fraction of positions holding the right step."""
        right = sum(1 for item, step in zip(self.items, answer, strict=True) if item.id == step)
        return right / len(self.items)

    def example_answer(self, right: bool) -> list[str]:
        """Return the steps in order, or each moved one place on, so none is in its place."""
        steps = [item.id for item in self.items]
        return steps if right else steps[1:] + steps[:1]

    def demo_answerer(self) -> Callable[[float, random.Random], list[str]]:
        """Return a draw of the steps in order, each pair swapped with `1 - chance`."""
        right = self.example_answer(True)

        def draw(chance: float, rng: random.Random) -> list[str]:
            steps = list(right)
            for n in range(len(steps) - 1):
                if rng.random() > chance:
                    steps[n], steps[n + 1] = steps[n + 1], steps[n]
            return steps

        return draw

    def field_names(self) -> tuple[str, ...]:
        """Return one position field per step."""
        return tuple(field_name(self.id, item.id) for item in self.items)

    def from_fields(self, values: Mapping[str, list[str]]) -> list[str]:
        """Return the step ids sorted by the positions given, or raise InvalidAnswer."""
        positions = {item.id: values[field_name(self.id, item.id)] for item in self.items}
        try:
            numbers = {step: int(given[0]) for step, given in positions.items() if given}
        except ValueError:
            raise InvalidAnswer("give every step a position") from None
        if len(numbers) < len(self.items):
            raise InvalidAnswer("give every step a position")
        count = len(numbers)
        if sorted(numbers.values()) != list(range(1, count + 1)):
            raise InvalidAnswer(f"give each step a different position, 1 to {count}")
        return sorted(numbers, key=numbers.get)

    def form_fields(self, answer: Any) -> dict[str, list[str]]:
        """Return each step's position as field values."""
        return {field_name(self.id, step): [str(n)] for n, step in enumerate(answer or (), 1)}

    def describe(self, answer: Any, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return the steps in the order given; with reveal, whether each is in its place."""
        texts = {item.id: item.text for item in self.items}
        return tuple(
            AnswerPart(f"{n}. {texts.get(step, '')}", step == item.id if reveal else None)
            for n, (step, item) in enumerate(zip(answer or (), self.items, strict=False), 1)
        )

    def pick_labels(self) -> tuple[tuple[str, str, bool], ...]:
        """Return each step in its right place."""
        return tuple(
            (item.id, f"{item.text} in place {n}", True) for n, item in enumerate(self.items, 1)
        )

    def picks(self, answer: Any) -> tuple[str, ...]:
        """Return the steps the answer put in their right place."""
        return tuple(
            step for item, step in zip(self.items, answer, strict=False) if item.id == step
        )

    def correct_lines(self) -> tuple[str, ...]:
        """Return the steps in order."""
        return tuple(f"{n}. {item.text}" for n, item in enumerate(self.items, 1))
