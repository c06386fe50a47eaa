"""A quiz as immutable values: its settings, question groups and the parts questions share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .questions import Question

QuizKind = Literal["assessment", "knowledge-check"]
QUIZ_KINDS = ("assessment", "knowledge-check")
ShowCorrectAnswers = Literal["never", "after-each-submission", "after-pass", "after-last-attempt"]
SHOW_CORRECT_ANSWERS = ("never", "after-each-submission", "after-pass", "after-last-attempt")


@dataclass(frozen=True)
class Feedback:
    """What a learner reads after answering: always, when right, when wrong (raw Markdown)."""

    general: str | None = None
    correct: str | None = None
    incorrect: str | None = None


@dataclass(frozen=True)
class Choice:
    """One option of a choice question, with its stable id ("a", "b", ...) and feedback."""

    id: str
    text: str
    correct: bool
    feedback: str | None
    line: int


@dataclass(frozen=True)
class MatchingPair:
    """A prompt on the left and the option that belongs with it on the right."""

    id: str
    left: str
    right: str
    line: int


@dataclass(frozen=True)
class MatchingOption:
    """An option a learner can pick for any prompt; its id hides which prompt it fits."""

    id: str
    text: str


@dataclass(frozen=True)
class OrderingItem:
    """A step to put in order; its id is a hash of its text so it gives no clue to position."""

    id: str
    text: str
    line: int


@dataclass(frozen=True)
class QuestionGroup:
    """A pool of questions from which each attempt picks `pick` at random."""

    pick: int
    points_per_question: float
    questions: tuple[Question, ...]
    line: int

    @property
    def points_possible(self) -> float:
        """Return the points this group adds to the quiz."""
        return self.pick * self.points_per_question


@dataclass(frozen=True)
class Quiz:
    """A knowledge check or assessment read from content/quizzes/<id>.md."""

    id: str
    module: str
    title: str
    kind: QuizKind
    pass_mark: float
    max_attempts: int | None
    shuffle_answers: bool
    shuffle_questions: bool
    show_correct_answers: ShowCorrectAnswers
    time_limit_minutes: int | None
    description: str | None
    items: tuple[Question | QuestionGroup, ...]
    path: str

    @property
    def questions(self) -> tuple[Question, ...]:
        """Return every question, those in groups included, in file order."""
        found: list[Question] = []
        for item in self.items:
            found.extend(item.questions if isinstance(item, QuestionGroup) else (item,))
        return tuple(found)

    @property
    def points_possible(self) -> float:
        """Return the points one attempt is out of."""
        return sum(
            item.points_possible if isinstance(item, QuestionGroup) else item.points
            for item in self.items
        )

    def question(self, question_id: str) -> Question | None:
        """Return the question with this ID, or None."""
        return next((q for q in self.questions if q.id == question_id), None)
