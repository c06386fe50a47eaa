"""The one rating rule: knowledge, practice and whether a competency is met, at a moment.

`rate_learner` is the only place a learner's ratings are worked out. Grading, the
seeder and `linkwise recompute-levels` store what it returns; every page reads the
stored rows (as they stand now: see standings.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

from ..frameworks import Competency, Framework
from .knowledge import Attainment, KnowledgeRating
from .met_rules import Facts, KnowledgeAtLeast, Recent, Rule
from .methods import Evidence, in_time_order

NOT_STARTED = "Not started"
SELF_ASSESSED = "Self-assessed"
AWAITING = "Awaiting confirmation"
ACTION_PLAN = "Action plan"
CONFIRMED = "Confirmed"
CONFIRMATION_EXPIRED = "Confirmation expired"

# What a supervisor's workflow records, as the rating reads it.
DECISIONS = ("requested", "returned", "confirmed")
PRACTICE_KINDS = ("self-assessed", *DECISIONS)


@dataclass(frozen=True)
class PracticeEvent:
    """A step in the practice workflow for one competency: what happened, and when.

    A confirmation decided since Linkwise records it (`recorded`) stops confirming at its
    `valid_until` (None: never), whatever `valid_for` says today; one decided before stops
    `valid_for` after it was made.
    """

    kind: str
    at: datetime
    valid_until: datetime | None = None
    recorded: bool = False

    def __post_init__(self) -> None:
        if self.kind not in PRACTICE_KINDS:
            raise ValueError(f"unknown practice event '{self.kind}'")


# A learner has one for each competency rated, every grade: a named tuple is quicker to make
# than a frozen dataclass, and as unchangeable.
class Rating(NamedTuple):
    """A learner's standing in one competency at the moment it was worked out."""

    code: str
    knowledge: Attainment
    practice: str
    met: bool
    met_until: datetime | None  # when met lapses as evidence expires; None: it does not
    due_from: datetime | None  # from when the learner is told to renew
    expired: bool  # not met, but would be if nothing had expired
    last_evidence_at: datetime | None
    practice_until: datetime | None  # when "Confirmed" stops confirming; None: it does not
    knowledge_until: datetime | None  # when its last counted answer expires; None: never


def valid_for(competency: Competency, framework: Framework):
    """Return how long the competency's evidence counts: its own valid_for, else its framework's."""
    return competency.valid_for or framework.valid_for


def rate_learner(
    frameworks: Iterable[Framework],
    evidence: Mapping[str, Sequence[Evidence]],
    practice: Mapping[str, Sequence[PracticeEvent]],
    now: datetime,
) -> tuple[Rating, ...]:
    """Rate every competency the learner has evidence or practice steps for; skip unknown codes."""
    found = evidence.keys() | practice.keys()
    return tuple(
        _rate(rules, evidence.get(code, ()), practice.get(code, ()), now)
        for framework in frameworks
        for code, rules in _set_up(framework)
        if code in found
    )


def rate_competency(
    competency: Competency,
    framework: Framework,
    evidence: Sequence[Evidence],
    practice: Sequence[PracticeEvent],
    now: datetime,
) -> Rating:
    """Rate one competency from its answers and practice steps, as things stand at `now`."""
    for _code, rules in _set_up(framework):
        if rules.competency is competency:
            return _rate(rules, evidence, practice, now)
    return _rate(_Rules(competency, framework, KnowledgeRating(framework)), evidence, practice, now)


def _rate(rules: _Rules, evidence, practice, now: datetime) -> Rating:
    judge = _Judge(rules, evidence, practice)
    knowledge, facts = judge.at(now)
    met = rules.rule.holds(facts)
    met_until = judge.lapses_after(now) if met else None
    renew = rules.renew_within
    due_from = renew.before(met_until) if met_until is not None and renew else None
    # Only worth asking when something has expired: otherwise nothing would change.
    expired = not met and judge.anything_expired(now) and rules.rule.holds(judge.at(now, False)[1])
    practice = judge.practice_status(now)
    return Rating(
        rules.code,
        knowledge,
        practice,
        met,
        met_until,
        due_from,
        expired,
        judge.latest,
        # Until when "Confirmed" holds, which pages compare with the time.
        judge.confirmed_until(now) if practice == CONFIRMED else None,
        judge.knowledge_ends(now),
    )


