"""A learner's competency profile: each competency's standing, put together from stored ratings.

Ratings come from `competency_level`, written by `services.ratings` with the one rating
function; services/attainment_reads.py reads them (and the evidence behind each, in words,
from services/rating_evidence.py) and this module puts the profile together.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from app.domain.competencies import (
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    INSUFFICIENT_EVIDENCE,
    NOT_MET,
    NOT_STARTED,
    STANDING_NAMES,
    practice_shown,
    standing,
)
from app.domain.competencies.met_rules import PRACTICE_NOT_NEEDED, OwnRule, practice_needed
from app.domain.content import Catalogue, Module
from app.domain.coverage import OutOfReach, out_of_reach
from app.domain.frameworks import Competency, Domain, Framework
from app.services.earlier_frameworks import EarlierFramework, earlier_frameworks
from app.services.next_modules import NextStep, next_steps
from app.services.rating_evidence import AttemptEvidence, EvidenceItem, by_attempt
from app.services.rating_reads import aware
from app.services.retired_confirmations import Confirmation, framework_not_recorded, no_longer_in
from app.services.retired_ratings import RetiredRating, shown_apart


@dataclass(frozen=True)
class CompetencyStanding:
    """One competency: knowledge rating, practice status, whether met, and the evidence."""

    competency: Competency
    level: str
    score: float | None
    evidence_count: int
    practice: str
    standing: str  # met, due-soon, expired, not-met
    met_until: datetime | None
    modules: tuple[Module, ...]
    evidence: tuple[EvidenceItem, ...]
    # Whether a quiz in the course asks about it now (a rating kept after its quizzes left
    # the course: False).
    asked: bool = True

    @property
    def attempts(self) -> tuple[AttemptEvidence, ...]:
        """Return the evidence grouped by the attempt it was graded in, newest attempt first."""
        return by_attempt(self.evidence)

    @property
    def standing_name(self) -> str:
        """Return the standing in words: Met, Due soon, Expired or Not met."""
        return STANDING_NAMES[self.standing]

    @property
    def confirmed_without_answers(self) -> bool:
        """Say whether a supervisor confirmed practice while no quiz answer backs it.

        Quiz answers are never taken away once recorded (only erasure removes them, with
        the account), so none now means none when the supervisor decided: the confirmation
        rests on what they saw in practice alone, and "Confirmed" beside "no answers" is
        said as that, not left to read as a contradiction.
        """
        return self.practice in (CONFIRMED, CONFIRMATION_EXPIRED) and not self.evidence


@dataclass(frozen=True)
class DomainStanding:
    """A domain with its covered competencies."""

    domain: Domain
    competencies: tuple[CompetencyStanding, ...]
    met: int


@dataclass(frozen=True)
class Profile:
    """A learner's standing in the framework for their profession, and what to do next."""

    framework: Framework
    domains: tuple[DomainStanding, ...]
    not_covered: tuple[Competency, ...]
    met: int
    secure: int
    total: int
    next_modules: tuple[NextStep, ...]
    asks_for_practice: bool
    # Competencies rated by a rule or a validity of their own, said in words.
    own_rules: tuple[OwnRule, ...] = ()
    out_of_reach: tuple[OutOfReach, ...] = ()
    # Confirmations of practice in competencies that have left the framework since.
    no_longer_in_framework: tuple[Confirmation, ...] = ()
    # Ratings of knowledge alone in competencies that have left every framework since.
    knowledge_no_longer_in_framework: tuple[RetiredRating, ...] = ()
    # Confirmations in competencies no framework has now whose decision recorded no
    # framework (made before migration 0025 on one already gone then).
    framework_not_recorded: tuple[Confirmation, ...] = ()
    # Confirmations in other frameworks' competencies (an earlier profession's), by framework.
    earlier: tuple[EarlierFramework, ...] = ()

    @property
    def earlier_codes(self) -> frozenset[str]:
        """Return the codes listed under an earlier profession's framework."""
        return frozenset(c.code for f in self.earlier for c in f.confirmations)

    @property
    def earlier_pages(self) -> frozenset[str]:
        """Return the codes listed under an earlier profession's framework that have a page."""
        return frozenset(c.code for f in self.earlier for c in f.confirmations if c.has_page)


