"""Parse a content/quizzes/<id>.md file into a Quiz, collecting every problem with its line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

from ..markdown import InternalLink
from ..problems import Problem, Problems, has_errors, reading
from .base import Question
from .body import GroupDraft, read_body
from .drafts import QuestionDraft, QuestionReport, QuestionTargets
from .front_matter import read_front_matter
from .kind_rules import check_kind_rules
from .markdown_fields import check_markdown
from .model import QuestionGroup, Quiz
from .questions import QUESTION_TYPES, TYPES_BY_ANSWER_LINE
from .written_order import check_written_order


@dataclass(frozen=True)
class QuizResult:
    """The quiz if the file has no errors, and every problem found (warnings included).

    `settings` holds the front matter values that could be read (id, module, kind, ...),
    even when the body has errors, so checks that span files still see the quiz; `links`
    its texts' `screen:` and `module:` links, and `targets` the outcomes and screens each
    question names, for the loader to check against the module.
    """

    quiz: Quiz | None
    problems: tuple[Problem, ...]
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    links: tuple[InternalLink, ...] = ()
    targets: tuple[QuestionTargets, ...] = ()


def parse_quiz(
    text: str,
    path: str | PurePath,
    known_codes: Iterable[str] | None = None,
    module_codes: Mapping[str, Iterable[str]] | None = None,
    *,
    competencies_required: bool = True,
) -> QuizResult:
    """Read a quiz file's text; check competency codes against `known_codes` if given.

    `module_codes` maps module slugs to the codes each lists; a question may only give
    evidence for a code its quiz's module lists. Importers, which leave the codes to the
    trainer, check their output with `competencies_required=False`.
    """
    with reading(path):
        return _parse_quiz(text, str(path), known_codes, module_codes, competencies_required)


def _parse_quiz(
    text: str,
    path: str,
    known_codes: Iterable[str] | None,
    module_codes: Mapping[str, Iterable[str]] | None,
    competencies_required: bool,
) -> QuizResult:
    problems = Problems()
    # Line numbers must agree between YAML marks and our own counting.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    head = read_front_matter(text, path, problems)
    settings = head.settings
    module = settings.get("module")
    listed = (module_codes or {}).get(module) if module else None
    body = read_body(
        head.body,
        head.body_first_line,
        path,
        problems,
        known_codes,
        None if listed is None else (module, frozenset(listed)),
    )
    items: list[Question | QuestionGroup] = []
    # `screen:<slug>` links in the texts are to screens of the quiz's own module.
    links: list[InternalLink] = []
    texts = (module if isinstance(module, str) else "", links)
    for item in body.items:
        if isinstance(item, GroupDraft):
            built = (_build(d, path, problems, item, texts) for d in item.questions)
            questions = tuple(q for q in built if q)
            items.append(QuestionGroup(item.pick, item.points_per_question, questions, item.line))
        elif question := _build(item, path, problems, None, texts):
            items.append(question)
    drafts = [d for item in body.items for d in (_drafts_of(item))]
    if not drafts:
        problems.error(path, head.body_first_line, "quiz has no questions: start one with '1.'")
    _check_ids(drafts, settings.get("id"), path, problems)
    built_types = {q.line: q.type_name for q in _questions_of(items)}
    check_kind_rules(
        settings.get("kind"), body.items, built_types, path, problems, competencies_required
    )
    frozen = MappingProxyType(dict(settings))
    targets = tuple(d.targets() for d in drafts)
    if has_errors(problems):
        return QuizResult(None, problems.sorted(), frozen, tuple(links), targets)
    # Only a quiz whose every question was read can be said to put every answer first.
    shuffle_line = head.lines.get("shuffle_answers", 1)
    questions = _questions_of(items)
    check_written_order(settings.get("shuffle_answers"), questions, shuffle_line, path, problems)
    quiz = Quiz(**settings, items=tuple(items), path=path)
    return QuizResult(quiz, problems.sorted(), frozen, tuple(links), targets)


def _questions_of(items: list[Question | QuestionGroup]) -> list[Question]:
    return [
        q for item in items for q in (item.questions if isinstance(item, QuestionGroup) else [item])
    ]


def _drafts_of(item: QuestionDraft | GroupDraft) -> list[QuestionDraft]:
    return item.questions if isinstance(item, GroupDraft) else [item]


def _build(
    draft: QuestionDraft,
    path: str,
    problems: Problems,
    group: GroupDraft | None,
    texts: tuple[str, list[InternalLink]],
) -> Question | None:
    report = QuestionReport(problems, path, draft.number)
    question_type = _question_type(draft, report)
    module_slug, links = texts
    links.extend(check_markdown(draft, question_type, path, problems, module_slug))
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
