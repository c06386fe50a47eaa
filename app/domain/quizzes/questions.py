"""The question types, as a registry from the name written after `Type:` to its class."""

from __future__ import annotations

from .base import InvalidAnswer, Question
from .choice_questions import MultipleAnswers, SingleChoice, TrueFalse
from .matching_questions import Matching
from .ordering_questions import Ordering
from .written_questions import Numeric, ShortAnswer

QUESTION_TYPES: dict[str, type[Question]] = {
    kind.type_name: kind
    for kind in (SingleChoice, TrueFalse, MultipleAnswers, ShortAnswer, Numeric, Matching, Ordering)
}

# The types a question's answer lines imply when it has no `Type:` line, as in text2qti.
# Matching and ordering always say so, so a stray `->` or `1)` is never guessed at.
TYPES_BY_ANSWER_LINE: dict[str, type[Question]] = {
    kind: question_type
    for question_type in (SingleChoice, MultipleAnswers, ShortAnswer, Numeric)
    for kind in question_type.answer_kinds
}

__all__ = [
    "QUESTION_TYPES",
    "TYPES_BY_ANSWER_LINE",
    "InvalidAnswer",
    "Matching",
    "MultipleAnswers",
    "Numeric",
    "Ordering",
    "Question",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
]
