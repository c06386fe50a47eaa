"""What every question type shares: its fields, how it is built, stored, asked and shown.

A question type is one class in the registry (questions.py). The class owns everything
that differs between types: checking the answer lines of a file (its draft, drafts.py),
reading its form fields, the order its options are shown in, how it scores and describes
an answer, how it is stored as a frozen version, and the template partial that draws its
fields.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, ClassVar, Protocol

from .drafts import AnswerLine, QuestionDraft, QuestionReport
from .model import AnswerPart, Feedback
from .parts import (  # noqa: F401 (the types import these from base)
    InvalidAnswer,
    StaleForm,
    letter_id,
    never_in_written_order,
    one_text,
    text_id,
    text_list,
)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# What reading a form can find besides an answer: the question was not on that form
# (autosave sends one question at a time), or it was and the learner left it blank.
NOT_ON_FORM = _Marker("NOT_ON_FORM")
BLANK = _Marker("BLANK")


class FormFields(Protocol):
    """Submitted form fields: werkzeug's MultiDict, or anything with get and getlist."""

    def __contains__(self, name: object) -> bool: ...
    def getlist(self, name: str) -> list[str]: ...


def field_name(question_id: str, *parts: str) -> str:
    """Return the form field name for a question (and a part of it): q.<id>.<part>."""
    return ".".join(("q", question_id, *parts))


