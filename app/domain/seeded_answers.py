"""What a demo learner of some ability answers to a question, as the form would send it.

Wrong choices are not picked evenly: the first distractor tempts most and the last hardly
anyone, as in real quizzes, so item analysis of seeded data shows option shares that
differ and the occasional distractor nobody picks.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from itertools import accumulate
from typing import Any

from .quizzes import Question
from .quizzes.arranged_questions import Matching, Ordering
from .quizzes.choice_questions import MultipleAnswers, SingleChoice, TrueFalse


def seeded_answer(question: Question, chance: float, rng: random.Random) -> Any:
    """Return an answer a learner who gets each part right with `chance` would give."""
    return Answering(question).answer(chance, rng)


def seeded_score(question: Question, answer: Any) -> float:
    """Return the fraction (0 to 1) of the question's points the answer earns (0 for none)."""
    if answer == []:
        return 0.0
    return question.score(question.check_answer(answer))


def answer_key(answer: Any) -> Hashable:
    """Return a value that is equal for equal answers (a text, a list or a mapping of texts)."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, list):
        return list, tuple(answer)
    if isinstance(answer, dict):
        return dict, tuple(answer.items())
    return type(answer), answer


class Answering:
    """How demo learners answer one question, worked out once for all of them.

    `answer` draws what seeded_answer always drew, from the same random numbers in the same
    order; `score` is seeded_score, kept for each different answer: a seeded run meets the
    same few answers to a question thousands of times.
    """

    def __init__(self, question: Question):
        self.question = question
        self.scores: dict[Hashable, float] = {}
        if isinstance(question, SingleChoice) and not isinstance(question, TrueFalse):
            self.draw = self._single_choice
            self.right = question.example_answer(True)
            self.wrong = [c.id for c in question.choices if not c.correct]
            weights = [1 / (n + 1) ** 3 for n in range(len(self.wrong))]
            self.wrong_weights = list(accumulate(weights))  # as rng.choices adds them up
        elif isinstance(question, MultipleAnswers):
            self.draw = self._multiple_answers
            self.choices = [(c.id, c.correct) for c in question.choices]
        elif isinstance(question, Matching):
            self.draw = self._matching
            self.options = [o.id for o in question.options]
            self.pairs = list(question.example_answer(True).items())
        elif isinstance(question, Ordering):
            self.draw = self._ordering
            self.steps = question.example_answer(True)
        else:
            self.draw = self._right_or_not

    def answer(self, chance: float, rng: random.Random) -> Any:
        """Return an answer a learner who gets each part right with `chance` would give."""
        return self.draw(chance, rng)

    def score(self, answer: Any) -> float:
        """Return the fraction of the question's points the answer earns (seeded_score)."""
        try:
            key = answer_key(answer)
            return self.scores[key]
        except KeyError:
            score = self.scores[key] = seeded_score(self.question, answer)
            return score
        except TypeError:  # an answer that cannot be a key: marked afresh
            return seeded_score(self.question, answer)

    def _single_choice(self, chance: float, rng: random.Random) -> str:
        if rng.random() < chance:
            return self.right
        return rng.choices(self.wrong, cum_weights=self.wrong_weights)[0]

    def _multiple_answers(self, chance: float, rng: random.Random) -> list[str]:
        return [
            choice
            for choice, correct in self.choices
            if rng.random() < (chance if correct else (1 - chance) * 0.5)
        ]

    def _matching(self, chance: float, rng: random.Random) -> dict[str, str]:
        return {
            prompt: option if rng.random() < chance else rng.choice(self.options)
            for prompt, option in self.pairs
        }

    def _ordering(self, chance: float, rng: random.Random) -> list[str]:
        steps = list(self.steps)
        for n in range(len(steps) - 1):
            if rng.random() > chance:
                steps[n], steps[n + 1] = steps[n + 1], steps[n]
        return steps

    def _right_or_not(self, chance: float, rng: random.Random) -> Any:
        return self.question.example_answer(rng.random() < chance)