class _Rules:
    """What rating one competency takes from its framework: worked out once per framework."""

    def __init__(self, competency: Competency, framework: Framework, knowledge: KnowledgeRating):
        self.competency, self.code = competency, competency.code
        self.valid_for = valid_for(competency, framework)
        top = len(framework.scale) - 1
        self.rule: Rule = (
            competency.met
            or framework.met
            or KnowledgeAtLeast(framework.scale[top].name, top, top=True)
        )
        self.recent_spans = tuple(_recent_spans(self.rule))
        self.renew_within = framework.renew_within
        self.ranks = framework.ranks
        self.knowledge = knowledge


# Each framework's competencies with their rules, in the order a learner's ratings come in,
# by the framework's id(); the framework is kept with them, so its id stays its own.
_SET_UPS: dict[int, tuple[Framework, tuple[tuple[str, _Rules], ...]]] = {}
_SET_UPS_KEPT = 64  # a running app has a few frameworks; tests make thousands


def _set_up(framework: Framework) -> tuple[tuple[str, _Rules], ...]:
    """Return the framework's competencies' codes and rules, worked out once."""
    kept = _SET_UPS.get(id(framework))
    if kept is not None and kept[0] is framework:
        return kept[1]
    knowledge = KnowledgeRating(framework)  # one for all its competencies: the same settings
    rules = tuple((c.code, _Rules(c, framework, knowledge)) for c in framework.competencies)
    if len(_SET_UPS) >= _SET_UPS_KEPT:
        _SET_UPS.clear()
    _SET_UPS[id(framework)] = framework, rules
    return rules


_AT = attrgetter("at")


