"""Item analysis: how each question of a quiz performs, from sums the database adds up.

The database returns, per question version, the count of answers and the sums of the
item score x, the attempt total T, x*x, T*T and x*T, and the weighted counts and sums for
the attempts in the top and bottom 27% by total (see Groups). Everything here is
arithmetic on those sums, so a quiz with 100,000 graded attempts costs two grouped
queries, not a walk through every answer. Scores are in points; figures are fractions
of the question's points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GROUP_SHARE = 0.27  # the upper and lower groups of the upper-lower index


@dataclass(frozen=True)
class ItemSums:
    """One question version's sums over the attempts that answered it."""

    n: int
    sum_x: float
    sum_xx: float
    sum_t: float
    sum_tt: float
    sum_xt: float
    upper_n: float = 0.0  # the weights of the attempts in the upper group (see Groups)
    upper_x: float = 0.0
    lower_n: float = 0.0
    lower_x: float = 0.0


@dataclass(frozen=True)
class TotalSums:
    """The quiz's attempts: how many, and the sums of their totals and squared totals."""

    n: int
    sum_t: float
    sum_tt: float


@dataclass(frozen=True)
class Flag:
    """Something a trainer should look at: what the figures show and what to do."""

    code: str
    reason: str
    advice: str


@dataclass(frozen=True)
class ItemFigures:
    """A question version's figures; None where the data cannot give one."""

    answered: int
    facility: float | None
    discrimination: float | None  # corrected point-biserial: item against the rest
    upper_lower: float | None  # facility in the top 27% minus facility in the bottom 27%
    variance: float  # of the item score in points, over the attempts that answered it
    # How many people gave those answers (a knowledge check may be answered again and
    # again); None when not known. `people_exact` is False when the row adds up versions
    # answered apart, and `people` is then the fewest there can be.
    people: int | None = None
    people_exact: bool = True
    # Why discrimination and upper-lower are not shown, when they are not.
    not_shown: str = ""

    @property
    def learners(self) -> int:
        """Return the count of people the figures come from (answers when not known)."""
        return self.answered if self.people is None else self.people


def rounded(value: float, places: int) -> float:
    """Return a figure rounded as it is shown, never -0.0: -0.0004 shows as 0.000."""
    return round(value, places) + 0.0


def _variance(n: int, total: float, squares: float) -> float:
    """Return the population variance from a count, a sum and a sum of squares."""
    if n == 0:
        return 0.0
    mean = total / n
    return max(0.0, squares / n - mean * mean)


def item_figures(
    sums: ItemSums, points: float, people: int | None = None, *, people_exact: bool = True
) -> ItemFigures:
    """Return facility, discrimination and the upper-lower index of one question version.

    Discrimination and upper-lower are both left out (with the reason) where either is
    undefined: with one answer the upper and lower groups are the same attempt, and where
    the item or the rest of the attempt scores the same every time there is no spread to
    compare (a one-question check has no rest at all), so an upper-lower figure there would
    only measure the question against itself.
    """
    n = sums.n
    if n == 0 or points <= 0:
        return ItemFigures(n, None, None, None, 0.0, people, people_exact)
    facility = sums.sum_x / (n * points)
    var_x = _variance(n, sums.sum_x, sums.sum_xx)
    # The rest score R = T - x, so the item does not correlate with itself.
    sum_r = sums.sum_t - sums.sum_x
    sum_rr = sums.sum_tt - 2 * sums.sum_xt + sums.sum_xx
    sum_xr = sums.sum_xt - sums.sum_xx
    var_r = _variance(n, sum_r, sum_rr)
    cov = sum_xr / n - (sums.sum_x / n) * (sum_r / n)
    if n < 2:
        why = "one answer: nothing to compare it with"
    elif var_x <= 1e-12:
        why = "every answer scored the same"
    elif var_r <= 1e-12:
        why = "the rest of the attempt scored the same every time; a one-question check has no rest"
    elif not (sums.upper_n and sums.lower_n):
        why = "no upper and lower groups"
    else:
        discrimination = max(-1.0, min(1.0, cov / math.sqrt(var_x * var_r)))
        upper_lower = (sums.upper_x / sums.upper_n - sums.lower_x / sums.lower_n) / points
        return ItemFigures(n, facility, discrimination, upper_lower, var_x, people, people_exact)
    return ItemFigures(n, facility, None, None, var_x, people, people_exact, why)


