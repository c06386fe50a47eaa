"""What a manager sees of their organisation: the summary and the dashboard. Counts in SQL.

The competency export is in competency_export.py.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from app import db
from app.domain import dates
from app.domain.competencies.rating_counts import RatingCounts, rating_counts
from app.domain.content import Catalogue
from app.domain.progress import QUIZ_PREFIX
from app.models import CompetencyLevel, Completion, Organisation, User
from app.models_counts import DashboardCountChange
from app.services import dashboard_counts, manage_grid, passes, tagged_rows
from app.services.grid_filters import (
    FILTERS,  # noqa: F401 (the views read it here)
    Filters,
    counts_cover,
    learners_where,
    professions_selected,
)
from app.services.manage_grid import (  # the grid's names, for the views and tests
    PER_PAGE,  # noqa: F401
    SORTS,  # noqa: F401
    Grid,
    grid,  # noqa: F401
)
from app.services.sqlfunctions import year_month
from app.services.tagged_rows import branch
from app.services.teams import Scope, as_scope, in_scope


@dataclass(frozen=True)
class Summary:
    """Headline figures for one organisation."""

    organisation: str  # its name
    learners: int
    completed: dict[str, int]  # module slug -> learners who passed its quiz
    levels: dict[str, dict[str, int]]  # competency code -> level -> learners
    # (first day, modules first completed) of every month from the first through this one.
    completions_by_month: list[tuple[date, int]]
    framework_learners: int = 0  # learners the framework shown applies to
    # Every learner the manager sees, filtered or not (the dashboard's; None elsewhere).
    learners_seen: int | None = None
    # The grid's framework's ratings, for its chart and table (the dashboard's; None elsewhere).
    ratings: RatingCounts | None = None


def summary(scope: Scope | int, catalogue: Catalogue, framework=None, shown=None) -> Summary:
    """Count learners, module completions and levels per competency (one to four statements).

    With a framework, levels and learners are counted for the professions it applies to.
    With the grid `shown`, every figure counts the learners its filters select (its total
    reused).
    """
    scope = as_scope(scope)
    if shown is not None:
        branches = _summary_branches(scope, catalogue, shown)
        learners = applicable = shown.total
    else:
        branches, (learners, applicable) = _counted_branches(scope, catalogue, framework)
    return _summary_from(scope, catalogue, tagged_rows.read(branches), learners, applicable)


def dashboard(
    scope: Scope | int, catalogue: Catalogue, filters: Filters, *, page: int = 1, sort="name"
) -> tuple[Grid, Summary]:
    """Return the grid's page and the summary of the learners its filters select, with its
    framework's ratings, read in one statement (two more past the last page)."""
    scope = as_scope(scope)
    plan = manage_grid.planned(scope, catalogue, filters, page=page, sort=sort)
    found = tagged_rows.read(
        (
            *manage_grid.page_branches(plan),
            *_summary_branches(scope, catalogue, plan),
            dashboard_counts.learners_seen(scope),
        )
    )
    shown = manage_grid.grid_from(plan, found)
    counted = _summary_from(scope, catalogue, found, shown.total, shown.total)
    ratings = rating_counts(shown.framework, counted.levels, counted.framework_learners)
    return shown, replace(counted, ratings=ratings)


def _assessed(catalogue: Catalogue) -> list[str]:
    # The modules completed by passing their quiz: the passes are counted by module, so a
    # quiz given a new id in its module keeps the completions made under the old one.
    return [m.slug for m in catalogue.modules if m.assessment]


def _summary_branches(scope: Scope, catalogue: Catalogue, shown) -> tuple:
    # The passes and levels of the learners a grid (read or planned) selects.
    modules, kept = _assessed(catalogue), _kept_professions(shown)
    if kept is not False:
        # The counts kept as ratings and passes change: sums over a few rows, not millions
        # of ratings and completions counted.
        passes = dashboard_counts.counted(dashboard_counts.PASSED, scope, kept).where(
            DashboardCountChange.key.in_(modules)
        )
        return passes, dashboard_counts.counted(dashboard_counts.LEVEL, scope, kept)
    who = list(shown.where)
    # A join: as `user_id IN (the learners)` with the codes, PostgreSQL looped (seconds).
    counted = _levels(scope).join(User, User.id == CompetencyLevel.user_id).where(*who)
    return _passes(who, modules), _by_level(counted)


