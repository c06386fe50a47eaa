"""Rate knowledge of one competency: enough evidence, then a score placed on the scale.

`KnowledgeRating` asks the framework's attainment method (see `methods`) for a score once
enough different aligned questions were answered, and names the level it reaches;
`domain_rollup` sums a learner's ratings across a domain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..frameworks import AttainmentSettings, Domain, Framework
from .methods import AttainmentMethod, Evidence, attainment_method, in_time_order

# Shown until a competency has enough aligned questions to rate: never a failing.
INSUFFICIENT_EVIDENCE = "Not enough evidence"


@dataclass(frozen=True)
class Attainment:
    """Where a learner stands on one competency; `score` is None until there is enough evidence."""

    score: float | None
    level: str
    evidence_count: int
    proficient: bool

    @property
    def rated(self) -> bool:
        """Return whether there was enough evidence to give a score."""
        return self.score is not None


@lru_cache(maxsize=256)
def insufficient(count: int) -> Attainment:
    """Return the attainment of a competency with `count` results, too few to rate."""
    # One value for each count, shared: a frozen value, and most competencies rated are.
    return Attainment(None, INSUFFICIENT_EVIDENCE, count, proficient=False)


def attainment(
    evidence: Sequence[Evidence],
    framework: Framework,
    settings: AttainmentSettings | None = None,
) -> Attainment:
    """Rate one competency from its evidence on the framework's scale."""
    # `rate` resolves the method first, so a misspelt one fails even before there is evidence.
    return KnowledgeRating(framework, settings).rate(in_time_order(evidence))


class KnowledgeRating:
    """How a framework rates knowledge (`attainment`), worked out once for many ratings."""

    def __init__(self, framework: Framework, settings: AttainmentSettings | None = None):
        self.framework = framework
        self.settings = settings or framework.attainment
        self.minimum = questions_needed(self.settings)
        # Each level's threshold, name and whether it is the top one, from the top down
        # (as framework.level_for looks for the last level whose threshold a score reaches).
        top = framework.scale[-1]
        self.levels = [(level.threshold, level.name, level == top) for level in framework.scale]
        self.levels.reverse()

    @cached_property  # not kept when it fails: a misspelt method fails at every rating
    def method(self) -> AttainmentMethod:
        """Return the attainment method the settings name, set up for the framework."""
        return attainment_method(self.settings.method, self.framework)

    def rate(self, evidence: Sequence[Evidence]) -> Attainment:
        """Rate evidence in time order (`in_time_order`): `attainment`, without the set-up."""
        method, count = self.method, len(evidence)
        # Never more questions than results: counting them can wait until there are enough.
        if count < self.minimum or not enough_evidence(aligned_questions(evidence), self.settings):
            return insufficient(count)
        score = method.score_in_order(evidence, self.settings)
        name, proficient = self._level(score)
        return Attainment(score, name, count, proficient=proficient)

    def _level(self, score: float) -> tuple[str, bool]:
        for threshold, name, proficient in self.levels:
            if score >= threshold:
                return name, proficient
        _, name, proficient = self.levels[-1]  # below every threshold: the first level
        return name, proficient


def why_rated(level: str, framework: Framework) -> str | None:
    """Return, in a sentence, why knowledge stands at a level below the top, and what raises it.

    None at the top level, and before there is a rating. It promises no level: new answers
    can raise the score, and says where the next level starts.
    """
    names = [step.name for step in framework.scale]
    if level not in names[:-1]:
        return None
    above = framework.scale[names.index(level) + 1]
    how = attainment_method(framework.attainment.method, framework).in_words(framework.attainment)
    return (
        f"Your knowledge is rated {level} because {how}. Answering more questions on it in "
        f"later quizzes can raise it over time; {above.name} starts at a score of "
        f"{above.threshold:g}%."
    )


def questions_needed(settings: AttainmentSettings) -> int:
    """Return how many different aligned questions must be answered before a rating is given."""
    return max(1, settings.minimum_evidence)


def enough_evidence(questions: int, settings: AttainmentSettings) -> bool:
    """Say whether answers to this many different aligned questions are enough to rate.

    The one rule: a learner's rating applies it to the questions they answered, over all
    their attempts, and the trainers' coverage to the questions the course is sure to ask.
    """
    return questions >= questions_needed(settings)


def aligned_questions(evidence: Sequence[Evidence]) -> int:
    """Count the different questions behind the evidence; unnamed results count one each."""
    # One pass, not a set and a sum: every rating of a competency with enough results asks.
    named, unnamed = set(), 0
    for e in evidence:
        if e.question_id is None:
            unnamed += 1
        else:
            named.add((e.quiz_id, e.question_id))
    return len(named) + unnamed


@dataclass(frozen=True)
class DomainRollup:
    """A learner across a domain; `share_proficient` is a fraction of all its competencies."""

    proficient: bool
    share_proficient: float
    rated: int
    total: int


def domain_rollup(attainments_by_code: Mapping[str, Attainment], domain: Domain) -> DomainRollup:
    """Sum up a domain: proficient only when every one of its competencies is."""
    found = [attainments_by_code.get(c.code) for c in domain.competencies]
    total = len(found)
    # Competencies with no attainment count as unrated and not proficient; codes outside
    # the domain are ignored. An empty domain is never proficient: nothing was shown.
    proficient = sum(1 for a in found if a is not None and a.proficient)
    rated = sum(1 for a in found if a is not None and a.rated)
    share = proficient / total if total else 0.0
    return DomainRollup(total > 0 and proficient == total, share, rated, total)
