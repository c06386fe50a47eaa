"""Which framework, competencies and learners a grid shows; the summary and exports follow it.

A grid shows one framework: the one chosen, else the one for the profession filtered on,
else the one for the organisation's commonest profession. Learners are those the
framework applies to. The standing filter (met, due soon, expired, awaiting confirmation)
is worked out in SQL from the stored columns at the moment of the request, with the same
rule as `domain.competencies.standing`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, or_, select

from app import db
from app.domain.competencies import (
    AWAITING,
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    DUE_SOON,
    EXPIRED,
    MET,
)
from app.domain.content import Catalogue
from app.domain.frameworks import Framework
from app.domain.paging import like_pattern
from app.models import CompetencyLevel, User
from app.services import dashboard_counts
from app.services.sqlfunctions import lower_case
from app.services.teams import Scope, as_scope, in_scope

AWAITING_FILTER = "awaiting"
FILTERS = {
    MET: "Met",
    DUE_SOON: "Due soon",
    EXPIRED: "Expired",
    AWAITING_FILTER: "Awaiting confirmation",
}


def standing_condition(name: str, now: datetime, rating=CompetencyLevel):
    """Return the SQL condition for stored ratings in this standing at `now`.

    `rating` names the columns: the table's, or a subquery's of the same names.
    """
    alive = or_(rating.met_until.is_(None), rating.met_until > now)
    if name == MET:
        due = or_(rating.due_from.is_(None), rating.due_from > now)
        return and_(rating.met.is_(True), alive, due)
    if name == DUE_SOON:
        return and_(rating.met.is_(True), alive, rating.due_from <= now)
    if name == EXPIRED:
        lapsed = and_(rating.met.is_(True), rating.met_until <= now)
        return or_(rating.expired.is_(True), lapsed)
    return rating.practice == AWAITING


def practice_now(now: datetime, rating=CompetencyLevel):
    """Return the SQL for the stored practice status as it stands at `now` (practice_shown).

    `rating` names the columns, as for standing_condition.
    """
    lapsed = and_(rating.practice == CONFIRMED, rating.practice_until <= now)
    return case((lapsed, CONFIRMATION_EXPIRED), else_=rating.practice)


def framework_shown(
    scope: Scope | int, catalogue: Catalogue, framework_id: str = "", profession: str = ""
) -> Framework | None:
    """Choose the framework a grid shows (one query at most)."""
    chosen = catalogue.framework(framework_id) if framework_id else None
    if chosen is None and profession:
        chosen = catalogue.framework_for(profession)
    if chosen is None:
        # From the counts kept as learners come and go, not a count of every learner; read
        # with the signed-in manager when this request is the dashboard.
        commonest = dashboard_counts.commonest_read_earlier(as_scope(scope))
        if commonest is None:
            commonest = db.session().scalar(
                dashboard_counts.learners_by_profession(as_scope(scope)).limit(1)
            )
        chosen = catalogue.framework_for(commonest or "")
    return chosen or (catalogue.frameworks[0] if catalogue.frameworks else None)


def learners_where(
    scope: Scope | int, framework: Framework | None, profession: str = "", search: str = ""
):
    """Return the conditions for the learners a grid or export of this framework covers."""
    where = [_learners_of(scope)]
    if framework is not None and framework.applies_to:
        where.append(User.profession.in_(framework.applies_to))
    if profession:
        where.append(User.profession == profession)
    if search.strip():
        where.append(search_condition(search))
    return where


def search_condition(text: str):
    """Return the SQL condition for learners whose name or email contains `text`, any case."""
    # Every letter in lower case on both databases (SQLite's lower() changes A to Z only).
    pattern = like_pattern(text.strip().lower())
    return or_(
        lower_case(User.full_name).like(pattern, escape="\\"),
        lower_case(User.email).like(pattern, escape="\\"),
    )


@dataclass(frozen=True)
class Filters:
    """The grid's filters; the summary and the export follow the same ones."""

    search: str = ""
    profession: str = ""
    module_slug: str = ""
    framework_id: str = ""
    status: str = ""


def professions_selected(framework: Framework | None, filters: Filters) -> set[str] | None:
    """Return the professions of the learners a grid of this framework selects (None: any)."""
    professions = set(framework.applies_to) if framework and framework.applies_to else None
    if filters.profession:
        return {filters.profession} & professions if professions else {filters.profession}
    return professions


def counts_cover(filters: Filters) -> bool:
    """Say whether the dashboard's kept counts of the professions selected count just the
    learners the filters select: not with a search or a standing asked."""
    return not (filters.search.strip() or filters.status in FILTERS)


def selection(scope: Scope, catalogue: Catalogue, filters: Filters, now: datetime):
    """Return the framework shown, its codes shown and the SQL conditions for the learners."""
    framework = framework_shown(scope, catalogue, filters.framework_id, filters.profession)
    module = catalogue.module(filters.module_slug) if filters.module_slug else None
    codes = [c.code for c in framework.competencies] if framework else []
    if module:
        codes = [code for code in codes if code in module.competency_codes]
    where = learners_where(scope, framework, filters.profession, filters.search)
    if filters.status in FILTERS:
        where.append(
            User.id.in_(
                select(CompetencyLevel.user_id).where(
                    CompetencyLevel.organisation_id == scope.organisation_id,
                    CompetencyLevel.competency_code.in_(codes),
                    standing_condition(filters.status, now),
                )
            )
        )
    return framework, codes, where


def _learners_of(scope: Scope | int):
    # The learners of the organisation, or of the manager's teams only.
    return in_scope(as_scope(scope))
