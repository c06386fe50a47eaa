"""The rating equals its definition: a plain rating, written from the docstrings, agrees with
`rate_learner` over random frameworks, evidence and practice steps.

The plain rating works everything out from scratch at each moment it asks about: no sorting
once, no set-up kept between ratings, no shortcut when nothing has expired. Only the sums are
written as the methods' comments write them, so that the two agree to the last bit.
"""

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.competencies import (
    ACTION_PLAN,
    ATTAINMENT_METHODS,
    AWAITING,
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    INSUFFICIENT_EVIDENCE,
    NOT_STARTED,
    SELF_ASSESSED,
    AllOf,
    AnyOf,
    Attainment,
    Evidence,
    Facts,
    KnowledgeAtLeast,
    PracticeConfirmed,
    PracticeEvent,
    Rating,
    Recent,
    attainment,
    parse_duration,
    rate_learner,
)
from app.domain.frameworks import (
    AttainmentSettings,
    Competency,
    Domain,
    Framework,
    ProficiencyLevel,
)

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)

# The plain rating, from the definition


def plain_score(method: str, evidence: list[Evidence], framework: Framework) -> float:
    """Score results by the method's definition (methods.py), in percent."""
    attainment = framework.attainment
    ordered = sorted(evidence, key=lambda e: e.at)
    # Every method combines results; the answers of one moment (an attempt's) are one
    # result, their mean.
    moments: dict[datetime, list[float]] = {}
    for e in ordered:
        moments.setdefault(e.at, []).append(e.score)
    scores = [math.fsum(group) / len(group) for group in moments.values()]
    weight = attainment.latest_weight
    if method == "latest":
        fraction = scores[-1]
    elif method == "highest":
        fraction = max(scores)
    elif method == "average":
        fraction = math.fsum(scores) / len(scores)
    elif method == "weighted-average":
        *earlier, latest = scores
        fraction = latest
        if earlier:
            fraction = latest * weight + sum(earlier) / len(earlier) * (1 - weight)
    elif method == "decaying-average":
        fraction = scores[0]
        for score in scores[1:]:
            fraction = fraction * (1 - weight) + score * weight
    else:  # n-at-mastery: n results (attempts) at or above the top level's threshold
        n = max(1, attainment.minimum_evidence)
        threshold = framework.scale[-1].threshold
        fraction = min(sum(1 for s in scores if s >= threshold / 100), n) / n
    return round(min(max(fraction, 0.0), 1.0) * 100, 6)


def plain_knowledge(evidence: list[Evidence], framework: Framework) -> Attainment:
    """Rate knowledge: too few different questions is not enough evidence, else the level."""
    named = {(e.quiz_id, e.question_id) for e in evidence if e.question_id is not None}
    questions = len(named) + sum(1 for e in evidence if e.question_id is None)
    if questions < max(1, framework.attainment.minimum_evidence):
        return Attainment(None, INSUFFICIENT_EVIDENCE, len(evidence), False)
    score = plain_score(framework.attainment.method, evidence, framework)
    reached = [level for level in framework.scale if score >= level.threshold]
    level = reached[-1] if reached else framework.scale[0]
    return Attainment(score, level.name, len(evidence), level == framework.scale[-1])


