"""A GIFT question bank as read: its questions, their answers and the mistakes found."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GiftAnswer:
    """One answer in braces: its text, right or wrong, weight in percent, feedback, line."""

    text: str
    right: bool
    weight: float | None
    feedback: str | None
    line: int


@dataclass
class GiftQuestion:
    """A question as Moodle would import it."""

    kind: str  # essay, numerical, multichoice, match, truefalse, shortanswer, description
    line: int
    text: str
    text_format: str
    title: str | None = None
    answers: list[GiftAnswer] = field(default_factory=list)
    general_feedback: str | None = None
    is_true: bool = False
    true_false_feedback: tuple[str | None, str | None] = (None, None)  # (wrong, right)
    category: str | None = None
    number: int = 0  # its place among the file's questions, those left out included


@dataclass
class GiftBank:
    """The questions of a GIFT file in order, and the mistakes that stop a question."""

    questions: list[GiftQuestion] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)  # (line, name)
    errors: list[tuple[int, str]] = field(default_factory=list)
