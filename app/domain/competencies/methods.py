"""Mastery maths: the attainment methods that combine a competency's graded results into a score.

Evidence is one graded answer; the answers of one moment make an attempt's result, and a
method (a registry entry, named in the framework's attainment settings) combines results
into a percent. Rating that score on the scale is `knowledge`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import ClassVar

from ..frameworks import AttainmentSettings, Framework


class UnknownAttainmentMethod(ValueError):
    """An attainment method name that is not in the registry."""


@dataclass(frozen=True)
class Evidence:
    """One graded answer aligned with a competency: the fraction of its points earned, and when."""

    score: float
    at: datetime
    question_id: str | None = None
    quiz_id: str | None = None

    @classmethod
    def stored(cls, score: float, at: datetime, question_id, quiz_id) -> Evidence:
        """Rebuild evidence read back from the database, checked when it was written.

        Re-rating everyone reads millions of rows; the checks would be half the time.
        """
        evidence = object.__new__(cls)
        evidence.__dict__.update(score=score, at=at, question_id=question_id, quiz_id=quiz_id)
        return evidence

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 1:  # also refuses NaN
            raise ValueError(f"evidence score must be a fraction from 0 to 1, not {self.score!r}")
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("evidence time must be timezone-aware, so results sort correctly")


_TIME_AND_SCORE = attrgetter("at", "score")
_AT = attrgetter("at")


def in_time_order(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Return the results oldest first; of results at the same moment, the lowest score first.

    Only time and score matter, so the order results are given in never does.
    """
    return sorted(evidence, key=_TIME_AND_SCORE)


def moment_scores(evidence: Sequence[Evidence]) -> list[float]:
    """Return the results in evidence in time order: the answers of one moment as their mean.

    The answers of one attempt are graded at one moment: together they are the attempt's
    result on the competency, and every method combines such results. (Taking them one by
    one rated one attempt with 1 of 4 answers right Secure under `highest`, and with 2 of 3
    right Secure under `weighted-average`, where the best of them counted as the latest.)
    """
    return [
        scores[0] if len(scores) == 1 else math.fsum(scores) / len(scores)
        for scores in ([e.score for e in moment] for _, moment in groupby(evidence, _AT))
    ]


class AttainmentMethod:
    """A way to combine results into a score from 0 to 100; subclasses define `_fraction`.

    A result is an attempt's: the mean of the answers graded at one moment (`moment_scores`).
    `_fraction` is given the results oldest first and never sees single answers, so no
    method can rate one attempt by its best answer.
    """

    name: ClassVar[str]

    @classmethod
    def for_framework(cls, framework: Framework) -> AttainmentMethod:
        """Return this method set up for a framework's scale."""
        return cls()

    def score(self, evidence: Sequence[Evidence], settings: AttainmentSettings) -> float:
        """Return the score, in percent, that these results earn."""
        return self.score_in_order(in_time_order(evidence), settings)

    def score_in_order(self, evidence: Sequence[Evidence], settings: AttainmentSettings) -> float:
        """Return the score of results already in time order (as `in_time_order` puts them)."""
        if not evidence:
            raise ValueError(f"'{self.name}' needs at least one result to score")
        fraction = min(max(self._fraction(moment_scores(evidence), settings), 0.0), 1.0)
        # Rounded so float dust (0.8 * 0.35 + 0.8 * 0.65 == 0.7999...) never drops a learner
        # whose results are all exactly 80% below an 80% threshold.
        return round(fraction * 100, 6)

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        """Combine the attempts' results, oldest first, into a fraction from 0 to 1."""
        raise NotImplementedError

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner ("it is your best quiz attempt ...")."""
        raise NotImplementedError


@dataclass(frozen=True)
class Latest(AttainmentMethod):
    """The most recent result (an attempt's: the mean of its answers)."""

    name: ClassVar[str] = "latest"

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner."""
        return "it is your latest quiz attempt on this competency alone"

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        return results[-1]


@dataclass(frozen=True)
class Highest(AttainmentMethod):
    """The best result: the best attempt's mean, never its best answer."""

    name: ClassVar[str] = "highest"

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner."""
        return "it is your best quiz attempt on this competency"

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        return max(results)


@dataclass(frozen=True)
class Average(AttainmentMethod):
    """The mean of the results: each attempt counts once, whatever its number of answers."""

    # Attempts 40% (2 of 5 answers right) then 100% (1 of 1): (0.40 + 1.00) / 2 = 0.70 -> 70%.
    # The mean of the six answers, 3 / 6 = 50%, would differ, and would not be what the other
    # methods call a result: `average` is `weighted-average` with every result weighed alike.
    name: ClassVar[str] = "average"

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner."""
        return (
            "it is the mean of all your quiz attempts on this competency, so an earlier result "
            "counts as much as a later one"
        )

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        return math.fsum(results) / len(results)


# The decaying average, with w = settings.latest_weight (0.65 by default):
#
#     running_1 = r_1
#     running_k = running_(k-1) * (1 - w) + r_k * w        for each later result r_k
#
# taking results r_1..r_n in time order. The latest result always carries w; everything
# before it, together, carries 1 - w, with older results fading geometrically. Unrolled,
# r_1 weighs (1 - w)^(n-1) and r_k (k > 1) weighs w * (1 - w)^(n-k); the weights sum to 1.
#
# Worked example, w = 0.65, results 40%, 70%, 90% in that order:
#     start                                      0.40
#     0.40 * 0.35 + 0.70 * 0.65 = 0.14 + 0.455 = 0.595
#     0.595 * 0.35 + 0.90 * 0.65 = 0.20825 + 0.585 = 0.79325  ->  79.325%, "Developing"
# Check by weights: 0.1225 * 0.40 + 0.2275 * 0.70 + 0.65 * 0.90 = 0.049 + 0.15925 + 0.585.
#
# Naming, because Canvas changed it: this recursive formula is what Canvas (since its 2023
# update) and PowerSchool call "Decaying Average", registered here as "decaying-average".
# Canvas's older 65/35 method, now named "Weighted Average", is WeightedAverage below. The
# two agree for one or two results.
def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g}%"