class Plain:
    """One competency's evidence and steps, and what they say at any moment."""

    def __init__(self, competency, framework, evidence, practice):
        self.framework = framework
        self.valid_for = competency.valid_for or framework.valid_for
        top = len(framework.scale) - 1
        highest = KnowledgeAtLeast(framework.scale[top].name, top)  # when no rule is given
        self.rule = competency.met or framework.met or highest
        self.evidence = list(evidence)
        self.practice = sorted(practice, key=lambda p: p.at)  # steps at one moment: as given

    def in_date(self, at, moment):
        return self.valid_for is None or self.valid_for.after(at) > moment

    def confirmed(self, moment, expire):
        """A confirmation stands until it expires, whatever is decided after it; the latest
        one standing is the evidence's moment."""
        standing = [
            p.at
            for p in self.practice
            if p.kind == "confirmed"
            and p.at <= moment
            and (not expire or self.in_date(p.at, moment))
        ]
        return standing[-1] if standing else None

    def facts(self, moment, expire=True):
        counted = [e for e in self.evidence if not expire or self.in_date(e.at, moment)]
        knowledge = plain_knowledge(counted, self.framework)
        confirmed = self.confirmed(moment, expire)
        latest = max([e.at for e in counted] + ([confirmed] if confirmed else []), default=None)
        names = [level.name for level in self.framework.scale]
        rank = names.index(knowledge.level) if knowledge.rated else None
        return knowledge, Facts(moment, rank, confirmed is not None, latest)

    def met_until(self, now):
        """The first moment after now at which the rule fails, trying every moment that
        anything can expire at: each evidence or step's time, plus each span in play."""
        spans = [self.valid_for, *recent_spans(self.rule)]
        times = [e.at for e in self.evidence] + [p.at for p in self.practice]
        moments = sorted({s.after(t) for s in spans if s for t in times})
        return next((m for m in moments if m > now and not self.holds(m)), None)

    def holds(self, moment, expire=True):
        return self.rule.holds(self.facts(moment, expire)[1])

    def practice_status(self, now):
        decisions = [p for p in self.practice if p.kind != "self-assessed" and p.at <= now]
        if not decisions:
            assessed = any(p.kind == "self-assessed" for p in self.practice)
            return SELF_ASSESSED if assessed else NOT_STARTED
        last = decisions[-1]
        if last.kind == "requested":
            return AWAITING
        if self.confirmed(now, True) is not None:
            return CONFIRMED
        return ACTION_PLAN if last.kind == "returned" else CONFIRMATION_EXPIRED

    def practice_until(self, now):
        """When a confirmed practice stops confirming: valid_for after the latest
        confirmation in date."""
        if self.practice_status(now) != CONFIRMED or self.valid_for is None:
            return None
        return self.valid_for.after(self.confirmed(now, True))

    def knowledge_until(self, now):
        """When knowledge has no answer in date: valid_for after the latest one in date."""
        in_date = [e.at for e in self.evidence if self.in_date(e.at, now)]
        if self.valid_for is None or not in_date:
            return None
        return self.valid_for.after(max(in_date))


def recent_spans(rule):
    if isinstance(rule, Recent):
        return [rule.within]
    return [span for child in getattr(rule, "rules", ()) for span in recent_spans(child)]


def plain_rating(competency, framework, evidence, practice, now) -> Rating:
    """Rate one competency by the definition in ratings.py's docstrings."""
    plain = Plain(competency, framework, evidence, practice)
    knowledge, facts = plain.facts(now)
    met = plain.rule.holds(facts)
    met_until = plain.met_until(now) if met else None
    renew = framework.renew_within
    due_from = renew.before(met_until) if met_until and renew else None
    return Rating(
        competency.code,
        knowledge,
        plain.practice_status(now),
        met,
        met_until,
        due_from,
        not met and plain.holds(now, expire=False),  # would be met if nothing had expired
        max((e.at for e in evidence), default=None),
        plain.practice_until(now),
        plain.knowledge_until(now),
    )


def plain_learner(frameworks, evidence, practice, now) -> tuple[Rating, ...]:
    """Rate each competency, in framework and domain order, with evidence or steps."""
    return tuple(
        plain_rating(c, f, evidence.get(c.code, ()), practice.get(c.code, ()), now)
        for f in frameworks
        for domain in f.domains
        for c in domain.competencies
        if c.code in evidence or c.code in practice
    )


# Random frameworks, evidence and steps

