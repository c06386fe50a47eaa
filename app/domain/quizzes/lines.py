"""Split a quiz body into marked lines, following text2qti 0.8.0's grammar line for line."""

from __future__ import annotations

import re
from dataclasses import dataclass

# text2qti's start patterns, in its order (the first that matches wins), then Linkwise's.
START_PATTERNS = {
    "question": r"\d+\.",
    "mctf_correct_choice": r"\*[a-zA-Z]\)",
    "mctf_incorrect_choice": r"[a-zA-Z]\)",
    "multans_correct_choice": r"\[\*\]",
    "multans_incorrect_choice": r"\[ ?\]",
    "shortans_correct_choice": r"\*",
    "feedback": r"\.\.\.",
    "correct_feedback": r"\+",
    "incorrect_feedback": r"\-",
    "solution": r"!",
    "essay": r"___+",
    "upload": r"\^\^\^+",
    "numerical": r"=",
    "question_title": r"[Tt]itle:",
    "question_points": r"[Pp]oints:",
    "text_title": r"[Tt]ext [Tt]itle:",
    "text": r"[Tt]ext:",
    "quiz_title": r"[Qq]uiz [Tt]itle:",
    "quiz_description": r"[Qq]uiz description:",
    "start_group": r"GROUP",
    "end_group": r"END_GROUP",
    "group_pick": r"[Pp]ick:",
    "group_solutions_pick": r"[Ss]olutions pick:",
    "group_points_per_question": r"[Pp]oints per question:",
    "start_code": r"```+\s*\S.*",
    "end_code": r"```+",
    "quiz_shuffle_answers": r"[Ss]huffle answers:",
    "quiz_show_correct_answers": r"[Ss]how correct answers:",
    "quiz_one_question_at_a_time": r"[Oo]ne question at a time:",
    "quiz_cant_go_back": r"[Cc]an't go back:",
    "quiz_feedback_is_solution": r"[Ff]eedback is solution:",
    "quiz_solutions_sample_groups": r"[Ss]olutions sample groups:",
    "quiz_solutions_randomize_groups": r"[Ss]olutions randomize groups:",
    "question_id": r"ID:",
    "question_competencies": r"[Cc]ompetencies:",
    "question_type": r"[Tt]ype:",
    "question_outcomes": r"[Oo]utcomes:",
    "question_screens": r"[Ss]creens:",
    "ordering_item": r"\d+\)",
}
NO_CONTENT = {"essay", "upload", "start_group", "end_group", "start_code", "end_code"}
SINGLE_LINE = {
    "question_points",
    "group_pick",
    "group_solutions_pick",
    "group_points_per_question",
    "numerical",
    "shortans_correct_choice",
    "quiz_shuffle_answers",
    "quiz_show_correct_answers",
    "quiz_one_question_at_a_time",
    "quiz_cant_go_back",
    "quiz_feedback_is_solution",
    "quiz_solutions_sample_groups",
    "quiz_solutions_randomize_groups",
    "question_id",
    "question_competencies",
    "question_type",
    "question_outcomes",
    "question_screens",
}
MULTI_LINE = {name for name in START_PATTERNS if name not in NO_CONTENT | SINGLE_LINE}
MULTI_PARAGRAPH = {name for name in MULTI_LINE if "title" not in name}

START = re.compile(
    "|".join(
        rf"(?P<{name}>{pattern}\s*)$"
        if name in NO_CONTENT
        else rf"(?P<{name}>{pattern}[ \t]+(?=\S))"
        for name, pattern in START_PATTERNS.items()
    )
)
MISSING_CONTENT = re.compile(
    "|".join(
        rf"(?P<{name}>{pattern}[ \t]*$)"
        for name, pattern in START_PATTERNS.items()
        if name not in NO_CONTENT
    )
)
MISSING_SPACE = re.compile(
    "|".join(
        rf"(?P<{name}>{pattern}(?=\S))"
        for name, pattern in START_PATTERNS.items()
        if name not in NO_CONTENT
    )
)