@dataclass(frozen=True)
class Question:
    """Fields every question has; subclasses add their answers and behaviour."""

    type_name: ClassVar[str] = ""
    # The template that draws the question's form fields (a `fields` macro).
    partial: ClassVar[str] = ""
    # Fields holding tuples of small frozen values, by the class of each value.
    nested: ClassVar[Mapping[str, type]] = {}
    # What a knowledge check says when this question is left blank.
    blank_message: ClassVar[str] = "answer the question"

    id: str
    line: int
    text: str
    points: float
    competencies: tuple[str, ...]
    outcomes: tuple[int, ...]  # numbers of the module's learning outcomes, from 1
    title: str | None
    feedback: Feedback
    screens: tuple[str, ...] = ()
    # Where the `Screens:` line is, for messages; not part of the stored version.
    screens_line: int = field(default=0, compare=False, metadata={"stored": False})
    # Where the `Outcomes:` line is, likewise.
    outcomes_line: int = field(default=0, compare=False, metadata={"stored": False})

    @classmethod
    def build(cls, draft: QuestionDraft, report: QuestionReport) -> Question | None:
        """Check a draft's answer lines and return the question, or None after reporting."""
        raise NotImplementedError

    # What an answer line is called when learners read it as Markdown ("choice", "step");
    # None when they type to match it instead.
    answer_name: ClassVar[str | None] = None

    @classmethod
    def markdown_in(cls, answer: AnswerLine) -> str | None:
        """Return the Markdown an answer line shows learners, or None if it shows none."""
        return answer.text if cls.answer_name else None

    # Marking ----------------------------------------------------------------------------

    def check_answer(self, raw: Any) -> Any:
        """Return the submitted answer in normal form, or raise InvalidAnswer."""
        raise NotImplementedError

    def score(self, answer: Any) -> float:
        """Return the fraction (0 to 1) of this question's points a checked answer earns."""
        raise NotImplementedError

    def mark(self, raw: Any) -> float:
        """Check a submitted answer and return the points it earns."""
        return self.score(self.check_answer(raw)) * self.points

    @property
    def parts(self) -> int:
        """Return how many separately marked parts the question has (partial credit)."""
        return 1

    def example_answer(self, right: bool) -> Any:
        """Return an answer as a form would send it: full marks if right, else a wrong one."""
        raise NotImplementedError

    def demo_answerer(self) -> Callable[[float, random.Random], Any]:
        """Return how a demo learner who gets each part right with `chance` answers (seeding)."""
        return lambda chance, rng: self.example_answer(rng.random() < chance)

    # Showing ----------------------------------------------------------------------------

    @property
    def options(self) -> tuple:
        """Return what a learner picks from or arranges (each has an `id`), written order."""
        return ()

    @cached_property  # the question never changes; every attempt drawn asks
    def option_ids(self) -> tuple[str, ...]:
        """Return the ids of the options in written order."""
        return tuple(option.id for option in self.options)

    @cached_property  # the question never changes; every attempt shown and answer checked asks
    def option_set(self) -> frozenset[str]:
        """Return the ids of the options, as a set."""
        return frozenset(self.option_ids)

    def display_order(self, rng: random.Random, shuffle: bool) -> tuple[str, ...]:
        """Return the option ids in the order an attempt shows them."""
        order = list(self.option_ids)
        if shuffle:
            rng.shuffle(order)
        return tuple(order)

    def options_in(self, order: Sequence[str]) -> tuple:
        """Return the options in a shown order; any the order misses go last."""
        by_id = {option.id: option for option in self.options}
        shown = [by_id[i] for i in order if i in by_id]
        return tuple(shown) + tuple(o for o in self.options if o not in shown)

    def describe(self, answer: Any, reveal: bool) -> tuple[AnswerPart, ...]:
        """Return the learner's answer as lines; with reveal, each part marked right or not."""
        raise NotImplementedError

    def correct_lines(self) -> tuple[str, ...]:
        """Return the correct answer as lines of text."""
        raise NotImplementedError

    def chosen_feedback(self, answer: Any) -> tuple[tuple[str, str], ...]:
        """Return (option text, feedback) for each option the answer picked that has some."""
        return ()

    # Item analysis ----------------------------------------------------------------------

    # Whether the wrong entries of pick_labels are distractors a learner chooses on purpose.
    has_distractors: ClassVar[bool] = False
    # Whether a right answer can only be the correct answer as shown (one choice, one set of
    # ticks, one order, one set of matches): a package's feedback for a right answer then
    # leaves the correct answer out, the learner's own being on the form above it. Not
    # where several answers are accepted (typed words, a number in a range).
    right_is_the_correct_answer: ClassVar[bool] = False

    def pick_labels(self) -> tuple[tuple[str, str, bool], ...]:
        """Return (key, text, right) for each thing an answer can pick, for item analysis."""
        return ()

    def picks(self, answer: Any) -> tuple[str, ...]:
        """Return the pick_labels keys a checked answer picked."""
        return ()

    # Forms ------------------------------------------------------------------------------

    def field_names(self) -> tuple[str, ...]:
        """Return the names of the form fields that carry this question's answer."""
        return (field_name(self.id),)

    @cached_property  # the question never changes; every form read asks
    def marker_field(self) -> str:
        """Return the hidden field saying the question was on the form, even if blank."""
        return field_name(self.id, "shown")

    @cached_property  # the question never changes; every form read asks
    def answer_field(self) -> str:
        """Return the name of the field carrying the answer (of types with one such field)."""
        return field_name(self.id)

    @cached_property  # the question never changes; every form read asks
    def shown_field(self) -> str:
        """Return the hidden field carrying the fingerprint of the answer the form showed."""
        return field_name(self.id, "was")

    @cached_property  # the question never changes; every form read asks
    def answer_fields(self) -> tuple[str, ...]:
        """Return field_names(), worked out once."""
        return self.field_names()

    def read_form(self, form: FormFields) -> Any:
        """Return the answer a form carries, NOT_ON_FORM, BLANK, or raise InvalidAnswer."""
        values = self.submitted(form)
        if not any(values.values()):
            on_form = self.marker_field in form or any(name in form for name in values)
            return BLANK if on_form else NOT_ON_FORM
        return self.from_fields(values)

    def submitted(self, form: FormFields) -> dict[str, list[str]]:
        """Return this question's non-blank field values as the form sent them."""
        return {
            name: [value for value in form.getlist(name) if value.strip()]
            for name in self.answer_fields
        }

    def from_fields(self, values: Mapping[str, list[str]]) -> Any:
        """Turn non-blank field values into an answer (checked later), or raise InvalidAnswer."""
        value = values[self.answer_field]
        return value[0] if len(value) == 1 else value

    def form_fields(self, answer: Any) -> dict[str, list[str]]:
        """Return the field values that show a saved answer: the inverse of from_fields."""
        if answer is None:
            return {}
        return {field_name(self.id): [str(answer)]}

    # Storage ----------------------------------------------------------------------------

    def to_content(self) -> dict[str, Any]:
        """Return the question as plain JSON values, to store as a frozen version."""
        content: dict[str, Any] = {"type": self.type_name}
        for item in fields(self):
            if item.metadata.get("stored", True):
                value = getattr(self, item.name)
                content[item.name] = _plain(value)
        return content

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> Question:
        """Rebuild the question from what to_content returned."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in content:
                continue
            value = content[item.name]
            if item.name == "feedback":
                value = Feedback(**value)
            elif item.name in cls.nested:
                value = tuple(cls.nested[item.name](**part) for part in value)
            elif isinstance(value, list):
                value = tuple(value)
            values[item.name] = value
        return cls(**values)


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value
