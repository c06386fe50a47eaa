"""Check that quiz questions name learning outcomes their module has."""

from __future__ import annotations

from .module_files import ModuleDraft
from .problems import Problems
from .quizzes import Quiz


def check_outcome_numbers(draft: ModuleDraft, quiz: Quiz, problems: Problems) -> None:
    """Report each question whose `Outcomes:` names a number past the module's outcomes."""
    count = len(draft.learning_outcomes)
    if count == 0 or count < draft.outcome_items:
        # module.md's own error already says the outcomes are missing, or which is refused
        return
    for number, question in enumerate(quiz.questions, start=1):
        for outcome in question.outcomes:
            if outcome > count:
                problems.error(
                    quiz.path,
                    question.outcomes_line or question.line,
                    f"question {number} names outcome {outcome} on its Outcomes: line, but "
                    f"module '{draft.slug}' has {count} learning outcome{'s' * (count != 1)}",
                )
