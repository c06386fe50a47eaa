"""What a manager sees of their organisation: summary, drill-down, export. Counts in SQL."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, func, select

from app import db
from app.domain.accounts import PROFESSIONS
from app.domain.competencies import (
    DUE_SOON,
    INSUFFICIENT_EVIDENCE,
    MET,
    NOT_MET,
    NOT_STARTED,
    STANDING_NAMES,
    standing,
)
from app.domain.content import Catalogue, quiz_key
from app.domain.spreadsheet import csv_chunks, csv_text
from app.models import CompetencyLevel, Completion, Organisation, User, utcnow
from app.models_counts import DashboardCountChange
from app.services import audit, dashboard_counts, manage_grid, passes, tagged_rows
from app.services.manage_export import copied
from app.services.manage_grid import (  # the grid's names, for the views and tests
    FILTERS,
    PER_PAGE,  # noqa: F401
    SORTS,  # noqa: F401
    Filters,
    Grid,
    grid,  # noqa: F401
    learners_where,
    selection,
    standing_condition,
)
from app.services.rating_reads import aware
from app.services.sqlfunctions import iso_date, year_month
from app.services.tagged_rows import branch
from app.services.teams import Scope, as_scope, in_scope


@dataclass(frozen=True)
class Summary:
    """Headline figures for one organisation."""

    organisation: str  # its name
    learners: int
    completed: dict[str, int]  # module slug -> learners who passed its quiz
    levels: dict[str, dict[str, int]]  # competency code -> level -> learners
    completions_by_month: list[tuple[str, int]]
    framework_learners: int = 0  # learners the framework shown applies to
    # Every learner the manager sees, filtered or not (the dashboard's; None elsewhere).
    learners_seen: int | None = None


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
    """Return the grid's page and the summary of the learners its filters select, read in
    one statement (two more past the last page)."""
    scope = as_scope(scope)
    plan = manage_grid.planned(scope, catalogue, filters, page=page, sort=sort)
    found = tagged_rows.read(
        (
            manage_grid.page_branch(plan),
            *_summary_branches(scope, catalogue, plan),
            dashboard_counts.learners_seen(scope),
        )
    )
    shown = manage_grid.grid_from(plan, found)
    return shown, _summary_from(scope, catalogue, found, shown.total, shown.total)


def _quiz_keys(catalogue: Catalogue) -> dict[str, str]:
    return {quiz_key(m.assessment.id): m.slug for m in catalogue.modules if m.assessment}


def _summary_branches(scope: Scope, catalogue: Catalogue, shown) -> tuple:
    # The passes and levels of the learners a grid (read or planned) selects.
    quiz_keys, kept = _quiz_keys(catalogue), _kept_professions(shown)
    if kept is not False:
        # The counts kept as ratings and passes change: sums over a few rows, not millions
        # of ratings and completions counted.
        passes = dashboard_counts.counted(dashboard_counts.PASSED, scope, kept).where(
            DashboardCountChange.key.in_(quiz_keys)
        )
        return passes, dashboard_counts.counted(dashboard_counts.LEVEL, scope, kept)
    who = list(shown.where)
    # A join: as `user_id IN (the learners)` with the codes, PostgreSQL looped (seconds).
    counted = _levels(scope).join(User, User.id == CompetencyLevel.user_id).where(*who)
    return _passes(who, quiz_keys), _by_level(counted)


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
    passes = _passes([in_scope(scope)], _quiz_keys(catalogue))
    return (passes, _by_level(counted)), (learners, applicable)


def _passes(who: list, quiz_keys: dict[str, str]):
    # Passing a module's quiz completes it, unless its certificate was revoked since (as the
    # kept counts: services/passes.py): counted by module and by month.
    month = year_month(Completion.completed_at)
    return (
        branch("passed", text=(Completion.item_key, month), number=(func.count(),))
        .join(User, User.id == Completion.user_id)
        .where(*who, Completion.item_key.in_(quiz_keys), ~passes.COMPLETION_REVOKED)
        .group_by(Completion.item_key, month)
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
    quiz_keys = _quiz_keys(catalogue)
    completed = dict.fromkeys((m.slug for m in catalogue.modules), 0)
    by_month: dict[str, int] = defaultdict(int)
    for row in found.get("passed", ()):
        key, when = row.text[:2]
        completed[quiz_keys[key]] += row.number[0]
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
        sorted(by_month.items()),
        applicable,
        seen[0] if seen else None,
    )


def _kept_professions(shown: Grid) -> set[str] | None | bool:
    # The professions whose kept counts cover the grid's learners (None: all of them), or
    # False when its filters select learners the counts cannot (a search, a standing).
    filters = shown.filters
    if filters is None or filters.search.strip() or filters.status in FILTERS:
        return False
    framework = shown.framework
    professions = set(framework.applies_to) if framework and framework.applies_to else None
    if filters.profession:
        return {filters.profession} & professions if professions else {filters.profession}
    return professions


HEADER = [
    "learner",
    "email",
    "profession",
    "competency",
    "knowledge",
    "score",
    "evidence_count",
    "last_evidence",
    "practice",
    "met",
    "met_until",
]


def export_csv(
    scope: Scope | int,
    catalogue: Catalogue,
    actor_id: int,
    standing_filter: str = "",
    filters: Filters | None = None,
    chunk_size: int = 64 * 1024,
) -> Iterator[str | bytes]:
    """Yield the export as CSV in chunks: PostgreSQL writes it itself, else `export_rows`."""
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        yield from csv_chunks(
            export_rows(scope, catalogue, actor_id, standing_filter, filters), chunk_size
        )
        return
    who, codes_for, standing_filter, now = _export_started(
        scope, catalogue, actor_id, standing_filter, filters
    )
    if not isinstance(codes_for, _Shown):
        codes_for = {
            profession: [c.code for c in framework.competencies]
            for profession in PROFESSIONS
            if (framework := catalogue.framework_for(profession))
        }
    else:
        codes_for = dict.fromkeys(PROFESSIONS, codes_for.codes)
    yield csv_text([HEADER]).encode()
    yield from copied(session, who, codes_for, standing_filter, now, chunk_size)


def export_rows(
    scope: Scope | int,
    catalogue: Catalogue,
    actor_id: int,
    standing_filter: str = "",
    filters: Filters | None = None,
) -> Iterator[list]:
    """Yield one row per learner and competency of their framework; audit-logged.

    With a standing filter, only the rows in that standing (met, due soon, expired,
    awaiting confirmation) now. With the grid's filters, the grid's learners (every page)
    and the competencies it shows.
    """
    session = db.session()
    who, codes_for, standing_filter, now = _export_started(
        scope, catalogue, actor_id, standing_filter, filters
    )
    yield HEADER
    # Core rows (no ORM loading), the date formatted by the database: this loop runs once
    # per learner and competency, millions of times for a region.
    joined = CompetencyLevel.user_id == User.id
    if standing_filter in FILTERS:
        joined = and_(joined, standing_condition(standing_filter, now))
    rows = session.connection().execute(
        select(
            User.id,
            User.full_name,
            User.email,
            User.profession,
            CompetencyLevel.competency_code,
            CompetencyLevel.level,
            CompetencyLevel.score,
            CompetencyLevel.evidence_count,
            iso_date(CompetencyLevel.last_evidence_at),
            CompetencyLevel.practice,
            CompetencyLevel.met,
            CompetencyLevel.met_until,
            CompetencyLevel.due_from,
            CompetencyLevel.expired,
        )
        .outerjoin(CompetencyLevel, joined)
        .where(*who)
        .order_by(User.full_name, User.id)
        .execution_options(yield_per=5000)
    )
    current, person, found = None, (), {}
    for user_id, name, email, profession, code, level, score, count, last, *rest in rows:
        if user_id != current:
            yield from _learner_rows(person, found, codes_for, catalogue, standing_filter)
            current, person, found = user_id, (name, email, profession), {}
        if code is not None:
            practice, met, until, due, expired = rest
            where = standing(met, aware(until), aware(due), expired, now)
            found[code] = (
                level,
                "" if score is None else _one_decimal(score),
                count,
                last or "",
                practice,
                STANDING_NAMES[where],
                aware(until).date().isoformat() if until and where in (MET, DUE_SOON) else "",
            )
    yield from _learner_rows(person, found, codes_for, catalogue, standing_filter)


def _export_started(scope, catalogue, actor_id, standing_filter, filters):
    # The learners, codes and standing an export covers; the export audit-logged.
    session, now = db.session(), utcnow()
    scope = as_scope(scope)
    who, codes_for = [in_scope(scope)], {}
    if filters is not None:
        _, codes, who = selection(scope, catalogue, filters, now)
        codes_for, standing_filter = _Shown(codes), filters.status
    organisation = session.get(Organisation, scope.organisation_id)
    audit.record(session, "export.competencies", actor_id=actor_id, organisation=organisation.name)
    session.commit()
    return who, codes_for, standing_filter, now


def _one_decimal(score: float) -> str:
    # Half up from the figure stored (to 6 places), as PostgreSQL's round() on a decimal.
    return str(Decimal(repr(score)).quantize(Decimal("0.1"), ROUND_HALF_UP))


class _Shown(dict):
    # Every profession gets the codes the filtered grid shows.
    def __init__(self, codes: list[str]):
        super().__init__()
        self.codes = codes

    def __contains__(self, profession) -> bool:
        return True

    def __getitem__(self, profession) -> list[str]:
        return self.codes


UNRATED = (INSUFFICIENT_EVIDENCE, "", 0, "", NOT_STARTED, STANDING_NAMES[NOT_MET], "")


def _learner_rows(person: tuple, found: dict, codes_for, catalogue, standing_filter) -> Iterator:
    if not person:
        return
    profession = person[2]
    if profession not in codes_for:
        framework = catalogue.framework_for(profession)
        codes_for[profession] = [c.code for c in framework.competencies] if framework else []
    for code in codes_for[profession]:
        if standing_filter in FILTERS and code not in found:
            continue
        yield [*person, code, *found.get(code, UNRATED)]
