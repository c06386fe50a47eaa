"""What a demo learner of some ability answers to a question, as the form would send it.

Wrong choices are not picked evenly: the first distractor tempts most and the last hardly
anyone, as in real quizzes, so item analysis of seeded data shows option shares that
differ and the occasional distractor nobody picks.
"""

from __future__ import annotations

import random
from typing import Any

from .quizzes import Question
from .quizzes.arranged_questions import Matching, Ordering
from .quizzes.choice_questions import MultipleAnswers, SingleChoice, TrueFalse


def seeded_answer(question: Question, chance: float, rng: random.Random) -> Any:
    """Return an answer a learner who gets each part right with `chance` would give."""
    if isinstance(question, SingleChoice) and not isinstance(question, TrueFalse):
        if rng.random() < chance:
            return question.example_answer(True)
        wrong = [c.id for c in question.choices if not c.correct]
        return rng.choices(wrong, [1 / (n + 1) ** 3 for n in range(len(wrong))])[0]
    if isinstance(question, MultipleAnswers):
        return [
            c.id
            for c in question.choices
            if rng.random() < (chance if c.correct else (1 - chance) * 0.5)
        ]
    if isinstance(question, Matching):
        options = [o.id for o in question.options]
        right = question.example_answer(True)
        return {
            prompt: option if rng.random() < chance else rng.choice(options)
            for prompt, option in right.items()
        }
    if isinstance(question, Ordering):
        steps = question.example_answer(True)
        for n in range(len(steps) - 1):
            if rng.random() > chance:
                steps[n], steps[n + 1] = steps[n + 1], steps[n]
        return steps
    return question.example_answer(rng.random() < chance)


def seeded_score(question: Question, answer: Any) -> float:
    """Return the fraction of the question's points the answer earns (0 for none)."""
    if answer == []:
        return 0.0
    return question.score(question.check_answer(answer))
