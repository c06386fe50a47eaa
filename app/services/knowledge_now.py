"""A stored knowledge rating as it stands at a moment, in SQL: `knowledge_shown`'s rule.

A rating is stored when worked out (grading, a decision, the nightly re-rating). Once the
last answer it counted has expired (`knowledge_until`), every page and export reads it as
the rating a learner with no answer in date gets, before the next re-rating stores that.
"""

from sqlalchemy import DateTime, bindparam, case, literal, null

from app.domain.competencies.standings import NO_KNOWLEDGE_IN_DATE
from app.models import CompetencyLevel

# The moment a statement built once reads ratings at: its caller passes `now`.
NOW = bindparam("now", type_=DateTime(timezone=True))


def knowledge_now(now=NOW, rating=CompetencyLevel) -> tuple:
    """Return the SQL for the stored level, score and evidence count as they stand at `now`.

    `rating` names the columns: the table's, or a subquery's of the same names.
    """
    lapsed = rating.knowledge_until <= now
    level, score, count = NO_KNOWLEDGE_IN_DATE
    return (
        case((lapsed, literal(level)), else_=rating.level),
        case((lapsed, null() if score is None else literal(score)), else_=rating.score),
        case((lapsed, literal(count)), else_=rating.evidence_count),
    )