@dataclass(frozen=True)
class MarkedLine:
    """A line that starts with a marker, with its text (continuation lines joined)."""

    kind: str
    marker: str
    text: str
    line: int
    last_line: int


@dataclass
class Lines:
    """The marked lines of a body and the lines that could not be read."""

    marked: list[MarkedLine]
    errors: list[tuple[int, str]]


def read_lines(body: str, first_line: int) -> Lines:
    """Return a body's marked lines, with their file line numbers, and any unreadable lines."""
    result = Lines([], [])
    lines = body.split("\n")
    index = 0
    while index < len(lines):
        line, number = lines[index], first_line + index
        index += 1
        match = START.match(line)
        if match is None:
            index = _unmarked(line, number, lines, index, first_line, result)
            continue
        kind = match.lastgroup or ""
        marker, text = line[: match.end()].strip(), line[match.end() :].strip()
        if kind == "start_code":
            index = _skip_code(line, lines, index)
            result.errors.append((number, "code blocks that run are not supported in quizzes"))
            continue
        if kind in MULTI_LINE:
            text, index = _continued(line, match.end(), kind, lines, index, first_line, result)
        last_line = first_line + index - 1
        result.marked.append(MarkedLine(kind, marker, text, number, last_line))
    return result


def _continued(
    line: str,
    end: int,
    kind: str,
    lines: list[str],
    index: int,
    first_line: int,
    result: Lines,
) -> tuple[str, int]:
    # Wrapped lines line up under the text after the marker; after a `Title:` they
    # may use any indent of two spaces or more, as text2qti allows.
    indent = None if START_PATTERNS[kind].endswith(":") else len(line[:end].expandtabs(4))
    parts = [line[end:].strip()]
    while index < len(lines):
        current = lines[index]
        if not current.strip():
            if kind not in MULTI_PARAGRAPH:
                break
            parts.append("")
            index += 1
            continue
        expanded = current.expandtabs(4)
        if indent is None:
            if not current.startswith((" ", "\t")):
                break
            indent = len(expanded) - len(expanded.lstrip(" "))
            if indent < 2:
                result.errors.append(
                    (first_line + index, "wrapped text must be indented by at least 2 spaces")
                )
        elif not expanded.startswith(" " * indent):
            break
        parts.append(expanded[indent:].rstrip())
        index += 1
    # Blank lines after the text belong to what follows, not to this line.
    while parts and not parts[-1]:
        parts.pop()
        index -= 1
    return "\n".join(parts), index


def _unmarked(
    line: str, number: int, lines: list[str], index: int, first_line: int, result: Lines
) -> int:
    if not line.strip() or line.startswith("%"):
        return index
    if line.startswith("COMMENT"):
        if line.strip() != "COMMENT":
            result.errors.append((number, "unexpected text after 'COMMENT'"))
        while index < len(lines) and not lines[index].startswith("END_COMMENT"):
            index += 1
        if index == len(lines):
            result.errors.append((number, "'COMMENT' has no 'END_COMMENT' after it"))
        return index + 1
    if line.startswith("END_COMMENT"):
        result.errors.append((number, "'END_COMMENT' has no 'COMMENT' before it"))
    elif missing := MISSING_SPACE.match(line):
        result.errors.append((number, f"missing space after '{missing.group().strip()}'"))
    elif missing := MISSING_CONTENT.match(line):
        result.errors.append((number, f"missing text after '{missing.group().strip()}'"))
    else:
        result.errors.append(
            (
                number,
                "unexpected text; start it with a marker such as '1.', 'a)' or '...', "
                "or indent it to line up with the text it continues",
            )
        )
    return index


def _skip_code(line: str, lines: list[str], index: int) -> int:
    fence = "`" * (len(line) - len(line.lstrip("`")))
    while index < len(lines) and not lines[index].startswith(fence):
        index += 1
    return index + 1
