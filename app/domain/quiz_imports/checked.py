"""What importers share: a quiz file written line by line, remembering each line's source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..problems import Problem, Problems
from ..quizzes import parse_quiz

SLUG_WORDS = re.compile(r"[a-z0-9]+")
NO_QUESTIONS = "quiz has no questions"
FRONT_KEY = re.compile(r"^([a-z_]+):")
QUESTION_NUMBER = re.compile(r"\bquestion ([0-9]+)\b")
LINE_NUMBER = re.compile(r"\bline ([0-9]+)\b")
# How the quiz parser counts a file's questions (a knowledge check holds one).
FILE_HAS = re.compile(r"\bthis file has ([0-9]+)\b")
HOUSE_NAME = re.compile(r"^(?P<module>[a-z0-9-]+?)-(?P<kind>assessment|check-[0-9]+)$")


@dataclass(frozen=True)
class Imported:
    """A converted quiz file and every problem found, at the source file's lines."""

    text: str
    problems: tuple[Problem, ...]
    questions: int = 0

    @property
    def has_errors(self) -> bool:
        """Say whether anything stops the quiz from being used."""
        return any(problem.is_error for problem in self.problems)


@dataclass
class QuizWriter:
    """The body of a Linkwise quiz file, each line with the source line it came from."""

    source: str
    lines: list[str] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)
    notes: Problems = field(default_factory=Problems)
    # The source's number of each question written, in order, when it differs from its place.
    numbers: list[int] = field(default_factory=list)
    # The source's numbers of the questions left out (essays, say), warned of at their lines.
    left_out: list[int] = field(default_factory=list)

    def add(self, text: str, origin: int) -> None:
        """Append one or more lines that came from a source line."""
        for line in text.split("\n"):
            self.lines.append(line)
            self.origins.append(origin)

    def warn(self, line: int, message: str) -> None:
        """Record something that could not be carried over exactly."""
        self.notes.warning(self.source, line, message)

    def error(self, line: int, message: str) -> None:
        """Record something that stops the quiz from being imported."""
        self.notes.error(self.source, line, message)

    def error_count(self) -> int:
        """Return how many errors have been recorded so far."""
        return sum(problem.is_error for problem in self.notes)

    def truncate(self, length: int) -> None:
        """Forget the lines written after the first `length`."""
        del self.lines[length:], self.origins[length:]

    def finish(
        self,
        front: dict[str, Any],
        questions: int,
        front_lines: dict[str, int] | None = None,
        empty: str | None = None,
    ) -> Imported:
        """Return the quiz file, checked by the quiz parser, problems at source lines.

        `front_lines` gives the source line of front matter settings taken from the source;
        a problem with any other setting is reported at line 1, the file as a whole.
        `empty` says, in the source's own terms, that it holds no questions.
        """
        header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=88).rstrip()
        header_lines = ["---", *header.split("\n"), "---"]
        text = "\n".join(header_lines + self.lines).rstrip("\n") + "\n"
        origins = [1] * len(header_lines) + [line or 1 for line in self.origins]
        key = None
        for index, written in enumerate(header_lines[1:-1], 1):
            key = found[1] if (found := FRONT_KEY.match(written)) else key
            origins[index] = (front_lines or {}).get(key, 1)
        result = parse_quiz(text, f"{front['id']}.md", competencies_required=False)
        problems = list(self.notes)
        for problem in result.problems:
            if problem.message.startswith(NO_QUESTIONS) and (self.error_count() or empty):
                if not self.error_count():  # else every question had its own error, reported
                    problems.append(Problem(self.source, 1, "error", empty))
                continue
            line = origins[problem.line - 1] if 0 < problem.line <= len(origins) else 1
            message = QUESTION_NUMBER.sub(self._source_number, problem.message)
            message = FILE_HAS.sub(self._count_without_left_out, message)
            # A message naming other lines ("the block from line 37 to line 39") names the
            # source's, as its own line does.
            message = LINE_NUMBER.sub(lambda found: _source_line(found, origins), message)
            problems.append(Problem(self.source, line, problem.severity, message))
        return Imported(text, tuple(sorted(set(problems))), questions)

    def _source_number(self, match: re.Match[str]) -> str:
        # The quiz parser numbers the questions written; the source may have left some out.
        written = int(match[1])
        if 0 < written <= len(self.numbers):
            return f"question {self.numbers[written - 1]}"
        return match[0]

    def _count_without_left_out(self, match: re.Match[str]) -> str:
        # The quiz parser counts the questions written; the source has those left out too.
        if not self.left_out:
            return match[0]
        return (
            f"{match[0]} (not counting {questions_named(self.left_out)}, "
            f"{'which is' if len(self.left_out) == 1 else 'which are'} left out)"
        )


def questions_named(numbers: list[int]) -> str:
    """Return "question 1", or "questions 1, 3 and 4", for messages."""
    if len(numbers) == 1:
        return f"question {numbers[0]}"
    return "questions " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def left_out_message(number: int, what: str, why: str = "which Linkwise cannot mark") -> str:
    """Say that a question of the source is left out, named by its number there."""
    return f"question {number} is {what}, {why}, so it is left out"


def _source_line(found: re.Match[str], origins: list[int]) -> str:
    written = int(found[1])
    return f"line {origins[written - 1]}" if 0 < written <= len(origins) else found[0]


def slug(text: str) -> str:
    """Return text as lowercase words joined by hyphens, for IDs."""
    return "-".join(SLUG_WORDS.findall(text.lower()))


def house_settings(quiz_id: str, module: str | None, kind: str | None) -> tuple[str, str]:
    """Return the module and kind, taken from a house-style id when not given.

    `referral-routes-assessment` is module referral-routes's assessment, and
    `referral-routes-check-2` one of its knowledge checks.
    """
    named = HOUSE_NAME.match(quiz_id)
    if kind is None:
        kind = "knowledge-check" if named and named["kind"] != "assessment" else "assessment"
    if module is None:
        module = named["module"] if named else "unassigned"
    return module, kind


def front_matter(
    quiz_id: str, module: str, title: str, kind: str, **settings: Any
) -> dict[str, Any]:
    """Return a quiz's front matter with the house settings for its kind, then `settings`."""
    assessment = kind == "assessment"
    front: dict[str, Any] = {
        "id": quiz_id,
        "module": module,
        "title": title,
        "kind": kind,
        "pass_mark": 80 if assessment else 0,
        "shuffle_answers": assessment,
        "shuffle_questions": assessment,
        "show_correct_answers": "after-pass" if assessment else "after-each-submission",
    }
    if assessment:
        front["max_attempts"] = 3
    front.update({key: value for key, value in settings.items() if value is not None})
    return front
