"""Gather a quiz body's marked lines into question drafts and groups, as text2qti does.

A question's attribute lines (Title:, Points: ...) are read by question_attributes.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..plain_numbers import Unplain, plain_number
from ..problems import Problems
from .drafts import AnswerLine, QuestionDraft, QuestionReport
from .lines import MarkedLine, read_lines
from .question_attributes import (
    ATTRIBUTE_READERS,
    MOST_POINTS,
    POINTS_RANGE,
    QuestionAttributes,
)

ATTRIBUTES = {
    "question_title",
    "question_points",
    "question_id",
    "question_competencies",
    "question_type",
    "question_outcomes",
    "question_screens",
}
ANSWERS = {
    "mctf_correct_choice",
    "mctf_incorrect_choice",
    "multans_correct_choice",
    "multans_incorrect_choice",
    "shortans_correct_choice",
    "numerical",
    "ordering_item",
}
CHOICES = {"mctf_correct_choice", "mctf_incorrect_choice"} | {
    "multans_correct_choice",
    "multans_incorrect_choice",
}

FRONT_MATTER_KEYS = {
    "quiz_title": "title",
    "quiz_description": "description",
    "quiz_shuffle_answers": "shuffle_answers",
    "quiz_show_correct_answers": "show_correct_answers",
}
NOT_SUPPORTED = {
    "essay": "essay boxes '___' are not supported: Linkwise marks every answer itself",
    "upload": "file uploads '^^^' are not supported: Linkwise marks every answer itself",
    "solution": "'!' solutions are not supported: use '...' feedback instead",
    "text": "'Text:' between questions is not supported: put teaching in module screens",
    "text_title": "'Text title:' is not supported: put teaching in module screens",
    "group_solutions_pick": "'solutions pick:' is not supported",
    "end_code": "a closing ``` has no opening ``` before it",
}


@dataclass
class GroupDraft:
    """A GROUP ... END_GROUP pool as read, with the lines its settings came from."""

    line: int
    pick: int = 1
    pick_line: int = 0
    points_per_question: float = 1
    questions: list[QuestionDraft] = field(default_factory=list)


@dataclass
class Body:
    """The questions and groups of a quiz body, in file order."""

    items: list[QuestionDraft | GroupDraft] = field(default_factory=list)


def read_body(
    body: str,
    first_line: int,
    path: str,
    problems: Problems,
    known_codes: Iterable[str] | None,
    module: tuple[str, frozenset[str]] | None = None,
) -> Body:
    """Gather questions and groups from a body, recording every problem on the way.

    `module` is the quiz's module slug and the codes it lists, when known: a question may
    only give evidence for those.
    """
    reader = _BodyReader(path, problems, None if known_codes is None else frozenset(known_codes))
    reader.module = module
    lines = read_lines(body, first_line)
    for line, message in lines.errors:
        problems.error(path, line, message)
    for marked in lines.marked:
        reader.read(marked)
    reader.finish()
    return reader.body


class _BodyReader(QuestionAttributes):
    def __init__(self, path: str, problems: Problems, known_codes: frozenset[str] | None) -> None:
        self.path, self.problems, self.known_codes = path, problems, known_codes
        self.body = Body()
        self.pending: dict[str, MarkedLine] = {}
        self.current: QuestionDraft | None = None
        self.group: GroupDraft | None = None
        self.count = 0
        self.module: tuple[str, frozenset[str]] | None = None

    def error(self, line: int, message: str) -> None:
        self.problems.error(self.path, line, message)

    def read(self, marked: MarkedLine) -> None:
        if marked.kind in ATTRIBUTES:
            if marked.kind in self.pending:
                self.error(marked.line, _given_twice(self.pending[marked.kind], marked))
            self.pending[marked.kind] = marked
            return
        if marked.kind == "question":
            self._question(marked)
            return
        self._unused_attributes()
        if marked.kind in ANSWERS:
            self._answer(marked)
        elif marked.kind in ("feedback", "correct_feedback", "incorrect_feedback"):
            self._feedback(marked)
        elif marked.kind in ("start_group", "end_group", "group_pick", "group_points_per_question"):
            self._group(marked)
        elif marked.kind in FRONT_MATTER_KEYS:
            key = FRONT_MATTER_KEYS[marked.kind]
            self.error(marked.line, f"'{marked.marker}' belongs in the front matter as '{key}:'")
        else:
            message = NOT_SUPPORTED.get(marked.kind, f"'{marked.marker}' is not supported")
            self.error(marked.line, message)

    def finish(self) -> None:
        self._unused_attributes()
        if self.group is not None:
            self.error(self.group.line, "GROUP has no END_GROUP after its questions")
            self._end_group()

    def _question(self, marked: MarkedLine) -> None:
        self.count += 1
        draft = QuestionDraft(self.count, marked.line, marked.text)
        report = QuestionReport(self.problems, self.path, self.count)
        for kind, attribute in self.pending.items():
            ATTRIBUTE_READERS[kind](self, draft, attribute, report)
        self.pending = {}
        self.current = draft
        (self.group.questions if self.group else self.body.items).append(draft)

    def _unused_attributes(self) -> None:
        for attribute in self.pending.values():
            self.error(
                attribute.line,
                f"'{attribute.marker}' is not followed by a question: "
                "put it straight before the question's number line",
            )
        self.pending = {}

    def _answer(self, marked: MarkedLine) -> None:
        if self.current is None:
            self.error(marked.line, f"'{marked.marker}' has no question above it")
            return
        answer = AnswerLine(marked.kind, marked.text, marked.line, marker=marked.marker)
        self.current.answers.append(answer)

    def _feedback(self, marked: MarkedLine) -> None:
        draft = self.current
        if draft is None:
            self.error(marked.line, f"feedback '{marked.marker}' has no question above it")
            return
        report = QuestionReport(self.problems, self.path, draft.number)
        if marked.kind == "feedback" and draft.answers and draft.answers[-1].kind in CHOICES:
            if draft.answers[-1].feedback is not None:
                report.error(marked.line, "gives one choice two '...' feedback lines")
            draft.answers[-1].feedback = marked.text
            draft.answers[-1].feedback_line = marked.line
            return
        if draft.answers:
            report.error(
                marked.line,
                f"has '{marked.marker}' feedback after its answers: put feedback for the "
                "whole question straight after the question text",
            )
            return
        slot = {"feedback": "general", "correct_feedback": "correct"}.get(marked.kind, "incorrect")
        if getattr(draft, slot) is not None:
            report.error(marked.line, f"has two '{marked.marker}' feedback lines")
        setattr(draft, slot, marked.text)
        draft.feedback_lines[slot] = marked.line

    def _group(self, marked: MarkedLine) -> None:
        self.current = None
        if marked.kind == "start_group":
            if self.group is not None:
                self.error(marked.line, "GROUP inside another GROUP: end the first with END_GROUP")
                return
            self.group = GroupDraft(marked.line)
            self.body.items.append(self.group)
        elif self.group is None:
            self.error(marked.line, f"'{marked.marker}' is outside any GROUP")
        elif marked.kind == "end_group":
            self._end_group()
        elif self.group.questions:
            self.error(marked.line, f"'{marked.marker}' must come straight after GROUP")
        elif marked.kind == "group_pick":
            pick = plain_number(marked.text)
            if isinstance(pick, Unplain):
                fix = pick.fix(whole=True)
                self.error(marked.line, f"'pick:' is written '{marked.text}', {pick.why}: {fix}")
            elif pick is None or pick < 1 or pick != int(pick):
                self.error(
                    marked.line,
                    "'pick:' must be a whole number of at least 1 written in the digits 0 to 9, "
                    f"like 1 or 2, not '{marked.text}'",
                )
            else:
                self.group.pick, self.group.pick_line = int(pick), marked.line
        else:
            points = plain_number(marked.text)
            if isinstance(points, Unplain):
                written = f"'points per question:' is written '{marked.text}'"
                self.error(marked.line, f"{written}, {points.why}: {points.fix(whole=False)}")
            elif points is None or points <= 0:
                self.error(marked.line, "'points per question:' must be a number above 0")
            elif points > MOST_POINTS:
                self.error(marked.line, f"'points per question:' must be {POINTS_RANGE}")
            else:
                self.group.points_per_question = float(points)

    def _end_group(self) -> None:
        group, self.group = self.group, None
        if group is None:
            return
        if not group.questions:
            self.error(group.line, "GROUP has no questions")
        elif group.pick > len(group.questions):
            self.error(
                group.pick_line or group.line,
                f"GROUP picks {group.pick} questions but has only {len(group.questions)}",
            )


# Attribute lines that hold a list: a second line is read as a second list, not more of one.
LISTS = {
    "question_competencies": "code",
    "question_outcomes": "outcome number",
    "question_screens": "screen",
}


def _given_twice(first: MarkedLine, again: MarkedLine) -> str:
    """Say an attribute line is given twice; for a list, how to write it as one line."""
    message = f"'{again.marker}' is given twice for one question"
    listed = LISTS.get(again.kind)
    if listed is None:
        return message
    both = (part.strip() for line in (first, again) for part in line.text.split(","))
    together = ", ".join(dict.fromkeys(part for part in both if part))
    return (
        f"{message}: list every {listed} on one line, separated by commas "
        f"({again.marker} {together})"
    )
