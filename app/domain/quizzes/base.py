"""What every question type shares: its fields, how it reports problems, how it is built."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..problems import Problems
from .model import Feedback


class InvalidAnswer(ValueError):
    """A submitted answer that cannot be marked; the message is for the learner."""


@dataclass
class AnswerLine:
    """A line that answers a question (a choice, an accepted answer, a pair, a step)."""

    kind: str
    text: str
    line: int
    feedback: str | None = None
    marker: str = ""


@dataclass
class QuestionDraft:
    """A question as read from the file, before its type checks the answer lines."""

    number: int
    line: int
    text: str
    id: str | None = None
    id_line: int = 0
    points: float = 1.0
    title: str | None = None
    competencies: tuple[str, ...] = ()
    competencies_line: int = 0  # the Competencies: line, even if none of its codes is good
    outcomes: tuple[int, ...] = ()
    outcomes_line: int = 0  # the Outcomes: line, even if none of its numbers is good
    type_name: str | None = None
    type_line: int = 0
    general: str | None = None
    correct: str | None = None
    incorrect: str | None = None
    answers: list[AnswerLine] = field(default_factory=list)

    def common(self) -> dict[str, Any]:
        """Return the fields every question type takes."""
        return {
            "id": self.id or "",
            "line": self.line,
            "text": self.text,
            "points": self.points,
            "competencies": self.competencies,
            "outcomes": self.outcomes,
            "title": self.title,
            "feedback": Feedback(self.general, self.correct, self.incorrect),
        }


@dataclass(frozen=True)
class QuestionReport:
    """Record problems that name the question they belong to."""

    problems: Problems
    path: str
    number: int

    def error(self, line: int, message: str) -> None:
        """Record an error; `message` reads on from "question N "."""
        self.problems.error(self.path, line, f"question {self.number} {message}")


@dataclass(frozen=True)
class Question:
    """Fields every question has; subclasses add their answers, checking and scoring."""

    type_name: ClassVar[str] = ""

    id: str
    line: int
    text: str
    points: float
    competencies: tuple[str, ...]
    outcomes: tuple[int, ...]  # numbers of the module's learning outcomes, from 1
    title: str | None
    feedback: Feedback

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> Question | None:
        """Check a draft's answer lines and return the question, or None after reporting."""
        raise NotImplementedError

    def check_answer(self, raw: Any) -> Any:
        """Return the submitted answer in normal form, or raise InvalidAnswer."""
        raise NotImplementedError

    def score(self, answer: Any) -> float:
        """Return the fraction (0 to 1) of this question's points a checked answer earns."""
        raise NotImplementedError

    def mark(self, raw: Any) -> float:
        """Check a submitted answer and return the points it earns."""
        return self.score(self.check_answer(raw)) * self.points


def letter_id(index: int) -> str:
    """Return the choice id for a position: a, b, ... z, aa, ab, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def text_id(text: str) -> str:
    """Return a short id from text, stable across edits elsewhere and saying nothing of order."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


def one_text(raw: Any, what: str) -> str:
    """Return a submitted single value as text, or raise InvalidAnswer."""
    if isinstance(raw, list | tuple) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, str):
        raise InvalidAnswer(f"choose {what}")
    return raw.strip()


def text_list(raw: Any, what: str) -> tuple[str, ...]:
    """Return a submitted list of values as text, or raise InvalidAnswer."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple | set | frozenset):
        raise InvalidAnswer(f"choose {what}")
    if not all(isinstance(item, str) for item in raw):
        raise InvalidAnswer(f"choose {what}")
    return tuple(item.strip() for item in raw)