SPANS = st.sampled_from([None, "1y", "18m", "3m", "6w", "90d"]).map(
    lambda text: text and parse_duration(text)
)
THRESHOLDS = st.lists(st.sampled_from([0, 25, 50, 60, 75, 80, 90, 100]), min_size=1, max_size=4)
SCORES = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 0.8, 1.0]), st.floats(0, 1))
# Whole days before now at now's time of day: expiries fall on now itself, and on each other.
TIMES = st.one_of(st.integers(0, 120), st.integers(0, 1500)).map(
    lambda days: NOW - timedelta(days=days)
)
KINDS = st.sampled_from(["self-assessed", "requested", "returned", "confirmed"])


def rules(scale):
    leaves = st.one_of(
        st.integers(0, len(scale) - 1).map(lambda rank: KnowledgeAtLeast(scale[rank].name, rank)),
        st.just(PracticeConfirmed()),
        SPANS.filter(bool).map(Recent),
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda r: AllOf(tuple(r))),
            st.lists(children, min_size=1, max_size=3).map(lambda r: AnyOf(tuple(r))),
        ),
        max_leaves=5,
    )


@st.composite
def frameworks(draw, number: int):
    thresholds = sorted(set(draw(THRESHOLDS)))
    scale = tuple(ProficiencyLevel(f"L{t}", t) for t in thresholds)
    maybe_rule = st.one_of(st.none(), rules(scale))
    domains = []
    for d in range(1, draw(st.integers(1, 2)) + 1):
        competencies = tuple(
            Competency(
                f"F{number}-{d}.{c}",
                "Name",
                "Do it.",
                d,
                f"f{number}",
                valid_for=draw(SPANS),
                met=draw(maybe_rule),
            )  # fmt: skip
            for c in range(1, draw(st.integers(1, 3)) + 1)
        )
        domains.append(Domain(d, "Domain", "Summary.", competencies))
    attainment = AttainmentSettings(
        draw(st.sampled_from(sorted(ATTAINMENT_METHODS))),
        draw(st.one_of(st.just(0.65), st.floats(0, 1, exclude_min=True))),
        draw(st.integers(0, 4)),
    )
    return Framework(
        f"f{number}", "Test", "1", "Tests", "Tests", "Tests", scale, attainment, tuple(domains),
        "f.yaml", (), draw(SPANS), draw(SPANS), draw(maybe_rule),
    )  # fmt: skip


@st.composite
def learners(draw):
    """Frameworks, and a learner's evidence and steps in some of their codes (and others)."""
    found = [draw(frameworks(n)) for n in range(draw(st.integers(1, 2)))]
    codes = [c.code for f in found for c in f.competencies] + ["GONE-1.1"]
    some_codes = st.lists(st.sampled_from(codes), unique=True, max_size=len(codes))
    # Answers to a handful of questions, some answered more than once, some unnamed.
    answer = st.builds(
        Evidence,
        SCORES,
        TIMES,
        st.sampled_from([None, "q1", "q2", "q3", "q4"]),
        st.sampled_from(["quiz-a", "quiz-b"]),
    )
    evidence = {code: draw(st.lists(answer, max_size=7)) for code in draw(some_codes)}
    step = st.builds(PracticeEvent, KINDS, TIMES)
    practice = {code: draw(st.lists(step, max_size=4)) for code in draw(some_codes)}
    return found, evidence, practice


@settings(max_examples=400, deadline=None)
@given(learners(), st.integers(0, 800))
def test_the_rating_is_the_one_its_definition_gives(learner, days_later):
    found, evidence, practice = learner
    assert rate_learner(found, evidence, practice, NOW) == plain_learner(
        found, evidence, practice, NOW
    )
    # Rated again later with the same frameworks (whatever was set up for them is reused).
    later = NOW + timedelta(days=days_later)
    assert rate_learner(found, evidence, practice, later) == plain_learner(
        found, evidence, practice, later
    )


@settings(max_examples=200, deadline=None)
@given(learners())
def test_knowledge_alone_is_the_one_its_definition_gives(learner):
    found, evidence, _ = learner
    for given_evidence in evidence.values():
        for framework in found:
            expected = plain_knowledge(given_evidence, framework)
            assert attainment(given_evidence, framework) == expected