def _counted_branches(scope: Scope, catalogue: Catalogue, framework) -> tuple:
    # The passes and levels of the learners in scope (or the framework's), counted, with
    # how many learners there are and how many the framework applies to.
    session = db.session()
    who = [in_scope(scope)]
    learners = session.scalar(select(func.count(User.id)).where(*who))
    applicable, counted = learners, _levels(scope)
    if framework is not None and framework.applies_to:
        who = learners_where(scope, framework)
        applicable = session.scalar(select(func.count(User.id)).where(*who))
        counted = counted.where(CompetencyLevel.user_id.in_(select(User.id).where(*who)))
    elif not scope.whole_organisation:
        counted = counted.where(CompetencyLevel.user_id.in_(select(User.id).where(in_scope(scope))))
    passes = _passes([in_scope(scope)], _assessed(catalogue))
    return (passes, _by_level(counted)), (learners, applicable)


_EARLIER = aliased(Completion, name="earlier_completion")
# A learner's earliest quiz completion of its module, under whatever id the quiz had: one a
# learner and module, though they passed under two ids (migration 0040's view says the same).
_FIRST_OF_MODULE = and_(
    Completion.item_key.startswith(QUIZ_PREFIX),
    ~exists().where(
        _EARLIER.user_id == Completion.user_id,
        _EARLIER.module_slug == Completion.module_slug,
        _EARLIER.item_key.startswith(QUIZ_PREFIX),
        or_(
            _EARLIER.completed_at < Completion.completed_at,
            and_(
                _EARLIER.completed_at == Completion.completed_at,
                _EARLIER.item_key < Completion.item_key,
            ),
        ),
    ),
)


def _passes(who: list, modules: list[str]):
    # Passing a module's quiz completes it while one of the learner's passes of it counts
    # (as the kept counts: services/passes.py): counted by module and by the UK month it
    # counts from, as the kept counts' triggers write it (migration 0048).
    completions = (
        select(Completion.module_slug, passes.COMPLETION_COUNTED_FROM.label("counted_from"))
        .join(User, User.id == Completion.user_id)
        .where(*who, Completion.module_slug.in_(modules), _FIRST_OF_MODULE)
        .subquery("completions")
    )
    month = year_month(completions.c.counted_from)
    return (
        branch("passed", text=(completions.c.module_slug, month), number=(func.count(),))
        .where(completions.c.counted_from.is_not(None))
        .group_by(completions.c.module_slug, month)
    )


def _levels(scope: Scope):
    return branch(
        "level",
        text=(CompetencyLevel.competency_code, CompetencyLevel.level),
        number=(func.count(),),
    ).where(CompetencyLevel.organisation_id == scope.organisation_id)


def _by_level(counted):
    return counted.group_by(CompetencyLevel.competency_code, CompetencyLevel.level)


def _summary_from(scope: Scope, catalogue: Catalogue, found, learners: int, applicable: int):
    completed = dict.fromkeys((m.slug for m in catalogue.modules), 0)
    by_month: dict[str, int] = defaultdict(int)
    for row in found.get("passed", ()):
        slug, when = row.text[:2]
        completed[slug] += row.number[0]
        by_month[when] += row.number[0]
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    for row in found.get("level", ()):
        levels[row.text[0]][row.text[1]] = row.number[0]
    # The scope read the organisation's name with the manager's teams; else ask for it.
    organisation = scope.organisation_name or db.session().scalar(
        select(Organisation.name).where(Organisation.id == scope.organisation_id)
    )
    # Read only with the dashboard's grid (dashboard_counts.learners_seen): one summed row.
    seen = [int(row.number[0] or 0) for row in found.get("learners seen", ())]
    return Summary(
        organisation,
        learners,
        completed,
        dict(levels),
        dates.every_month(by_month, through=dates.uk_today()),
        applicable,
        seen[0] if seen else None,
    )


def _kept_professions(shown: Grid) -> set[str] | None | bool:
    # The professions whose kept counts cover the grid's learners (None: all of them), or
    # False when its filters select learners the counts cannot (a search, a standing).
    filters = shown.filters
    if filters is None or not counts_cover(filters):
        return False
    return professions_selected(shown.framework, filters)
