"""Questions answered by arranging: matching prompts to options, putting steps in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from .base import InvalidAnswer, Question, QuestionDraft, QuestionReport, letter_id, text_id
from .model import MatchingOption, MatchingPair, OrderingItem


@dataclass(frozen=True)
class Matching(Question):
    """Match each prompt to an option: `= left -> right` per pair, `= -> extra` for a decoy.

    The score is the fraction of prompts matched correctly.
    """

    type_name: ClassVar[str] = "matching"
    answer_kinds: ClassVar[frozenset[str]] = frozenset({"numerical"})

    pairs: tuple[MatchingPair, ...] = ()
    distractors: tuple[str, ...] = ()

    @cached_property  # the question never changes; hashing options per attempt was costly
    def options(self) -> tuple[MatchingOption, ...]:
        """Return every option a learner can pick, each once, decoys last."""
        texts = dict.fromkeys([pair.right for pair in self.pairs] + list(self.distractors))
        return tuple(MatchingOption(text_id(text), text) for text in texts)

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> Matching | None:
        """Return the question, or None after reporting malformed or repeated pairs."""
        before = len(report.problems)
        pairs: list[MatchingPair] = []
        decoys: list[tuple[int, str]] = []
        for answer in draft.answers:
            left, arrow, right = (part.strip() for part in answer.text.partition("->"))
            if not arrow or not right:
                report.error(
                    answer.line,
                    f"has a matching line '= {answer.text}' that is not "
                    "'= left text -> right text' (or '= -> decoy option')",
                )
            elif not left:
                decoys.append((answer.line, right))
            elif any(pair.left == left for pair in pairs):
                report.error(answer.line, f"matches the prompt '{left}' twice")
            else:
                pairs.append(MatchingPair(letter_id(len(pairs)), left, right, answer.line))
        for line, decoy in decoys:
            if any(pair.right == decoy for pair in pairs):
                report.error(line, f"has the decoy '{decoy}' that is also a right answer")
        if len(pairs) < 2 and len(report.problems) == before:
            report.error(draft.line, "needs at least two '= left text -> right text' pairs")
        if len(report.problems) != before:
            return None
        return cls(**draft.common(), pairs=tuple(pairs), distractors=tuple(d for _, d in decoys))

    def check_answer(self, raw: Any) -> tuple[tuple[str, str], ...]:
        """Return (prompt id, option id) pairs chosen, or raise InvalidAnswer."""
        if not isinstance(raw, Mapping):
            raise InvalidAnswer("choose an option for each item")
        prompts = {pair.id for pair in self.pairs}
        options = {option.id for option in self.options}
        chosen = []
        for prompt, option in raw.items():
            if not isinstance(prompt, str) or not isinstance(option, str):
                raise InvalidAnswer("choose an option for each item")
            if prompt not in prompts or (option and option not in options):
                raise InvalidAnswer("choose from the options given")
            if option:
                chosen.append((prompt, option))
        return tuple(sorted(chosen))

    def score(self, answer: tuple[tuple[str, str], ...]) -> float:
        """Return the fraction of prompts matched to their own option."""
        right = {(pair.id, text_id(pair.right)) for pair in self.pairs}
        return sum(1 for chosen in answer if chosen in right) / len(self.pairs)


@dataclass(frozen=True)
class Ordering(Question):
    """Put steps in order: `1)`, `2)`, ... lines in the correct order, with `Type: ordering`.

    The score is the fraction of positions holding the right step.
    """

    type_name: ClassVar[str] = "ordering"
    answer_kinds: ClassVar[frozenset[str]] = frozenset({"ordering_item"})

    items: tuple[OrderingItem, ...] = ()

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
        if sorted(order) != sorted(item.id for item in self.items):
            raise InvalidAnswer("put every step in order, each once")
        return order

    def score(self, answer: tuple[str, ...]) -> float:
        """Return the fraction of positions holding the right step."""
        right = sum(1 for item, step in zip(self.items, answer, strict=True) if item.id == step)
        return right / len(self.items)
