"""Frozen question versions: a question exactly as a learner was shown it, named by a hash.

An attempt records the version of every question it shows. Grading, result pages and
evidence read those versions, never today's file, so a trainer's later edit (a reworded
option, a new correct answer, a deleted question or quiz) leaves every past result as it
was graded. A version is the whole question as JSON (type, text, choices, correct answers,
every feedback, points, competencies, title, screens, and the file and line it came
from); its SHA-256 names it, so identical versions are stored once, however many learners
see them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .questions import QUESTION_TYPES

if TYPE_CHECKING:
    from .base import Question
    from .model import Quiz

# Bumped if the stored shape ever changes, so old and new versions never share a hash.
FORMAT = 1


class UnreadableVersion(ValueError):
    """Stored content that no registered question type can rebuild."""


@dataclass(frozen=True)
class QuestionVersion:
    """One question as stored: its hash, quiz, content and the question rebuilt from it."""

    hash: str
    quiz_id: str
    question: Question
    content: Mapping[str, Any]


def source_of(path: str) -> str:
    """Return a quiz file's place as versions record it: 'quizzes/<file>', wherever it lives."""
    pure = PurePath(path)
    return f"{pure.parent.name}/{pure.name}" if pure.parent.name else pure.name


def version_of(quiz_id: str, path: str, question: Question) -> QuestionVersion:
    """Return the frozen version of a question of a quiz read from `path`."""
    content = {
        "format": FORMAT,
        "quiz": quiz_id,
        "source": f"{source_of(path)}:{question.line}",
        **question.to_content(),
    }
    return QuestionVersion(content_hash(content), quiz_id, question, MappingProxyType(content))


def versions_of(quiz: Quiz) -> Mapping[str, QuestionVersion]:
    """Return the version of every question of a quiz, by question id."""
    return MappingProxyType(
        {question.id: version_of(quiz.id, quiz.path, question) for question in quiz.questions}
    )


def content_hash(content: Mapping[str, Any]) -> str:
    """Return the SHA-256 of content written as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(dict(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def question_from_content(content: Mapping[str, Any]) -> Question:
    """Rebuild a question from stored content, through its type in the registry."""
    question_type = QUESTION_TYPES.get(content.get("type", ""))
    if question_type is None:
        raise UnreadableVersion(f"no question type '{content.get('type')}'")
    fields = {k: v for k, v in content.items() if k not in ("format", "quiz", "source", "type")}
    try:
        return question_type.from_content(fields)
    except (TypeError, ValueError, KeyError) as error:
        raise UnreadableVersion(str(error)) from error
