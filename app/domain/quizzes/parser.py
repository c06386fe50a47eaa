"""Parse a content/quizzes/<id>.md file into a Quiz, collecting every problem with its line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath

from ..problems import Problem, Problems, has_errors
from .base import Question, QuestionDraft, QuestionReport
from .body import GroupDraft, read_body
from .front_matter import read_front_matter
from .model import QuestionGroup, Quiz
from .questions import QUESTION_TYPES, TYPES_BY_ANSWER_LINE


@dataclass(frozen=True)
class QuizResult:
    """The quiz if the file has no errors, and every problem found (warnings included)."""

    quiz: Quiz | None
    problems: tuple[Problem, ...]


def parse_quiz(
    text: str, path: str | PurePath, known_codes: Iterable[str] | None = None
) -> QuizResult:
    """Read a quiz file's text; check competency codes against `known_codes` if given."""
    path = str(path)
    problems = Problems()
    # Line numbers must agree between YAML marks and our own counting.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    head = read_front_matter(text, path, problems)
    body = read_body(head.body, head.body_first_line, path, problems, known_codes)
    settings = head.settings
    items: list[Question | QuestionGroup] = []
    for item in body.items:
        if isinstance(item, GroupDraft):
            questions = tuple(q for d in item.questions if (q := _build(d, path, problems, item)))
            items.append(QuestionGroup(item.pick, item.points_per_question, questions, item.line))
        elif question := _build(item, path, problems, None):
            items.append(question)
    drafts = [d for item in body.items for d in (_drafts_of(item))]
    if not drafts:
        problems.error(path, head.body_first_line, "quiz has no questions: start one with '1.'")
    _check_ids(drafts, settings.get("id"), path, problems)
    if settings.get("kind") == "assessment":
        for draft in drafts:
            if not draft.competencies:
                QuestionReport(problems, path, draft.number).error(
                    draft.line,
                    "has no Competencies: every assessment question needs a line like "
                    "'Competencies: SPLW-1.2' before it",
                )
            if not draft.outcomes:
                QuestionReport(problems, path, draft.number).error(
                    draft.line,
                    "has no Outcomes: every assessment question needs a line like "
                    "'Outcomes: 1, 3' naming the module's learning outcomes it tests",
                )
    if has_errors(problems):
        return QuizResult(None, problems.sorted())
    quiz = Quiz(**settings, items=tuple(items), path=path)
    return QuizResult(quiz, problems.sorted())


def _drafts_of(item: QuestionDraft | GroupDraft) -> list[QuestionDraft]:
    return item.questions if isinstance(item, GroupDraft) else [item]


def _build(
    draft: QuestionDraft, path: str, problems: Problems, group: GroupDraft | None
) -> Question | None:
    report = QuestionReport(problems, path, draft.number)
    question_type = _question_type(draft, report)
    if question_type is None:
        return None
    foreign = [a for a in draft.answers if a.kind not in question_type.answer_kinds]
    for answer in foreign:
        report.error(
            answer.line,
            f"is a {question_type.type_name} question, so '{answer.marker}' lines do not "
            f"belong in it{_mixing_hint(question_type.type_name, answer.kind)}",
        )
    if foreign:
        return None
    question = question_type.build(draft, report)
    if question is not None and group is not None:
        if draft.points != 1.0 and draft.points != group.points_per_question:
            problems.warning(
                path,
                draft.line,
                f"question {draft.number} is in a GROUP, so its 'Points:' is ignored "
                "and the group's 'points per question:' applies",
            )
        question = replace(question, points=group.points_per_question)
    return question


def _question_type(draft: QuestionDraft, report: QuestionReport) -> type[Question] | None:
    if draft.type_name is not None:
        return QUESTION_TYPES[draft.type_name]
    if not draft.answers:
        report.error(
            draft.line,
            "has no answers: add choices 'a)' with the right one '*a)', ticks '[ ]' and '[*]', "
            "accepted answers '*   answer' or a number '= 42'",
        )
        return None
    first = draft.answers[0]
    if first.kind == "ordering_item":
        report.error(
            draft.line,
            "has numbered steps like '1)': put 'Type: ordering' before the question",
        )
        return None
    return TYPES_BY_ANSWER_LINE[first.kind]


def _mixing_hint(type_name: str, kind: str) -> str:
    if type_name == "single-choice" and kind.startswith("multans"):
        return ": use '[*]' and '[ ]' for every choice of a multiple-answer question"
    if type_name == "multiple-answers" and kind.startswith("mctf"):
        return ": use '[*]' and '[ ]' for every choice of a multiple-answer question"
    return ""


def _check_ids(
    drafts: list[QuestionDraft], quiz_id: str | None, path: str, problems: Problems
) -> None:
    seen: dict[str, int] = {}
    for draft in drafts:
        report = QuestionReport(problems, path, draft.number)
        if draft.id is None:
            example = f"{quiz_id or PurePath(path).stem}-q{draft.number}"
            report.error(draft.line, f"has no ID: add a line like 'ID: {example}' before it")
        elif draft.id in seen:
            report.error(
                draft.id_line,
                f"has ID '{draft.id}', which question {seen[draft.id]} already uses: "
                "IDs must be unique within the file",
            )
        else:
            seen[draft.id] = draft.number
