"""Competency ratings: knowledge from quizzes, practice confirmed by people, and the met rule."""

from .durations import Duration, parse_duration
from .knowledge import (
    INSUFFICIENT_EVIDENCE,
    Attainment,
    DomainRollup,
    aligned_questions,
    attainment,
    domain_rollup,
    enough_evidence,
    questions_needed,
)
from .met_rules import (
    PRACTICE_NOT_NEEDED,
    AllOf,
    AnyOf,
    Facts,
    KnowledgeAtLeast,
    PracticeConfirmed,
    Recent,
    Rule,
    codes_needing_no_practice,
)
from .methods import (
    ATTAINMENT_METHODS,
    AttainmentMethod,
    Average,
    DecayingAverage,
    Evidence,
    Highest,
    Latest,
    NAtMastery,
    UnknownAttainmentMethod,
    WeightedAverage,
    attainment_method,
)
from .ratings import (
    ACTION_PLAN,
    AWAITING,
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    NOT_STARTED,
    SELF_ASSESSED,
    PracticeEvent,
    Rating,
    rate_competency,
    rate_learner,
    valid_for,
)
from .standings import (
    DUE_SOON,
    EXPIRED,
    MET,
    NOT_MET,
    STANDING_NAMES,
    knowledge_shown,
    practice_renewal_opens,
    practice_shown,
    renewal_not_due,
    standing,
)

__all__ = [
    "ACTION_PLAN", "ATTAINMENT_METHODS", "AWAITING", "CONFIRMATION_EXPIRED", "CONFIRMED",
    "DUE_SOON", "EXPIRED", "INSUFFICIENT_EVIDENCE", "MET", "NOT_MET", "NOT_STARTED",
    "PRACTICE_NOT_NEEDED", "SELF_ASSESSED", "STANDING_NAMES", "AllOf", "AnyOf", "Attainment",
    "AttainmentMethod",
    "Average", "DecayingAverage", "DomainRollup", "Duration", "Evidence", "Facts", "Highest",
    "KnowledgeAtLeast", "Latest", "NAtMastery", "PracticeConfirmed", "PracticeEvent",
    "Rating", "Recent", "Rule", "UnknownAttainmentMethod", "WeightedAverage",
    "aligned_questions", "attainment", "attainment_method", "codes_needing_no_practice",
    "domain_rollup", "enough_evidence",
    "knowledge_shown", "parse_duration", "practice_renewal_opens", "practice_shown",
    "questions_needed", "rate_competency",
    "rate_learner", "renewal_not_due", "standing", "valid_for",
]  # fmt: skip