class StoredLevel(NamedTuple):
    """A stored rating, as a level branch reads it."""

    level: str
    practice: str
    score: float | None
    evidence_count: int
    met: bool
    expired: bool
    met_until: datetime | None
    due_from: datetime | None
    practice_until: datetime | None  # when "Confirmed" lapses to "Confirmation expired"


def build_profile(
    framework: Framework,
    stored,
    evidence,
    catalogue: Catalogue,
    now,
    passed=frozenset(),
    renewing=frozenset(),
    confirmations: Iterable[Confirmation] = (),
    retired: Iterable[RetiredRating] = (),
) -> Profile:
    """Put a learner's profile together from their stored ratings and evidence in words.

    `passed` names the modules whose quiz the learner has passed: a passed quiz is taken
    again only to renew, so a next step points to one only for the competencies it renews.
    `renewing` names those of them open for renewal now: a competency one of them develops
    is never out of reach. `confirmations` are the supervisors' confirmations the learner
    holds: those of competencies no longer in the framework are listed apart, as are the
    `retired` ratings (stored ratings of competencies no framework has) of knowledge alone,
    and those of other frameworks' competencies (an earlier profession's, earlier_frameworks).
    """
    assessed = {
        code
        for m in catalogue.modules
        if m.assessment
        for q in m.assessment.questions
        for code in q.competencies
    }
    domains, not_covered = [], []
    for domain in framework.domains:
        rows = []
        for competency in domain.competencies:
            # A rating once earned is never dropped from view: a competency whose quizzes
            # left the course keeps its row (saying no quiz covers it now) and its count.
            if competency.code not in assessed and not rated(stored.get(competency.code)):
                not_covered.append(competency)
                continue
            row = _standing(competency, stored.get(competency.code), evidence, catalogue, now)
            if not practice_needed(competency, framework):
                row = replace(row, practice=PRACTICE_NOT_NEEDED)
            if competency.code not in assessed:
                row = replace(row, asked=False)
            rows.append(row)
        if rows:
            met = sum(1 for r in rows if r.standing in ("met", "due-soon"))
            domains.append(DomainStanding(domain, tuple(rows), met))
    every = [r for d in domains for r in d.competencies]
    to_develop = [r for r in every if r.level != framework.scale[-1].name]
    next_modules = next_steps(catalogue, every, to_develop, stored, passed, now, renewing)
    practice = any(practice_needed(c, framework) for c in framework.competencies)
    covered = {r.competency.code for r in every}
    confirmations = tuple(confirmations)
    apart = no_longer_in(framework, confirmations, catalogue)
    unplaced = framework_not_recorded(confirmations, catalogue, apart)
    earlier = earlier_frameworks(framework, confirmations, catalogue)
    listed = apart + unplaced + tuple(c.confirmation for f in earlier for c in f.confirmations)
    return Profile(
        framework,
        tuple(domains),
        tuple(not_covered),
        sum(d.met for d in domains),
        sum(1 for r in every if r.level == framework.scale[-1].name),
        len(every),
        next_modules,
        practice,
        tuple(r for r in framework.own_rules if r.competency.code in covered),
        out_of_reach(
            (r.competency for r in every if r.level == INSUFFICIENT_EVIDENCE),
            catalogue,
            passed,
            renewing,
        ),
        apart,
        shown_apart(retired, listed, catalogue, now),
        unplaced,
        earlier,
    )


def rated(level: StoredLevel | None) -> bool:
    """Say whether a stored rating rates anything: knowledge, practice or being met."""
    return level is not None and (
        level.level != INSUFFICIENT_EVIDENCE or level.practice != NOT_STARTED or level.met
    )


def _standing(competency, row, evidence, catalogue, now) -> CompetencyStanding:
    modules = tuple(m for m in catalogue.modules_for(competency.code) if m.assessment)
    if row is None:
        level, score, count, practice, where, until = (
            INSUFFICIENT_EVIDENCE,
            None,
            0,
            NOT_STARTED,
            NOT_MET,
            None,
        )
    else:
        level, score, count = row.level, row.score, row.evidence_count
        practice = practice_shown(row.practice, aware(row.practice_until), now)
        where = standing(row.met, aware(row.met_until), aware(row.due_from), row.expired, now)
        until = aware(row.met_until)
    return CompetencyStanding(
        competency,
        level,
        score,
        count,
        practice,
        where,
        until,
        modules,
        tuple(evidence.get(competency.code, ())),
    )
