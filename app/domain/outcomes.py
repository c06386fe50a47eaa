"""Check that quiz questions name learning outcomes their module has."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .module_files import ModuleDraft
from .problems import Problems
from .quizzes.drafts import QuestionTargets


def check_outcome_numbers(
    draft: ModuleDraft, path: str | Path, questions: Iterable[QuestionTargets], problems: Problems
) -> None:
    """Report each question whose `Outcomes:` names a number past the module's outcomes."""
    count = len(draft.learning_outcomes)
    if count == 0 or count < draft.outcome_items:
        # module.md's own error already says the outcomes are missing, or which is refused
        return
    for question in questions:
        for outcome in question.outcomes:
            if outcome > count:
                problems.error(
                    path,
                    question.outcomes_line or question.line,
                    f"question {question.number} names outcome {outcome} on its Outcomes: "
                    f"line, but module '{draft.slug}' has {count} learning "
                    f"outcome{'s' * (count != 1)}",
                )
