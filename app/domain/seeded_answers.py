"""What a demo learner of some ability answers to a question, as the form would send it.

Each question type says how its demo learners answer (`Question.demo_answerer`): a new
type brings its own, and nothing here switches on the type.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

from .quizzes import Question


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
        self.draw = question.demo_answerer()

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
