"""The manager's grid: a page of learners, each competency's knowledge and practice, filtered.

A grid shows one framework: the one chosen, else the one for the profession filtered on,
else the one for the organisation's commonest profession. Learners are those the
framework applies to. The standing filter (met, due soon, expired, awaiting confirmation)
is worked out in SQL from the stored columns at the moment of the request, with the same
rule as `domain.competencies.standing`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import NamedTuple

from sqlalchemy import and_, case, func, or_, select

from app import db
from app.domain.competencies import (
    AWAITING,
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    DUE_SOON,
    EXPIRED,
    MET,
    practice_shown,
    standing,
)
from app.domain.content import Catalogue
from app.domain.frameworks import Framework
from app.domain.paging import asked, clamp, like_pattern, page_numbers
from app.models import CompetencyLevel, User, utcnow
from app.services import dashboard_counts, grid_paging, tagged_rows
from app.services.grid_paging import PER_PAGE
from app.services.knowledge_now import knowledge_now
from app.services.rating_reads import aware
from app.services.tagged_rows import branch
from app.services.teams import Scope, as_scope, in_scope

SORTS = ("name", "-name", "competent")
AWAITING_FILTER = "awaiting"
FILTERS = {
    MET: "Met",
    DUE_SOON: "Due soon",
    EXPIRED: "Expired",
    AWAITING_FILTER: "Awaiting confirmation",
}


@dataclass(frozen=True)
class Cell:
    """One learner's stored rating in one competency, as the grid shows it."""

    level: str
    practice: str
    standing: str


@dataclass(frozen=True)
class Grid:
    """One page of learners with their ratings in each competency shown."""

    learners: list
    levels: dict[int, dict[str, Cell]]  # user id -> code -> cell
    codes: list[str]
    page: int
    pages: int
    total: int
    framework: Framework | None = None
    where: tuple = ()  # the SQL conditions for every learner the filters select
    filters: "Filters | None" = None

    @property
    def numbers(self) -> list[int | None]:
        """Return the page numbers the pagination shows, None for a gap."""
        return page_numbers(self.page, self.pages)


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
    pattern = like_pattern(text.strip().lower())
    return or_(
        func.lower(User.full_name).like(pattern, escape="\\"),
        func.lower(User.email).like(pattern, escape="\\"),
    )


@dataclass(frozen=True)
class Filters:
    """The grid's filters; the summary and the export follow the same ones."""

    search: str = ""
    profession: str = ""
    module_slug: str = ""
    framework_id: str = ""
    status: str = ""


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


def grid(
    scope: Scope | int,
    catalogue: Catalogue,
    *,
    page: int = 1,
    sort: str = "name",
    profession: str = "",
    module_slug: str = "",
    framework_id: str = "",
    standing_filter: str = "",
    search: str = "",
    now: datetime | None = None,
) -> Grid:
    """Return a page of learners and their ratings (one statement; two more past the last page)."""
    filters = Filters(search, profession, module_slug, framework_id, standing_filter)
    plan = planned(scope, catalogue, filters, page=page, sort=sort, now=now)
    return grid_from(plan, tagged_rows.read((page_branch(plan),)))


@dataclass(frozen=True)
class Planned:
    """A grid planned but not read: what it shows, whom, and how to read a page of it."""

    framework: Framework | None
    codes: list[str]
    where: tuple  # the SQL conditions for every learner the filters select
    filters: Filters
    page: int
    paging: Callable  # page number -> the page's learners, numbered (a subquery)
    now: datetime


def planned(
    scope: Scope | int,
    catalogue: Catalogue,
    filters: Filters,
    *,
    page: int = 1,
    sort: str = "name",
    now: datetime | None = None,
) -> Planned:
    """Plan a grid's page: its framework and codes, its learners' conditions, its paging."""
    now = now or utcnow()
    scope = as_scope(scope)
    framework, codes, where = selection(scope, catalogue, filters, now)
    query = select(User.id, User.full_name, User.email, User.profession).where(*where)
    if sort == "competent":
        met = (
            select(CompetencyLevel.user_id, func.count().label("n"))
            .where(
                CompetencyLevel.organisation_id == scope.organisation_id,
                standing_condition(MET, now) | standing_condition(DUE_SOON, now),
                CompetencyLevel.competency_code.in_(codes),
            )
            .group_by(CompetencyLevel.user_id)
            .cte("met")
        )
        paging = partial(grid_paging.by_competence, where, met)
    else:
        order = (User.full_name.desc() if sort == "-name" else User.full_name, User.id)
        paging = partial(grid_paging.paged, query, order, where)
    return Planned(framework, codes, tuple(where), filters, asked(page), paging, now)


def page_branch(plan: Planned, page: int | None = None):
    """Return the tagged branch "learner" that reads the page's learners with their ratings.

    texts: name, email, profession, competency, level, practice; numbers: id, total,
    position; flags: met, expired; times: met until, due from, practice until. A learner
    with no rating in the codes shown has one row, its rating's slots NULL.
    """
    paged = plan.paging(plan.page if page is None else page)
    level = CompetencyLevel
    return branch(
        "learner",
        text=(
            paged.c.full_name,
            paged.c.email,
            paged.c.profession,
            level.competency_code,
            knowledge_now(plan.now)[0],
            level.practice,
        ),
        number=(paged.c.id, paged.c.total, paged.c.position),
        flag=(level.met, level.expired),
        at=(level.met_until, level.due_from, level.practice_until),
    ).outerjoin(level, (level.user_id == paged.c.id) & level.competency_code.in_(plan.codes))


def grid_from(plan: Planned, found: dict) -> Grid:
    """Return the grid from the rows its page branch read (two statements more when the
    page was past the last, or none matched)."""
    page, now = plan.page, plan.now
    rows = found.get("learner", [])
    if rows:
        total = rows[0].number[1]
    else:  # none match, or a page past the last: count them, then read the last page
        total = db.session().scalar(select(func.count(User.id)).where(*plan.where))
        if page > 1 and total:
            page = clamp(page, max(1, -(-total // PER_PAGE)))
            rows = tagged_rows.read((page_branch(plan, page),)).get("learner", [])
        page = 1 if not total else page
    learners: dict[int, Learner] = {}
    levels: dict[int, dict[str, Cell]] = defaultdict(dict)
    for row in sorted(rows, key=lambda row: row.number[2]):  # by place on the page
        (name, email, profession, code, level, practice) = row.text
        learners.setdefault(row.number[0], Learner(row.number[0], name, email, profession))
        if code is not None:
            met, expired = row.flag
            until, due, confirmed_until = row.at[:3]
            where_now = standing(met, aware(until), aware(due), expired, now)
            practice = practice_shown(practice, aware(confirmed_until), now)
            levels[row.number[0]][code] = Cell(level, practice, where_now)
    pages = max(1, -(-total // PER_PAGE))
    return Grid(
        list(learners.values()),
        dict(levels),
        plan.codes,
        page,
        pages,
        total,
        plan.framework,
        plan.where,
        plan.filters,
    )


class Learner(NamedTuple):
    """A learner on the grid's page."""

    id: int
    full_name: str
    email: str
    profession: str | None


def _learners_of(scope: Scope | int):
    # The learners of the organisation, or of the manager's teams only.
    return in_scope(as_scope(scope))
