"""Helpers for quiz tests: fixture paths, known competency codes and a quiz file builder."""

from pathlib import Path

from app.domain.quizzes import parse_quiz

FIXTURES = Path(__file__).parent / "fixtures"
PATH = "content/quizzes/check.md"
KNOWN_CODES = frozenset(
    f"SPLW-{domain}.{number}" for domain in range(1, 6) for number in range(1, 6)
)

FRONT_MATTER = """---
id: check
module: referral-routes
title: A quiz written by a test
kind: {kind}
pass_mark: 80
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-pass
---
"""
# The body of a quiz written with quiz_file starts on this line.
BODY_LINE = 11


def quiz_file(body: str, kind: str = "knowledge-check") -> str:
    """Return a quiz file with ordinary front matter and this body."""
    return FRONT_MATTER.format(kind=kind) + body


def parse_body(body: str, kind: str = "knowledge-check"):
    """Parse a quiz made of this body, checking codes against KNOWN_CODES."""
    return parse_quiz(quiz_file(body, kind), PATH, KNOWN_CODES)


def messages(result) -> list[str]:
    """Return each problem as it would be printed."""
    return [str(problem) for problem in result.problems]
