"""Questions answered by typing: short answer and numeric."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, ClassVar

from ..numbers import DECIMAL_COMMA, typed_number
from .base import InvalidAnswer, Question
from .drafts import QuestionDraft, QuestionReport
from .model import AnswerPart

NUMBER_FORMS = "write '= 42', '= 1.5 +- 0.1' or '= [1, 2]'"
# A number in an answer key: one typed_number reads, less the commas or spaces between groups
# of digits (a comma separates a range's ends) and other scripts' digits.
KEY_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
KEY_FORM = (
    "write it in the digits 0 to 9, with a full stop for decimals and nothing between the "
    "digits, like 1000 or 1.5"
)
NOT_A_KEY = f"is not a number: {NUMBER_FORMS}"


def normalise_text(text: str) -> str:
    """Return text as short answers compare it: trimmed, whitespace collapsed, any case."""
    # Caseless and canonical: ŵ typed matches w and a combining circumflex copied from a PDF.
    folded = unicodedata.normalize("NFD", text).casefold()
    return " ".join(unicodedata.normalize("NFC", folded).split())


def exact_number(text: str) -> Decimal | None:
    """Return the number written, or None if it is not a finite number a float can hold."""
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    # Checking the float keeps later Decimal arithmetic clear of overflow.
    return number if number.is_finite() and math.isfinite(float(number)) else None


def key_number(text: str) -> Decimal | str:
    """Return a number an answer key writes, or what is wrong with it ("is not a number").

    A key is held to a plain subset of what learners may type (typed_number): every number it
    names is one a learner can type, read at the same value.
    """
    written = text.strip()
    number = exact_number(written) if KEY_NUMBER.fullmatch(written) else None
    if number is not None:
        return number
    typed = typed_number(written)
    if isinstance(typed, Decimal):  # grouped, or in another script's digits
        if any(c.isdecimal() and not "0" <= c <= "9" for c in written):
            return f"is not in the digits 0 to 9: {KEY_FORM}"
        return f"has commas or spaces between its digits: {KEY_FORM}"
    if "_" in written:
        return f"has underscores, which learners may not type: {KEY_FORM}"
    if typed == DECIMAL_COMMA:
        return f"has a decimal comma: {KEY_FORM}"
    return NOT_A_KEY


def shown_number(value: float) -> str:
    """Return a number as people write it: 60, not 60.0 or 6e+01."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class ShortAnswer(Question):
    """Type a word or phrase; any `*   answer` line is accepted, ignoring case and spacing."""

    type_name: ClassVar[str] = "short-answer"
    answer_kinds: ClassVar[frozenset[str]] = frozenset({"shortans_correct_choice"})
    partial: ClassVar[str] = "quiz/types/text.html"
    blank_message: ClassVar[str] = "type an answer"
    # How the text box is labelled and sized (the partial reads these).
    input_label: ClassVar[str] = "Your answer"
    input_mode: ClassVar[str] = "text"
    input_width: ClassVar[str] = "nhsuk-u-width-two-thirds"

    answers: tuple[str, ...] = ()

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> ShortAnswer | None:
        """Return the question, or None if it has no accepted answer or repeats one."""
        before = len(report.problems)
        seen: set[str] = set()
        for answer in draft.answers:
            if normalise_text(answer.text) in seen:
                report.error(answer.line, f"accepts the answer '{answer.text}' twice")
            seen.add(normalise_text(answer.text))
        if not draft.answers:
            report.error(draft.line, "has no accepted answers: add lines like '*   answer'")
        if len(report.problems) != before:
            return None
        return cls(**draft.common(), answers=tuple(a.text for a in draft.answers))

    def check_answer(self, raw: Any) -> str:
        """Return the typed answer in the form answers are compared in."""
        if isinstance(raw, list | tuple) and len(raw) == 1:
            raw = raw[0]
        if not isinstance(raw, str) or not raw.strip():
            raise InvalidAnswer("type an answer")
        return normalise_text(raw)

    def score(self, answer: str) -> float:
        """Return 1 if the answer matches any accepted answer, else 0."""
        return 1.0 if answer in self.accepted else 0.0

    @cached_property  # the question never changes; every answer marked asks
    def accepted(self) -> frozenset[str]:
        """Return the accepted answers in the form answers are compared in."""
        return frozenset(normalise_text(a) for a in self.answers)

    def example_answer(self, right: bool) -> str:
        """Return the first accepted answer, or one nobody would accept."""
        return self.answers[0] if right else "no idea at all"

    def describe(self, answer: Any, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return what the learner typed."""
        return (AnswerPart(str(answer)),)

    def correct_lines(self) -> tuple[str, ...]:
        """Return every accepted answer."""
        return self.answers


@dataclass(frozen=True)
class Numeric(Question):
    """Type a number: exact (`= 42`), within a tolerance (`= 1.5 +- 0.1`) or a range."""

    type_name: ClassVar[str] = "numeric"
    answer_kinds: ClassVar[frozenset[str]] = frozenset({"numerical"})
    partial: ClassVar[str] = "quiz/types/text.html"
    blank_message: ClassVar[str] = "enter a number"
    input_label: ClassVar[str] = "Your answer (a number)"
    input_mode: ClassVar[str] = "decimal"
    input_width: ClassVar[str] = "nhsuk-input--width-5"

    answer_text: str = ""
    exact: float | None = None
    tolerance: float | None = None
    low: float = 0.0
    high: float = 0.0

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> Numeric | None:
        """Return the question, or None if its `=` line is missing, repeated or not a number."""
        if not draft.answers:
            report.error(draft.line, f"has no numeric answer: {NUMBER_FORMS}")
            return None
        for extra in draft.answers[1:]:
            report.error(extra.line, "has more than one '=' answer line: keep one")
        answer = draft.answers[0]
        parsed = _parse_numeric(answer.text)
        if isinstance(parsed, str):
            hint = ""
            if "->" in answer.text and draft.type_name is None:
                hint = "; for matching pairs put 'Type: matching' before the question"
            report.error(answer.line, parsed + hint)
            return None
        if len(draft.answers) > 1:
            return None
        exact, tolerance, low, high = parsed
        return cls(
            **draft.common(),
            answer_text=answer.text,
            exact=None if exact is None else float(exact),
            tolerance=None if tolerance is None else float(tolerance),
            low=float(low),
            high=float(high),
        )

    def from_fields(self, values: Mapping[str, list[str]]) -> Any:
        """Return the text typed, or raise InvalidAnswer saying what to type instead."""
        value = super().from_fields(values)
        # Held to typed_number here, where a form sends it, and not in check_answer, which
        # also reads answers saved under the rule before it (such as '1_000').
        number = typed_number(value) if isinstance(value, str) else None
        if isinstance(number, str):
            raise InvalidAnswer(number)
        return value

    def check_answer(self, raw: Any) -> float:
        """Return the number typed, or raise InvalidAnswer if it is not one."""
        if isinstance(raw, list | tuple) and len(raw) == 1:
            raw = raw[0]
        if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
            return float(raw)
        number = typed_number(raw) if isinstance(raw, str) else None
        if isinstance(number, str):
            # Saved before typed_number was the rule: read as it was read then, never regraded.
            number = exact_number(raw)
        if number is None:
            raise InvalidAnswer("enter a number, like 42 or 1.5")
        return float(number)

    def score(self, answer: float) -> float:
        """Return 1 if the number is within the accepted range, else 0."""
        return 1.0 if self.low <= answer <= self.high else 0.0

    def example_answer(self, right: bool) -> str:
        """Return the lowest accepted number, or one far above the highest."""
        return shown_number(self.low) if right else shown_number(self.high + 1000)

    def describe(self, answer: Any, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return the number as the learner typed it."""
        return (AnswerPart(str(answer)),)

    def correct_lines(self) -> tuple[str, ...]:
        """Return the accepted number, or the accepted range in words."""
        low, high = shown_number(self.low), shown_number(self.high)
        if self.low == self.high:
            return (low,)
        if self.exact is not None:
            return (f"{shown_number(self.exact)} (anything from {low} to {high})",)
        return (f"any number from {low} to {high}",)


Bounds = tuple[Decimal | None, Decimal | None, Decimal, Decimal]


def _parse_numeric(text: str) -> Bounds | str:
    # Bounds are worked out in Decimal so '1.5 +- 0.1' accepts 1.4 exactly.
    if text.startswith("["):
        if not text.endswith("]") or "," not in text:
            return f"has a numeric range '{text}' that is not '[low, high]': write '= [1, 2]'"
        ends = [part.strip() for part in text[1:-1].split(",", 1)]
        low, high = (key_number(end) for end in ends)
        for end, found in zip(ends, (low, high), strict=True):
            if isinstance(found, str) and found != NOT_A_KEY:
                return f"has a numeric range '{text}' whose end '{end}' {found}"
        if isinstance(low, str) or isinstance(high, str):
            return f"has a numeric range '{text}' whose ends are not both numbers"
        if low > high:
            return f"has a numeric range '{text}' whose low end is above its high end"
        return None, None, low, high
    if "+-" in text:
        value_text, margin_text = (part.strip() for part in text.split("+-", 1))
        percent = margin_text.endswith("%")
        value, margin = key_number(value_text), key_number(margin_text.rstrip("%"))
        if isinstance(value, str):
            return f"has a numeric answer '{value_text}' that {value}"
        if isinstance(margin, str):
            return f"has a numeric tolerance '{margin_text}' that {margin}"
        if margin < 0:
            return f"has a negative numeric tolerance '{margin_text}'"
        tolerance = abs(value) * margin / 100 if percent else margin
        return value, tolerance, value - tolerance, value + tolerance
    value = key_number(text)
    if isinstance(value, str):
        return f"has a numeric answer '{text}' that {value}"
    return value, Decimal(0), value, value
