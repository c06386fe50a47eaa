"""A question as read from a quiz file, before its type checks it and builds the question.

The body reader (body.py) fills a `QuestionDraft` with the question's attribute, feedback
and answer lines; each type's `Question.build` (base.py) then checks the `AnswerLine`s,
naming the question in its problems through a `QuestionReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..problems import Problems
from .model import Feedback


@dataclass
class AnswerLine:
    """A line that answers a question (a choice, an accepted answer, a pair, a step)."""

    kind: str
    text: str
    line: int
    feedback: str | None = None
    marker: str = ""
    feedback_line: int = 0


@dataclass(frozen=True)
class QuestionTargets:
    """The module's learning outcomes and screens a question names, with their lines.

    Kept even when the quiz has errors, so a mistake in one question does not hide a wrong
    `Outcomes:` or `Screens:` line in another.
    """

    number: int
    line: int
    outcomes: tuple[int, ...]
    outcomes_line: int
    screens: tuple[str, ...]
    screens_line: int


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
    screens: tuple[str, ...] = ()
    screens_line: int = 0
    type_name: str | None = None
    type_line: int = 0
    general: str | None = None
    correct: str | None = None
    incorrect: str | None = None
    # Where each feedback starts, by "general", "correct" and "incorrect", for messages.
    feedback_lines: dict[str, int] = field(default_factory=dict)
    answers: list[AnswerLine] = field(default_factory=list)

    def targets(self) -> QuestionTargets:
        """Return the outcomes and screens this question names, for checks against its module."""
        return QuestionTargets(
            self.number,
            self.line,
            self.outcomes,
            self.outcomes_line,
            self.screens,
            self.screens_line,
        )

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
            "screens": self.screens,
            "screens_line": self.screens_line,
            "outcomes_line": self.outcomes_line,
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