def _latest_weight(settings: AttainmentSettings) -> float:
    weight = settings.latest_weight
    if not 0 < weight <= 1:
        raise ValueError(f"latest_weight must be above 0 and at most 1, not {weight!r}")
    return weight


@dataclass(frozen=True)
class DecayingAverage(AttainmentMethod):
    """Canvas's decaying average: the latest result weighs `latest_weight`, older ones fade."""

    name: ClassVar[str] = "decaying-average"

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner."""
        return (
            f"it weighs all your quiz attempts on this competency, your latest for "
            f"{_percent(_latest_weight(settings))} and earlier ones less the older they are, "
            "so earlier results keep counting for a while"
        )

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        weight = _latest_weight(settings)
        first, *later = results
        running = first
        for score in later:
            running = running * (1 - weight) + score * weight
        return running


@dataclass(frozen=True)
class WeightedAverage(AttainmentMethod):
    """The latest result weighs `latest_weight` (65%); the mean of all earlier ones the rest."""

    # The brief's "latest 65%, earlier ones 35%", which is Canvas's "Weighted Average":
    #     latest * w + mean(earlier) * (1 - w)
    # Worked example, w = 0.65, results 40%, 70%, 90%:
    #     0.90 * 0.65 + (0.40 + 0.70) / 2 * 0.35 = 0.585 + 0.1925 = 0.7775  ->  77.75%

    name: ClassVar[str] = "weighted-average"

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner."""
        weight = _latest_weight(settings)
        return (
            f"it weighs all your quiz attempts on this competency, your latest for "
            f"{_percent(weight)} and the mean of your earlier ones for {_percent(1 - weight)}, "
            "so earlier results keep counting however well your latest went"
        )

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        weight = _latest_weight(settings)
        *earlier, latest = results
        if not earlier:
            return latest
        return latest * weight + sum(earlier) / len(earlier) * (1 - weight)


@dataclass(frozen=True)
class NAtMastery(AttainmentMethod):
    """Progress towards n results at or above the mastery threshold, as a percent of n."""

    # n is `settings.mastery_count` when settings carry one, else `settings.minimum_evidence`;
    # the threshold is the top level of the framework's scale ("Secure", 80). A result is an
    # attempt's mean, as for every method: one attempt with 3 of 4 answers right is one
    # result of 75%, not three at mastery. Canvas's "n Number of Times" instead averages the
    # mastered scores once there are n of them; a share of n shows a learner how far along
    # they are.

    name: ClassVar[str] = "n-at-mastery"
    threshold: float = 80.0

    @classmethod
    def for_framework(cls, framework: Framework) -> NAtMastery:
        """Return the method using the threshold of the framework's top level."""
        return cls(threshold=framework.scale[-1].threshold)

    def required(self, settings: AttainmentSettings) -> int:
        """Return n, the number of results at mastery that score 100."""
        # AttainmentSettings has no mastery_count field yet; read it if a later one does.
        count = getattr(settings, "mastery_count", None) or settings.minimum_evidence
        return max(1, count)

    def in_words(self, settings: AttainmentSettings) -> str:
        """Say how the score is made, for a learner."""
        return (
            f"it counts how many of your quiz attempts on this competency scored "
            f"{self.threshold:g}% or more, out of the {self.required(settings)} it asks for"
        )

    def _fraction(self, results: Sequence[float], settings: AttainmentSettings) -> float:
        n = self.required(settings)
        # Compared as fractions: 0.8 >= 80 / 100 holds exactly, 0.8 * 100 >= 80 need not.
        mastered = sum(1 for result in results if result >= self.threshold / 100)
        return min(mastered, n) / n


ATTAINMENT_METHODS: dict[str, type[AttainmentMethod]] = {
    method.name: method
    for method in (Latest, Highest, Average, WeightedAverage, DecayingAverage, NAtMastery)
}


def attainment_method(name: str, framework: Framework | None = None) -> AttainmentMethod:
    """Return the attainment method registered under `name`, set up for the framework."""
    try:
        method = ATTAINMENT_METHODS[name]
    except KeyError:
        known = ", ".join(sorted(ATTAINMENT_METHODS))
        raise UnknownAttainmentMethod(
            f"unknown attainment method '{name}'; known methods: {known}"
        ) from None
    return method.for_framework(framework) if framework is not None else method()
