"""A quiz as immutable values: its settings, question groups and the parts questions share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from .parts import text_id

if TYPE_CHECKING:
    from .questions import Question
    from .versions import QuestionVersion

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

    @cached_property  # the choice never changes; every form drawn and read asks
    def form_value(self) -> str:
        """Return what a form sends for this choice: named by its text, as matching options are.

        The id ("a", "b", ...) says where the author wrote the choice, and authors tend to
        write the right ones first, so it never reaches a page; answers keep it.
        """
        return text_id(self.text)


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
class QuizSettings:
    """The quiz settings an attempt was taken under, kept with the attempt."""

    title: str
    kind: str = "assessment"
    pass_mark: float = 80
    max_attempts: int | None = None
    show_correct_answers: str = "never"
    time_limit_minutes: int | None = None

    def to_content(self) -> dict[str, Any]:
        """Return the settings as plain JSON values."""
        return asdict(self)

    @classmethod
    def from_content(cls, content: Mapping[str, Any] | None, fallback_title: str) -> QuizSettings:
        """Rebuild stored settings; an attempt from before they were kept gets cautious ones."""
        if not content:
            return cls(title=fallback_title)
        known = {key: content[key] for key in cls.__dataclass_fields__ if key in content}
        return cls(**{"title": fallback_title, **known})


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
    retake: RetakeRule | None = None

    @cached_property
    def versions(self) -> Mapping[str, QuestionVersion]:
        """Return each question's frozen version (content and hash), by question id."""
        from .versions import versions_of

        return versions_of(self)

    @property
    def settings(self) -> QuizSettings:
        """Return the settings an attempt keeps, so its result never depends on the file."""
        return QuizSettings(
            title=self.title,
            kind=self.kind,
            pass_mark=self.pass_mark,
            max_attempts=self.max_attempts,
            show_correct_answers=self.show_correct_answers,
            time_limit_minutes=self.time_limit_minutes,
        )

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


@dataclass(frozen=True)
class AnswerPart:
    """One line of an answer as a result page shows it; `right` is None when not marked."""

    text: str
    right: bool | None = None


@dataclass(frozen=True)
class RetakeRule:
    """When a new set of attempts opens after the last one failed: a wait and a revisit."""

    wait_days: int
    revisit_screens: bool = True
