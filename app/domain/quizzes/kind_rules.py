"""Rules a quiz's kind sets for its questions: what an assessment and a knowledge check hold."""

from __future__ import annotations

from ..problems import Problems
from .body import GroupDraft
from .drafts import QuestionDraft, QuestionReport

# What a knowledge check may ask: one question a learner answers in a moment on the screen.
KNOWLEDGE_CHECK_TYPES = ("single-choice", "true-false", "multiple-answers")


def check_kind_rules(
    kind: str | None,
    items: list[QuestionDraft | GroupDraft],
    built_types: dict[int, str],
    path: str,
    problems: Problems,
    competencies_required: bool = True,
) -> None:
    """Report what the quiz's kind does not allow, once for each cause.

    `built_types` gives the type of each question that was built, by its line.
    """
    drafts = [d for item in items for d in _drafts_of(item)]
    if kind == "assessment" and competencies_required:
        for draft in drafts:
            # A Competencies: line whose codes were all wrong has its own errors already.
            if not draft.competencies and not draft.competencies_line:
                QuestionReport(problems, path, draft.number).error(
                    draft.line,
                    "has no Competencies: every assessment question needs a line like "
                    "'Competencies: SPLW-1.2' before it",
                )
            # Likewise an Outcomes: line whose numbers were all wrong is reported already.
            if not draft.outcomes and not draft.outcomes_line:
                QuestionReport(problems, path, draft.number).error(
                    draft.line,
                    "has no Outcomes: every assessment question needs a line like "
                    "'Outcomes: 1, 3' naming the module's learning outcomes it tests",
                )
    elif kind == "knowledge-check":
        _check_knowledge_check(items, drafts, built_types, path, problems)


def _check_knowledge_check(items, drafts, built_types, path: str, problems: Problems) -> None:
    groups = [item for item in items if isinstance(item, GroupDraft)]
    if groups:
        problems.error(
            path,
            groups[0].line,
            "a knowledge check holds exactly one question, so it cannot have a GROUP pool",
        )
    if len(items) > 1:
        second = items[1]
        problems.error(
            path,
            second.line,
            f"a knowledge check holds exactly one question, but this file has {len(drafts)}: "
            "move the others to their own knowledge checks or to the module's assessment",
        )
    allowed = ", ".join(KNOWLEDGE_CHECK_TYPES)
    for draft in drafts:
        # A question that failed to build and names no Type has no type worth guessing at.
        type_name = draft.type_name or built_types.get(draft.line)
        if type_name is not None and type_name not in KNOWLEDGE_CHECK_TYPES:
            QuestionReport(problems, path, draft.number).error(
                draft.type_line or draft.line,
                f"is {_article(type_name)} {type_name} question, but a knowledge check asks "
                f"one of: {allowed}",
            )


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _drafts_of(item: QuestionDraft | GroupDraft) -> list[QuestionDraft]:
    return item.questions if isinstance(item, GroupDraft) else [item]
