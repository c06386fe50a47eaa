"""The manager's grid: a page of learners, each competency's knowledge and practice, filtered.

Which framework, competencies and learners it shows is worked out in grid_filters.py;
this plans the grid's paging and reads a page of those learners with their stored ratings,
and, in the same statement, what they hold in competencies taken out of every framework
(retired_held.py): columns of their own, counted in nothing, the same on every page (those
any learner the filters select holds something in).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import NamedTuple

from sqlalchemy import func, select

from app import db
from app.domain.competencies import (
    DUE_SOON,
    MET,
    PRACTICE_NOT_NEEDED,
    codes_needing_no_practice,
    practice_shown,
    standing,
)
from app.domain.content import Catalogue
from app.domain.frameworks import Framework
from app.domain.paging import asked, clamp
from app.models import CompetencyLevel, User, utcnow
from app.services import dashboard_counts, grid_paging, retired_held, tagged_rows
from app.services.grid_filters import (
    Filters,
    counts_cover,
    professions_selected,
    selection,
    standing_condition,
)
from app.services.grid_paging import PER_PAGE
from app.services.knowledge_now import knowledge_now
from app.services.rating_reads import aware
from app.services.retired_held import Retired
from app.services.retired_ratings import known_codes
from app.services.tagged_rows import branch
from app.services.teams import Scope, as_scope

SORTS = ("name", "-name", "competent")


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
    # What the page's learners hold in competencies no framework has now, shown apart; its
    # columns those of every learner the filters select.
    retired: Retired = Retired()


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
    return grid_from(plan, tagged_rows.read(page_branches(plan)))


@dataclass(frozen=True)
class Planned:
    """A grid planned but not read: what it shows, whom, and how to read a page of it."""

    framework: Framework | None
    codes: list[str]
    where: tuple  # the SQL conditions for every learner the filters select
    filters: Filters
    page: int
    paging: Callable  # page number -> the page's learners, numbered (a WITH query)
    now: datetime
    # The codes some framework has now: what the page's learners hold in any other is shown
    # apart. None: nothing is (a module's competencies asked for: a retired one is no
    # module's).
    known: tuple[str, ...] | None = None
    scope: Scope | None = None


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
    known = None if filters.module_slug else tuple(known_codes(catalogue))
    return Planned(framework, codes, tuple(where), filters, asked(page), paging, now, known, scope)


def page_branches(plan: Planned, page: int | None = None) -> tuple:
    """Return the branches that read the page's learners: `page_branch`'s, those of what
    they hold in competencies no framework has now (retired_held.branches), and the one of
    the columns those take, from every learner the filters select, so no page has others."""
    paged = plan.paging(plan.page if page is None else page)
    if plan.known is None:
        return (page_branch(plan, paged),)
    known = list(plan.known)
    held = retired_held.branches(paged, paged.c.id, known, plan.now)
    scope = plan.scope
    rated = dashboard_counts.rated_codes(scope, professions_selected(plan.framework, plan.filters))
    counted = counts_cover(plan.filters)
    columns = retired_held.column_branch(scope.organisation_id, plan.where, known, rated, counted)
    return (page_branch(plan, paged), *held, columns)


def page_branch(plan: Planned, paged):
    """Return the tagged branch "learner" that reads the page's learners with their ratings.

    texts: name, email, profession, competency, level, practice; numbers: id, total,
    position; flags: met, expired; times: met until, due from, practice until. A learner
    with no rating in the codes shown has one row, its rating's slots NULL.
    """
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
            found = tagged_rows.read(page_branches(plan, page))
            rows = found.get("learner", [])
        page = 1 if not total else page
    learners: dict[int, Learner] = {}
    levels: dict[int, dict[str, Cell]] = defaultdict(dict)
    # As the learner's page says it: a rule that asks for no confirmation needs none.
    not_needed = codes_needing_no_practice((plan.framework,)) if plan.framework else frozenset()
    for row in sorted(rows, key=lambda row: row.number[2]):  # by place on the page
        (name, email, profession, code, level, practice) = row.text
        learners.setdefault(row.number[0], Learner(row.number[0], name, email, profession))
        if code is not None:
            met, expired = row.flag
            until, due, confirmed_until = row.at[:3]
            where_now = standing(met, aware(until), aware(due), expired, now)
            practice = practice_shown(practice, aware(confirmed_until), now)
            if code in not_needed:
                practice = PRACTICE_NOT_NEEDED
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
        retired_held.held_from(found, now),
    )


class Learner(NamedTuple):
    """A learner on the grid's page."""

    id: int
    full_name: str
    email: str
    profession: str | None
