"""Competency frameworks as immutable values: scale, attainment, domains, competencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .competencies.durations import Duration
    from .competencies.met_rules import OwnRule

# What a CASE export stamps when a framework file gives no `updated:` date: "not stated".
# A file may not claim it, so an imported package dated so is known to have stated none.
UPDATED_NOT_STATED = date(2000, 1, 1)


@dataclass(frozen=True)
class ProficiencyLevel:
    """A step on a framework's scale; a score of at least `threshold` percent reaches it."""

    name: str
    threshold: float


@dataclass(frozen=True)
class AttainmentSettings:
    """How question results become a proficiency level."""

    method: str
    latest_weight: float = 0.65
    minimum_evidence: int = 3


@dataclass(frozen=True)
class Competency:
    """One competency statement, known everywhere by its code (SPLW-1.1)."""

    code: str
    name: str
    statement: str
    domain_number: int
    framework_id: str
    # Overrides of the framework's validity and met rule, for this competency alone.
    valid_for: Duration | None = None
    met: Any = None  # a met rule (competencies.met_rules); None: the framework's


@dataclass(frozen=True)
class Domain:
    """A numbered group of competencies within a framework."""

    number: int
    title: str
    summary: str
    competencies: tuple[Competency, ...]


@dataclass(frozen=True)
class Framework:
    """A competency framework with its scale, attainment settings and domains."""

    id: str
    title: str
    version: str
    publisher: str
    source: str
    licence: str
    scale: tuple[ProficiencyLevel, ...]
    attainment: AttainmentSettings
    domains: tuple[Domain, ...]
    path: str
    applies_to: tuple[str, ...] = ()  # profession codes; empty: everyone
    valid_for: Duration | None = None  # how long evidence counts; None: for ever
    renew_within: Duration | None = None  # how early learners are told to renew
    met: Any = None  # the met rule (competencies.met_rules); None: top knowledge level
    updated: date | None = None  # when the content last changed; None: not stated

    def applies_to_profession(self, profession: str) -> bool:
        """Say whether the framework is meant for people of this profession."""
        return not self.applies_to or profession in self.applies_to

    @cached_property  # a frozen value: rating each learner asks for it
    def competencies(self) -> tuple[Competency, ...]:
        """Return every competency in domain order."""
        return tuple(c for domain in self.domains for c in domain.competencies)

    @cached_property  # a frozen value: rating each competency asks for it
    def ranks(self) -> dict[str, int]:
        """Return each level's place on the scale by its name, counting from 0."""
        return {level.name: rank for rank, level in enumerate(self.scale)}

    @cached_property  # a frozen value: the framework page shows it at every request
    def own_rules(self) -> tuple[OwnRule, ...]:
        """Return the competencies whose met rule or validity is their own, in words."""
        from .competencies.met_rules import own_rules  # it reads frameworks: import late

        return own_rules(self)

    def level_for(self, percent: float) -> ProficiencyLevel:
        """Return the highest level whose threshold the score reaches."""
        reached = [level for level in self.scale if percent >= level.threshold]
        return reached[-1] if reached else self.scale[0]
