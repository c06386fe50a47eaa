"""Knowledge ratings in competencies that have since left the framework.

A trainer may take a competency out of `competencies/*.yaml`. The profile then has no row
for it, yet it showed the learner's rating from their quiz answers, and the answers stay on
their quiz results. The rating as last worked out stays stored (`linkwise recompute-levels`
leaves the ratings of codes no framework knows as they are), and the profile lists it apart,
beside the confirmations of practice (services/retired_confirmations.py): knowledge shown in
quizzes, not competence in practice, counted in no total. It is named as the framework
file last named it (services/competency_names.py), read for these rows alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import JSON, Date, Float, String, bindparam, cast, literal, null, select

from app.domain.competencies import INSUFFICIENT_EVIDENCE
from app.domain.content import Catalogue
from app.models import CompetencyLevel
from app.services.competency_names import last_name
from app.services.learner_rows import SELF
from app.services.rating_reads import aware
from app.services.retired_confirmations import Confirmation
from app.services.tagged_rows import Row, branch

# The codes some framework has now, bound by the caller (`known_codes`).
KNOWN = bindparam("known", expanding=True)
_GONE = CompetencyLevel.competency_code.not_in(KNOWN)

# texts: competency, level and practice as last rated, the competency's last name; real:
# score; number: evidence count; times: when rated, the latest answer it counted, when that
# knowledge stops counting.
LEVELS = branch(
    "retired-level",
    text=(
        CompetencyLevel.competency_code,
        CompetencyLevel.level,
        CompetencyLevel.practice,
        last_name(CompetencyLevel.competency_code),
    ),
    real=(CompetencyLevel.score,),
    number=(CompetencyLevel.evidence_count,),
    at=(
        CompetencyLevel.rated_at,
        CompetencyLevel.last_evidence_at,
        CompetencyLevel.knowledge_until,
    ),
).where(CompetencyLevel.user_id == SELF, _GONE)

# The same rows in the competencies page's own layout (services/my_competencies_rows.py): kind,
# code, six texts, a real, a whole number, two flags, three times, a document, a day.
PAGE_BRANCH = select(
    literal("retired-level"),
    CompetencyLevel.competency_code,
    CompetencyLevel.level,
    CompetencyLevel.practice,
    last_name(CompetencyLevel.competency_code),
    *(cast(null(), String) for _ in range(3)),
    cast(CompetencyLevel.score, Float),
    CompetencyLevel.evidence_count,
    CompetencyLevel.met,
    CompetencyLevel.expired,
    CompetencyLevel.rated_at,
    CompetencyLevel.last_evidence_at,
    CompetencyLevel.knowledge_until,
    cast(null(), JSON),
    cast(null(), Date),
).where(CompetencyLevel.user_id == SELF, _GONE)


class RetiredRating(NamedTuple):
    """A knowledge rating in a competency no framework has now, as last worked out."""

    code: str
    level: str
    practice: str
    score: float | None
    evidence_count: int
    rated_at: datetime | None  # None: stored before the time rated was kept
    last_evidence_at: datetime | None
    knowledge_until: datetime | None  # when its answers stopped (or stop) counting
    answers_expired: bool = False  # whether they had by the time the profile was read
    name: str | None = None  # as a framework file last named it; None: never recorded

    @property
    def rated(self) -> bool:
        """Say whether the answers were enough to rate it at all."""
        return self.level != INSUFFICIENT_EVIDENCE


def known_codes(catalogue: Catalogue) -> list[str]:
    """Return the codes of every competency some framework has now (the KNOWN parameter)."""
    return [c.code for f in catalogue.frameworks for c in f.competencies]


def from_rows(rows: Iterable[Row]) -> list[RetiredRating]:
    """Return the ratings a LEVELS branch read."""
    return [
        RetiredRating(
            *row.text[:3],
            row.real[0],
            row.number[0],
            *(aware(at) for at in row.at[:3]),
            name=row.text[3],
        )
        for row in rows
    ]


def from_page_row(
    code, level, practice, name, score, count, rated_at, last, until
) -> RetiredRating:
    """Return the rating a PAGE_BRANCH row read."""
    return RetiredRating(
        code, level, practice, score, count, aware(rated_at), aware(last), aware(until), name=name
    )


def shown_apart(
    ratings: Iterable[RetiredRating],
    confirmations: Iterable[Confirmation],
    catalogue: Catalogue,
    now: datetime,
) -> tuple[RetiredRating, ...]:
    """Return the ratings to list as knowledge alone, by code, saying whose answers expired.

    Those of a competency whose confirmation of practice is listed are left out: the
    confirmation says more. So is one with neither an answer nor a level (a request alone).
    """
    confirmed = {c.code for c in confirmations}
    return tuple(
        r._replace(answers_expired=r.knowledge_until is not None and r.knowledge_until <= now)
        for r in sorted(ratings, key=lambda r: r.code)
        if r.code not in confirmed
        and catalogue.competency(r.code) is None
        and (r.evidence_count or r.rated)
    )
