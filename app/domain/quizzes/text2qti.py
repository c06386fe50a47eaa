"""Turn a plain text2qti quiz into a Linkwise quiz file with the same questions."""

from __future__ import annotations

import re

import yaml

from .lines import MarkedLine, read_lines

HEADER_KEYS = {
    "quiz_title",
    "quiz_description",
    "quiz_shuffle_answers",
    "quiz_show_correct_answers",
}
# Settings text2qti has and Linkwise does not; kept as comments so nothing is lost.
OTHER_SETTINGS = {
    "quiz_one_question_at_a_time",
    "quiz_cant_go_back",
    "quiz_feedback_is_solution",
    "quiz_solutions_sample_groups",
    "quiz_solutions_randomize_groups",
}
TRUE_FALSE = {"true", "True", "false", "False"}


def import_text2qti(
    text: str,
    *,
    module: str = "unassigned",
    kind: str = "knowledge-check",
    pass_mark: float = 80,
) -> str:
    """Return a Linkwise quiz file holding a text2qti quiz's questions, IDs added."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    marked = read_lines(text, 1).marked
    header = {m.kind: m for m in marked if m.kind in HEADER_KEYS}
    title = " ".join(header["quiz_title"].text.split()) if "quiz_title" in header else "Quiz"
    quiz_id = slug(title) or "quiz"
    front = {
        "id": quiz_id,
        "module": module,
        "title": title,
        "kind": kind,
        "pass_mark": pass_mark,
        "shuffle_answers": _flag(header.get("quiz_shuffle_answers"), default=False),
        "shuffle_questions": False,
        "show_correct_answers": "after-each-submission"
        if _flag(header.get("quiz_show_correct_answers"), default=True)
        else "never",
    }
    if "quiz_description" in header:
        front["description"] = header["quiz_description"].text
    dropped = {n for m in header.values() for n in range(m.line, m.last_line + 1)}
    inserted: dict[int, list[str]] = {}
    for m in marked:
        if m.kind in OTHER_SETTINGS:
            lines[m.line - 1] = f"% text2qti setting not used by Linkwise: {lines[m.line - 1]}"
    questions = [m for m in marked if m.kind == "question"]
    for number, question in enumerate(questions, 1):
        extra = [f"ID: {quiz_id}-q{number}"]
        if _is_true_false(question, marked):
            extra.append("Type: true-false")
        inserted[question.line] = extra
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---"]
    out.append("% Add 'Competencies: SPLW-1.2' (your codes) before each question as needed.")
    for number, line in enumerate(lines, 1):
        if number in dropped:
            continue
        out.extend(inserted.get(number, ()))
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


def slug(text: str) -> str:
    """Return text as lowercase words joined by hyphens, for IDs."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _flag(marked: MarkedLine | None, *, default: bool) -> bool:
    return default if marked is None else marked.text.lower() == "true"


def _is_true_false(question: MarkedLine, marked: list[MarkedLine]) -> bool:
    # text2qti makes a question true/false when its only two choices read true and false.
    choices = []
    for m in marked[marked.index(question) + 1 :]:
        if m.kind in ("question", "start_group", "end_group"):
            break
        if m.kind in ("mctf_correct_choice", "mctf_incorrect_choice"):
            choices.append(m.text)
    distinct = {choice.lower() for choice in choices}
    return len(choices) == 2 and set(choices) <= TRUE_FALSE and len(distinct) == 2
