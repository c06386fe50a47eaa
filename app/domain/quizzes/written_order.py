"""A warning for a quiz whose written order gives its answers away.

With `shuffle_answers: false` (the house setting for knowledge checks) learners see the
choices in the order they were written. If every question writes its right choices first, a
learner who always picks the first choice scores full marks without reading a word.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..problems import Problems
from .base import Question


def check_written_order(
    shuffle_answers: bool | None,
    questions: Iterable[Question],
    line: int,
    path: str,
    problems: Problems,
) -> None:
    """Warn, at the `shuffle_answers` line, when unshuffled choices always start right."""
    if shuffle_answers is not False:
        return
    # Questions with distractors (single choice, multiple answers) are the ones the setting
    # orders: true-false keeps its written order whatever it says, steps and matches never.
    asked = [q for q in questions if q.has_distractors]
    if not asked or not all(right_choices_first(q) for q in asked):
        return
    if len(asked) == 1:
        what = f"the question lists its right {_choices(asked[0])} first"
        fix = "so every learner sees the answer at the top: write a wrong choice above it"
    else:
        what = f"all {len(asked)} questions list their right choices first"
        fix = (
            "so a learner who always picks the first choice scores full marks: write a wrong "
            "choice above the right one in some of them"
        )
    problems.warning(
        path,
        line,
        f"shuffle_answers is false and {what}, {fix}, or set shuffle_answers: true",
    )


def right_choices_first(question: Question) -> bool:
    """Say whether a question writes every right choice before every wrong one."""
    marks = [choice.correct for choice in getattr(question, "choices", ())]
    return any(marks) and not all(marks) and marks == sorted(marks, reverse=True)


def _choices(question: Question) -> str:
    right = sum(choice.correct for choice in getattr(question, "choices", ()))
    return "choice" if right == 1 else "choices"