@dataclass(frozen=True)
class Groups:
    """The top and bottom 27% of attempts by total, as a weight per total.

    An attempt whose total is above `upper_score` is in the upper group with weight 1;
    one whose total equals it, with `upper_weight` (the share of the tied attempts the
    group has room for), so ties never depend on the order attempts were stored in.
    Likewise below `lower_score` for the lower group.
    """

    size: int
    upper_score: float
    upper_weight: float
    lower_score: float
    lower_weight: float

    def upper(self, total: float) -> float:
        """Return an attempt's weight in the upper group."""
        if total > self.upper_score:
            return 1.0
        return self.upper_weight if total == self.upper_score else 0.0

    def lower(self, total: float) -> float:
        """Return an attempt's weight in the lower group."""
        if total < self.lower_score:
            return 1.0
        return self.lower_weight if total == self.lower_score else 0.0


def groups(counts: Mapping[float, int]) -> Groups | None:
    """Return the upper and lower 27% groups of attempts, from their count per total."""
    n = sum(counts.values())
    if n == 0:
        return None
    size = (27 * n + 99) // 100  # 27% rounded up: at least one attempt
    return Groups(size, *_cut(counts, size, reverse=True), *_cut(counts, size, reverse=False))


def _cut(counts: Mapping[float, int], size: int, *, reverse: bool) -> tuple[float, float]:
    """Return the total at which a group of `size` fills up, and the share taken there."""
    taken = 0
    for total in sorted(counts, reverse=reverse):
        count = counts[total]
        if taken + count >= size:
            return total, (size - taken) / count
        taken += count
    raise ValueError("the counts hold fewer attempts than the group")


def reliability(
    totals: TotalSums, items: Iterable[tuple[ItemSums, float]], per_attempt: int
) -> float | None:
    """Return Cronbach's alpha (KR-20 for right-or-wrong questions) of the quiz.

    `items` are (sums, variance) per question version and `per_attempt` the number of
    questions an attempt shows. With pools, each version's variance counts in the share
    of attempts that showed it: the expected item variance of one attempt.
    """
    return alpha(totals, [(sums.n, variance) for sums, variance in items], per_attempt)


def alpha(totals: TotalSums, items: Iterable[tuple[int, float]], per_attempt: int) -> float | None:
    """Return Cronbach's alpha from the totals and (answers, variance) of each question version."""
    k = per_attempt
    var_t = _variance(totals.n, totals.sum_t, totals.sum_tt)
    if k < 2 or totals.n < 2 or var_t <= 1e-12:
        return None
    item_variance = sum(n / totals.n * variance for n, variance in items)
    return k / (k - 1) * (1 - item_variance / var_t)


def mean_and_sd(totals: TotalSums) -> tuple[float | None, float | None]:
    """Return the mean and standard deviation of the attempt totals; no standard deviation
    from one attempt (a spread needs two)."""
    if totals.n == 0:
        return None, None
    if totals.n == 1:
        return totals.sum_t, None
    return totals.sum_t / totals.n, math.sqrt(_variance(totals.n, totals.sum_t, totals.sum_tt))


def distribution(percents: Mapping[int, int]) -> tuple[tuple[str, int], ...]:
    """Return counts of attempts in ten bands of percentage: 0-9, 10-19, ... 90-100.

    A percentage is rounded to 9 places first: a subtotal the database adds up in another
    order (parallel workers do) can come out a hair below a band's edge, 1.4999999999999998
    of 3 for 1.5, and must not land in the band below from one run to the next.
    """
    bands = [0] * 10
    for percent, count in percents.items():
        bands[min(9, max(0, int(round(percent, 9)) // 10))] += count
    labels = [f"{10 * b}-{10 * b + 9}" for b in range(9)] + ["90-100"]
    return tuple(zip(labels, bands, strict=True))
