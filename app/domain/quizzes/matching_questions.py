"""Questions answered by matching each prompt to an option, with decoy options allowed."""

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
    letter_id,
    never_in_written_order,
    text_id,
)
from .drafts import AnswerLine, QuestionDraft, QuestionReport
from .model import AnswerPart, MatchingOption, MatchingPair


@dataclass(frozen=True)
class Matching(Question):
    """Match each prompt to an option: `= left -> right` per pair, `= -> extra` for a decoy.

    The score is the fraction of prompts matched correctly.
    """

    type_name: ClassVar[str] = "matching"
    answer_kinds: ClassVar[frozenset[str]] = frozenset({"numerical"})
    right_is_the_correct_answer: ClassVar[bool] = True
    answer_name: ClassVar[str | None] = "prompt"
    partial: ClassVar[str] = "quiz/types/matching.html"
    nested: ClassVar[Mapping[str, type]] = {"pairs": MatchingPair}
    blank_message: ClassVar[str] = "choose a match for each item"

    pairs: tuple[MatchingPair, ...] = ()
    distractors: tuple[str, ...] = ()

    @classmethod
    def markdown_in(cls, answer: AnswerLine) -> str | None:
        """Return a pair's prompt: its options are listed as plain text."""
        return answer.text.partition("->")[0].strip() or None

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
        prompts, options = self.prompt_ids, self.option_set
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
        right = self.right_pairs
        return sum(1 for chosen in answer if chosen in right) / len(self.pairs)

    @cached_property  # the question never changes; every answer checked asks
    def prompt_ids(self) -> frozenset[str]:
        """Return the ids of the prompts."""
        return frozenset(pair.id for pair in self.pairs)

    @cached_property  # the question never changes; every answer marked asks
    def right_pairs(self) -> frozenset[tuple[str, str]]:
        """Return each prompt's id with the id of its own option."""
        return frozenset((pair.id, text_id(pair.right)) for pair in self.pairs)

    @property
    def parts(self) -> int:
        """Return the number of prompts: each is marked on its own (decoys are not parts)."""
        return len(self.pairs)

    def display_order(self, rng: random.Random, shuffle: bool) -> tuple[str, ...]:
        """Return the options in any order but the written one, which lines up with the prompts."""
        return never_in_written_order(self.option_ids, rng)

    def example_answer(self, right: bool) -> dict[str, str]:
        """Return every prompt matched to its option, or each to the next prompt's option."""
        options = {option.text: option.id for option in self.options}
        rights = [pair.right for pair in self.pairs]
        targets = rights if right else rights[1:] + rights[:1]
        return {pair.id: options[t] for pair, t in zip(self.pairs, targets, strict=True)}

    def demo_answerer(self) -> Callable[[float, random.Random], dict[str, str]]:
        """Return a draw matching each prompt rightly with `chance`, else to any option."""
        options = list(self.option_ids)
        pairs = list(self.example_answer(True).items())
        return lambda chance, rng: {
            prompt: option if rng.random() < chance else rng.choice(options)
            for prompt, option in pairs
        }

    def field_names(self) -> tuple[str, ...]:
        """Return one field per prompt."""
        return tuple(field_name(self.id, pair.id) for pair in self.pairs)

    def from_fields(self, values: Mapping[str, list[str]]) -> dict[str, str]:
        """Return the option chosen for each prompt given one."""
        chosen = {pair.id: values[field_name(self.id, pair.id)] for pair in self.pairs}
        return {prompt: picked[0] for prompt, picked in chosen.items() if picked}

    def form_fields(self, answer: Any) -> dict[str, list[str]]:
        """Return the chosen option of each prompt as field values."""
        chosen = dict(answer or {})
        return {field_name(self.id, p): [o] for p, o in chosen.items() if o}

    def describe(self, answer: Any, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return each prompt with the option chosen; with reveal, whether it is its match."""
        chosen = dict(answer or {})
        texts = {option.id: option.text for option in self.options}
        return tuple(
            AnswerPart(
                f"{pair.left}: {texts.get(chosen.get(pair.id, ''), 'no match chosen')}",
                chosen.get(pair.id) == text_id(pair.right) if reveal else None,
            )
            for pair in self.pairs
        )

    def pick_labels(self) -> tuple[tuple[str, str, bool], ...]:
        """Return every prompt with every option, right where the option is its match."""
        return tuple(
            (
                f"{pair.id}:{option.id}",
                f"{pair.left} \u2192 {option.text}",
                option.id == text_id(pair.right),
            )
            for pair in self.pairs
            for option in self.options
        )

    def picks(self, answer: Any) -> tuple[str, ...]:
        """Return each prompt with the option chosen for it."""
        return tuple(f"{prompt}:{option}" for prompt, option in answer)

    def correct_lines(self) -> tuple[str, ...]:
        """Return each prompt with its option."""
        return tuple(f"{pair.left}: {pair.right}" for pair in self.pairs)
