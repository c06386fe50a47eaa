"""How many learners hold each knowledge rating of a framework: per competency and per domain.

The dashboard's chart of levels by domain and its table per competency both read these
figures, so the table carries every figure the chart draws, "Not enough evidence" among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..frameworks import Framework
from .knowledge import INSUFFICIENT_EVIDENCE


@dataclass(frozen=True)
class RatingCounts:
    """Learners at each knowledge rating, the scale's highest first, "Not enough evidence" last."""

    names: tuple[str, ...]
    by_competency: dict[str, dict[str, int]]  # competency code -> rating name -> learners
    by_domain: dict[int, dict[str, int]]  # domain number -> rating name -> learner-competencies


def rating_counts(
    framework: Framework, stored: Mapping[str, Mapping[str, int]], learners: int
) -> RatingCounts:
    """Count the learners at each rating in each competency, from the stored ratings' counts:
    a learner with no stored rating of a competency has not enough evidence in it. A domain
    counts each learner once for each of its competencies (the sum of theirs)."""
    rated = tuple(level.name for level in reversed(framework.scale))
    names = (*rated, INSUFFICIENT_EVIDENCE)
    by_competency = {}
    for competency in framework.competencies:
        counts = {name: stored.get(competency.code, {}).get(name, 0) for name in rated}
        counts[INSUFFICIENT_EVIDENCE] = max(learners - sum(counts.values()), 0)
        by_competency[competency.code] = counts
    by_domain = {
        domain.number: {
            name: sum(by_competency[c.code][name] for c in domain.competencies) for name in names
        }
        for domain in framework.domains
    }
    return RatingCounts(names, by_competency, by_domain)
