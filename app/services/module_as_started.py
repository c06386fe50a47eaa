"""The module as an attempt started under it: what the certificate its pass earns says.

An attempt keeps the quiz it started with (its question versions and settings, and the
module's title: services/quizzes.py) and is graded by it. It keeps too what a certificate
records of the module (attempt.module_facts, domain/module_facts.py): CPD minutes,
learning outcomes, competencies and clinical reviewer, as the module's file said them when
the attempt started. A trainer's edit while the learner is part way through changes
neither the grade nor the certificate: both say what the learner was tested on
(migration 0049).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from app.content import catalogue
from app.domain.certificates import content_review
from app.domain.open_badges import AchievementFacts
from app.services.credential_claims import achievement_facts, alignment, clinical_reviewer

if TYPE_CHECKING:
    from app.services.grading import GradedAttempt


class ModuleAsStarted(NamedTuple):
    """What a certificate records of the module, and the achievement its credential signs."""

    title: str
    cpd_minutes: int
    learning_outcomes: list[str]
    competencies: list[list[str]]  # [[code, name], ...]
    clinical_reviewer: str | None
    # As a credential states it: None once the module has left the course (no credential).
    achievement: AchievementFacts | None


def of(attempt: GradedAttempt) -> ModuleAsStarted:
    """Return the module as the attempt started under it, for the certificate of its pass."""
    now = achievement_facts(attempt.module_slug)
    facts = attempt.module_facts
    if facts is None:
        # An attempt in progress when migration 0049 came recorded only the module's title:
        # the rest is the module as it stands at grading, as it was before 0049.
        return _as_it_stands(attempt, now)
    title = attempt.module_title or (now.title if now else attempt.module_slug)
    competencies = [list(pair) for pair in facts["competencies"]]
    return ModuleAsStarted(
        title,
        facts["cpd_minutes"],
        list(facts["learning_outcomes"]),
        competencies,
        facts.get("clinical_reviewer"),
        _achievement(now, title, facts, competencies),
    )


def _as_it_stands(attempt: GradedAttempt, now: AchievementFacts | None) -> ModuleAsStarted:
    if now is None:
        # A module gone from the content: the title its attempt recorded, else its slug, and
        # no CPD time claimed.
        title = attempt.module_title or attempt.module_slug
        return ModuleAsStarted(title, 0, [], [], None, None)
    title = attempt.module_title or now.title
    reviewer = clinical_reviewer(attempt.module_slug)
    return ModuleAsStarted(
        title,
        now.cpd_minutes,
        list(now.learning_outcomes),
        [[a.code, a.name] for a in now.alignments],
        reviewer,
        replace(now, title=title, clinical_review=content_review(reviewer)),
    )


def _achievement(
    now: AchievementFacts | None, title: str, facts: dict, competencies: list[list[str]]
) -> AchievementFacts | None:
    """Return today's achievement (its address, summary, frameworks) stating what the
    attempt recorded; a competency no framework has now is left out (nothing to align to)."""
    if now is None:
        return None
    found = catalogue()
    alignments = tuple(
        replace(alignment(found, competency), name=name)
        for code, name in competencies
        if (competency := found.competency(code)) is not None
    )
    return replace(
        now,
        title=title,
        clinical_review=content_review(facts.get("clinical_reviewer")),
        cpd_minutes=facts["cpd_minutes"],
        learning_outcomes=tuple(facts["learning_outcomes"]),
        alignments=alignments,
    )