class _Judge:
    """Works out the facts for one competency at any moment, from fixed evidence."""

    def __init__(self, rules: _Rules, evidence, practice):
        self.rules = rules
        self.valid_for = rules.valid_for
        # In time order once (knowledge.rate wants it so), at whatever moment it is rated.
        self.evidence = in_time_order(evidence)
        self.practice = sorted(practice, key=_AT) if practice else ()
        self.latest = self.evidence[-1].at if self.evidence else None
        # When the oldest evidence or step expires: before that, nothing has.
        oldest = self.evidence[0].at if self.evidence else None
        if self.practice and (oldest is None or self.practice[0].at < oldest):
            oldest = self.practice[0].at
        self.first_expiry = (
            None if self.valid_for is None or oldest is None else self.valid_for.after(oldest)
        )
        if self.practice:
            # A confirmation's recorded end may come first, or be the only end there is.
            ends = [p.valid_until for p in self.practice if p.recorded and p.valid_until]
            if self.first_expiry is not None:
                ends.append(self.first_expiry)
            self.first_expiry = min(ends, default=None)
        self._all_counted: Attainment | None = None

    def in_date(self, at: datetime, now: datetime) -> bool:
        return self.valid_for is None or self.valid_for.after(at) > now

    def ends(self, confirmation: PracticeEvent) -> datetime | None:
        """Return when a confirmation stops confirming: as its decision recorded, if it did."""
        if confirmation.recorded:
            return confirmation.valid_until
        return None if self.valid_for is None else self.valid_for.after(confirmation.at)

    def still_confirms(self, confirmation: PracticeEvent, now: datetime) -> bool:
        end = self.ends(confirmation)
        return end is None or end > now

    def knowledge_ends(self, now: datetime) -> datetime | None:
        """Return when the last answer in date at `now` expires (None: none is, or never)."""
        if self.valid_for is None:
            return None
        counted = [e.at for e in self.evidence if self.in_date(e.at, now)]
        return self.valid_for.after(max(counted)) if counted else None

    def anything_expired(self, now: datetime) -> bool:
        return self.first_expiry is not None and self.first_expiry <= now

    def last_decision(self, now: datetime) -> PracticeEvent | None:
        decisions = [p for p in self.practice if p.kind in DECISIONS and p.at <= now]
        return decisions[-1] if decisions else None

    def confirmations(self, now: datetime, expire: bool = True) -> list[PracticeEvent]:
        """Return the confirmations given by `now` that still confirm then (all, unexpired).

        A confirmation stands until its end: a later request withdraws nothing, and neither
        does a supervisor returning one (a renewal not granted leaves the confirmation it
        would have renewed in date until its end).
        """
        return [
            p
            for p in self.practice
            if p.kind == "confirmed" and p.at <= now and (not expire or self.still_confirms(p, now))
        ]

    def confirmation(self, now: datetime, expire: bool = True) -> PracticeEvent | None:
        """Return the latest confirmation that still confirms at `now`, if any."""
        found = self.confirmations(now, expire)
        return found[-1] if found else None

    def confirmed_until(self, now: datetime) -> datetime | None:
        """Return when practice confirmed at `now` stops being: the last end of the
        confirmations then in date (None: one of them never ends)."""
        ends = [self.ends(p) for p in self.confirmations(now)]
        return None if None in ends else max(ends, default=None)

    def confirmed_at(self, now: datetime, expire: bool = True) -> datetime | None:
        found = self.confirmation(now, expire)
        return found.at if found else None

    def knowledge(self, counted: list[Evidence]) -> Attainment:
        if counted is not self.evidence:
            return self.rules.knowledge.rate(counted)
        # Every answer counts: the same rating at each moment asked about.
        if self._all_counted is None:
            self._all_counted = self.rules.knowledge.rate(counted)
        return self._all_counted

    def at(self, now: datetime, expire: bool = True) -> tuple[Attainment, Facts]:
        counted, latest = self.evidence, self.latest
        if expire and self.anything_expired(now):
            counted = [e for e in self.evidence if self.in_date(e.at, now)]  # in time order
            latest = counted[-1].at if counted else None
        knowledge = self.knowledge(counted)
        confirmed = self.confirmed_at(now, expire)
        if confirmed and (latest is None or confirmed > latest):
            latest = confirmed
        rank = self.rules.ranks.get(knowledge.level) if knowledge.score is not None else None
        return knowledge, Facts(now, rank, confirmed is not None, latest)

    def lapses_after(self, now: datetime) -> datetime | None:
        """Return the first moment after `now` at which the rule stops holding, if any."""
        # Only an expiry can change the outcome with no new evidence, so trying each
        # expiry moment in turn finds the first one exactly.
        moments = {e.at for e in self.evidence}
        candidates = set()
        if self.valid_for is not None:
            candidates |= {self.valid_for.after(m) for m in moments}
        for confirmation in self.confirmations(now):
            moments.add(confirmation.at)
            end = self.ends(confirmation)
            if end is not None:
                candidates.add(end)
        for within in self.rules.recent_spans:
            candidates |= {within.after(m) for m in moments}
        rule = self.rules.rule
        for moment in sorted(c for c in candidates if c > now):
            if not rule.holds(self.at(moment)[1]):
                return moment
        return None

    def practice_status(self, now: datetime) -> str:
        if not self.practice:
            return NOT_STARTED
        decision = self.last_decision(now)
        if decision is None:
            seen = any(p.kind == "self-assessed" for p in self.practice)
            return SELF_ASSESSED if seen else NOT_STARTED
        if decision.kind == "requested":
            return AWAITING
        if self.confirmations(now):  # one in date stands, whatever was decided after it
            return CONFIRMED
        return ACTION_PLAN if decision.kind == "returned" else CONFIRMATION_EXPIRED


def _recent_spans(rule):
    if isinstance(rule, Recent):
        yield rule.within
    for child in getattr(rule, "rules", ()):
        yield from _recent_spans(child)
