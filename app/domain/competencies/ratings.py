"""The one rating rule: knowledge, practice and whether a competency is met, at a moment.

`rate_learner` is the only place a learner's ratings are worked out. Grading, the
seeder and `linkwise recompute-levels` store what it returns; every page reads the
stored rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..frameworks import Competency, Framework
from .met_rules import Facts, KnowledgeAtLeast, Recent, Rule
from .methods import Attainment, Evidence, attainment

NOT_STARTED = "Not started"
SELF_ASSESSED = "Self-assessed"
AWAITING = "Awaiting confirmation"
ACTION_PLAN = "Action plan"
CONFIRMED = "Confirmed"
CONFIRMATION_EXPIRED = "Confirmation expired"

# What a supervisor's workflow records, as the rating reads it.
DECISIONS = ("requested", "returned", "confirmed")
PRACTICE_KINDS = ("self-assessed", *DECISIONS)

# Where a competency stands for a manager's filter, worked out from the stored columns.
MET, DUE_SOON, EXPIRED, NOT_MET = "met", "due-soon", "expired", "not-met"
STANDING_NAMES = {MET: "Met", DUE_SOON: "Due soon", EXPIRED: "Expired", NOT_MET: "Not met"}


@dataclass(frozen=True)
class PracticeEvent:
    """A step in the practice workflow for one competency: what happened, and when."""

    kind: str
    at: datetime

    def __post_init__(self) -> None:
        if self.kind not in PRACTICE_KINDS:
            raise ValueError(f"unknown practice event '{self.kind}'")


@dataclass(frozen=True)
class Rating:
    """A learner's standing in one competency at the moment it was worked out."""

    code: str
    knowledge: Attainment
    practice: str
    met: bool
    met_until: datetime | None  # when met lapses as evidence expires; None: it does not
    due_from: datetime | None  # from when the learner is told to renew
    expired: bool  # not met, but would be if nothing had expired
    last_evidence_at: datetime | None


def standing(met: bool, met_until, due_from, expired: bool, now: datetime) -> str:
    """Say where stored ratings stand now: met, due soon, expired or not met."""
    if met and (met_until is None or met_until > now):
        return DUE_SOON if due_from is not None and due_from <= now else MET
    return EXPIRED if expired or met else NOT_MET


def rate_learner(
    frameworks: Iterable[Framework],
    evidence: Mapping[str, Sequence[Evidence]],
    practice: Mapping[str, Sequence[PracticeEvent]],
    now: datetime,
) -> tuple[Rating, ...]:
    """Rate every competency the learner has evidence or practice steps for; skip unknown codes."""
    found = set(evidence) | set(practice)
    ratings = []
    for framework in frameworks:
        for competency in framework.competencies:
            if competency.code in found:
                ratings.append(
                    rate_competency(
                        competency,
                        framework,
                        evidence.get(competency.code, ()),
                        practice.get(competency.code, ()),
                        now,
                    )
                )
    return tuple(ratings)


def rate_competency(
    competency: Competency,
    framework: Framework,
    evidence: Sequence[Evidence],
    practice: Sequence[PracticeEvent],
    now: datetime,
) -> Rating:
    """Rate one competency from its answers and practice steps, as things stand at `now`."""
    judge = _Judge(competency, framework, evidence, practice)
    knowledge, facts = judge.at(now)
    met = judge.rule.holds(facts)
    met_until = judge.lapses_after(now) if met else None
    renew = framework.renew_within
    due_from = renew.before(met_until) if met_until is not None and renew else None
    # Only worth asking when something has expired: otherwise nothing would change.
    expired = not met and judge.anything_expired(now) and judge.rule.holds(judge.at(now, False)[1])
    return Rating(
        competency.code,
        knowledge,
        judge.practice_status(now),
        met,
        met_until,
        due_from,
        expired,
        judge.latest,
    )


class _Judge:
    """Works out the facts for one competency at any moment, from fixed evidence."""

    def __init__(self, competency, framework, evidence, practice):
        self.framework = framework
        self.valid_for = competency.valid_for or framework.valid_for
        top = len(framework.scale) - 1
        self.rule: Rule = (
            competency.met or framework.met or KnowledgeAtLeast(framework.scale[top].name, top)
        )
        self.evidence = tuple(evidence)
        self.practice = tuple(sorted(practice, key=lambda p: p.at))
        self.ranks = framework.ranks
        # Worked out once: a rating asks for these at several moments.
        self.moments = [e.at for e in self.evidence]
        self.latest = max(self.moments, default=None)
        oldest = min(self.moments + [p.at for p in self.practice], default=None)
        # When the oldest evidence or step expires: before that, nothing has.
        self.first_expiry = (
            None if self.valid_for is None or oldest is None else self.valid_for.after(oldest)
        )

    def in_date(self, at: datetime, now: datetime) -> bool:
        return self.valid_for is None or self.valid_for.after(at) > now

    def anything_expired(self, now: datetime) -> bool:
        return self.first_expiry is not None and self.first_expiry <= now

    def last_decision(self, now: datetime) -> PracticeEvent | None:
        decisions = [p for p in self.practice if p.kind in DECISIONS and p.at <= now]
        return decisions[-1] if decisions else None

    def confirmed_at(self, now: datetime, expire: bool = True) -> datetime | None:
        # The latest decision rules: a confirmation stands until a supervisor returns it
        # (a new request alone withdraws nothing), and only while it is in date.
        decisions = [p for p in self.practice if p.kind != "self-assessed" and p.at <= now]
        settled = [p for p in decisions if p.kind != "requested"]
        if not settled or settled[-1].kind != "confirmed":
            return None
        at = settled[-1].at
        return at if not expire or self.in_date(at, now) else None

    def at(self, now: datetime, expire: bool = True) -> tuple[Attainment, Facts]:
        counted, latest = self.evidence, self.latest
        if expire and self.anything_expired(now):
            counted = [e for e in self.evidence if self.in_date(e.at, now)]
            latest = max((e.at for e in counted), default=None)
        knowledge = attainment(counted, self.framework)
        confirmed = self.confirmed_at(now, expire)
        if confirmed and (latest is None or confirmed > latest):
            latest = confirmed
        rank = self.ranks.get(knowledge.level) if knowledge.rated else None
        return knowledge, Facts(now, rank, confirmed is not None, latest)

    def lapses_after(self, now: datetime) -> datetime | None:
        """Return the first moment after `now` at which the rule stops holding, if any."""
        # Only an expiry can change the outcome with no new evidence, so trying each
        # expiry moment in turn finds the first one exactly.
        moments = list(self.moments)
        confirmed = self.confirmed_at(now)
        if confirmed is not None:
            moments.append(confirmed)
        candidates = set()
        if self.valid_for is not None:
            candidates |= {self.valid_for.after(m) for m in moments}
        for within in _recent_spans(self.rule):
            candidates |= {within.after(m) for m in moments}
        for moment in sorted(c for c in candidates if c > now):
            if not self.rule.holds(self.at(moment)[1]):
                return moment
        return None

    def practice_status(self, now: datetime) -> str:
        decision = self.last_decision(now)
        if decision is None:
            seen = any(p.kind == "self-assessed" for p in self.practice)
            return SELF_ASSESSED if seen else NOT_STARTED
        if decision.kind == "requested":
            return AWAITING
        if decision.kind == "returned":
            return ACTION_PLAN
        return CONFIRMED if self.in_date(decision.at, now) else CONFIRMATION_EXPIRED


def _recent_spans(rule):
    if isinstance(rule, Recent):
        yield rule.within
    for child in getattr(rule, "rules", ()):
        yield from _recent_spans(child)
