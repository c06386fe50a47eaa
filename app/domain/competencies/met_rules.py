"""When a competency counts as met: an AND/OR tree over knowledge, practice and freshness.

A framework file writes the tree as nested mappings, for example

    met:
      all:
        - knowledge: Secure
        - any:
            - practice: confirmed
            - recent: 1y

`knowledge: <level>` holds when the knowledge rating reaches that level of the scale;
`practice: confirmed` when a supervisor's confirmation is in date; `recent: <duration>`
when the newest evidence that still counts (an answer or a confirmation) is no older
than that. Expired evidence never counts, so every leaf is about evidence in date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from .durations import Duration

if TYPE_CHECKING:
    from ..frameworks import Competency, Framework


# A rating makes several for each competency: a named tuple is quicker to make than a
# frozen dataclass, and as unchangeable.
class Facts(NamedTuple):
    """What the rule is judged on: values worked out by the rating, at one moment."""

    now: datetime
    knowledge_rank: int | None  # index of the level reached on the scale; None: not rated
    confirmed: bool
    latest: datetime | None  # the newest evidence that still counts


@dataclass(frozen=True)
class KnowledgeAtLeast:
    """The knowledge rating reaches this level of the scale (by its index)."""

    level: str
    rank: int
    # The scale's highest level: "rated Secure", as nothing is above it to reach.
    top: bool = field(default=False, compare=False)

    def holds(self, facts: Facts) -> bool:
        """Say whether the rating reaches the level."""
        return facts.knowledge_rank is not None and facts.knowledge_rank >= self.rank

    def describe(self) -> str:
        """Say the condition in words."""
        return f"knowledge rated {self.level}" + ("" if self.top else " or above")


@dataclass(frozen=True)
class PracticeConfirmed:
    """A supervisor has confirmed the learner's practice, and the confirmation is in date."""

    def holds(self, facts: Facts) -> bool:
        """Say whether a confirmation in date exists."""
        return facts.confirmed

    def describe(self) -> str:
        """Say the condition in words."""
        return "practice confirmed by a supervisor"


@dataclass(frozen=True)
class Recent:
    """The newest evidence still counting is no older than `within`."""

    within: Duration

    def holds(self, facts: Facts) -> bool:
        """Say whether the newest evidence is recent enough."""
        return facts.latest is not None and self.within.after(facts.latest) > facts.now

    def describe(self) -> str:
        """Say the condition in words."""
        return f"evidence from the last {self.within.describe()}"


@dataclass(frozen=True)
class AllOf:
    """Every one of the rules holds."""

    rules: tuple[Rule, ...]

    def holds(self, facts: Facts) -> bool:
        """Say whether all hold."""
        return all(rule.holds(facts) for rule in self.rules)

    def describe(self) -> str:
        """Say the condition in words."""
        return _joined(self.rules, " and ")


@dataclass(frozen=True)
class AnyOf:
    """At least one of the rules holds."""

    rules: tuple[Rule, ...]

    def holds(self, facts: Facts) -> bool:
        """Say whether any holds."""
        return any(rule.holds(facts) for rule in self.rules)

    def describe(self) -> str:
        """Say the condition in words."""
        return _joined(self.rules, " or ")


Rule = KnowledgeAtLeast | PracticeConfirmed | Recent | AllOf | AnyOf


def _joined(rules: tuple[Rule, ...], word: str) -> str:
    parts = [
        f"({rule.describe()})" if isinstance(rule, AllOf | AnyOf) else rule.describe()
        for rule in rules
    ]
    return word.join(parts)


# Shown for practice where a competency's met rule asks for no confirmation.
PRACTICE_NOT_NEEDED = "Not needed"


def codes_needing_no_practice(frameworks) -> frozenset[str]:
    """Return the codes of the frameworks' competencies whose met rule asks for no practice."""
    return frozenset(
        c.code for f in frameworks for c in f.competencies if not practice_needed(c, f)
    )


def practice_needed(competency, framework) -> bool:
    """Say whether a competency's met rule (its own, else its framework's) asks for practice."""
    rule = competency.met or framework.met
    return rule is not None and asks_for_practice(rule)


def asks_for_practice(rule: Rule) -> bool:
    """Say whether the rule mentions a supervisor's confirmation anywhere."""
    if isinstance(rule, PracticeConfirmed):
        return True
    if isinstance(rule, AllOf | AnyOf):
        return any(asks_for_practice(r) for r in rule.rules)
    return False


@dataclass(frozen=True)
class OwnRule:
    """A competency whose met rule or validity is not the framework's, in words."""

    competency: Competency
    met: str | None  # what met means for it; None: as the framework says
    valid_for: str | None  # how long its evidence counts; None: as the framework says
    practice_needed: bool  # whether being met asks for a supervisor's confirmation


def own_rules(framework: Framework) -> tuple[OwnRule, ...]:
    """Say which of a framework's competencies have a met rule or a validity of their own.

    Read it as `framework.own_rules`, worked out once for each framework loaded.
    """
    found = []
    for c in framework.competencies:
        met = c.met.describe() if c.met is not None and c.met != framework.met else None
        valid_for = c.valid_for if c.valid_for != framework.valid_for else None
        if met or valid_for:
            found.append(
                OwnRule(
                    c,
                    met,
                    valid_for.describe() if valid_for else None,
                    practice_needed(c, framework),
                )
            )
    return tuple(found)
