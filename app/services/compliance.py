"""The compliance matrix: learners x assigned modules, with the share compliant per module and team.

Worked out on the day asked from assignments and completions (see domain/assignments.py).
The page, the CSV and the XLSX all come from one `matrix()` call with the same filters, so a
download holds exactly the rows and figures of the filtered page (every page of it).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from sqlalchemy import and_, func, literal, select, true, union_all

from app import db
from app.domain import assignments as rules
from app.domain.accounts import PROFESSIONS
from app.domain.content import Catalogue
from app.models import User, utcnow
from app.models_teams import Team, TeamMember
from app.services import compliance_cells as cells_sql
from app.services.compliance_competencies import LABELS as COMPETENCY_LABELS
from app.services.compliance_competencies import cells_for, competency_counts, standings
from app.services.teams import Scope, in_scope

PER_PAGE = 50
NO_TEAM = "No team"


@dataclass(frozen=True)
class Filters:
    """What the page shows: a team, a profession, learners with a cell in a status."""

    team_id: int | None = None
    profession: str = ""
    status: str = ""
    framework_id: str = ""  # competency columns for this framework too


@dataclass(frozen=True)
class Row:
    """One learner and their standing in each assigned module (None: not assigned)."""

    user_id: int
    name: str
    email: str
    profession: str
    team: str
    cells: tuple[rules.Standing | None, ...]
    competencies: tuple[str, ...] = ()  # standing in each competency column


@dataclass(frozen=True)
class Share:
    """How many of the assigned are compliant."""

    name: str
    assigned: int
    compliant: int

    @property
    def percent(self) -> int:
        """Return the share compliant, rounded to a whole percentage."""
        return round(self.compliant * 100 / self.assigned) if self.assigned else 0


@dataclass(frozen=True)
class Matrix:
    """The filtered matrix and its figures."""

    modules: tuple[tuple[str, str], ...]  # (slug, title) of every module assigned
    rows: tuple[Row, ...]  # every row the filters keep for an export (page=None), else the page's
    by_module: tuple[Share, ...]
    by_team: tuple[Share, ...]
    day: date
    page: int = 1
    pages: int = 1
    shown: tuple[Row, ...] = field(default=())
    competencies: tuple[tuple[str, str], ...] = ()  # (code, name) of each competency column
    by_competency: tuple[Share, ...] = ()
    count: int = 0  # learners the filters keep, on every page


def matrix(
    scope: Scope,
    catalogue: Catalogue,
    filters: Filters,
    day: date,
    page: int | None = 1,
    now: datetime | None = None,
    months=None,
) -> Matrix:
    """Return the matrix for the filters on a day; page=None keeps every row (exports).

    The figures are counted in SQL over every learner the filters keep; only the rows
    shown (or exported) are built in Python. `months`, the renewal intervals in use, is
    read here unless the caller read it already (`cells_sql.renewals`).
    """
    session = db.session()
    organisation_id = scope.organisation_id
    framework = catalogue.framework(filters.framework_id) if filters.framework_id else None
    codes = tuple(c.code for c in framework.competencies) if framework else ()
    if months is None:
        months = session.scalars(cells_sql.renewals(organisation_id)).all()
    learners = _learners(scope, filters).cte("learners")
    every = cells_sql.cells(learners, organisation_id, catalogue, day, months)
    chosen = _chosen(learners, every, filters.status)
    counted = _count(session, scope, learners, every, chosen, framework, codes, now or utcnow())
    present = {name for kind, _, name, _, _ in counted if kind in ("cell", "present")}
    modules = tuple((m.slug, m.title) for m in catalogue.modules if m.slug in present)
    total = sum(n for kind, _, _, n, _ in counted if kind == "learner")
    pages = max(1, -(-total // PER_PAGE))
    page = None if page is None else min(max(page, 1), pages)
    listed = _listing(scope, filters, chosen if chosen is not learners else None)
    if page is not None:
        listed = listed.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    people = session.execute(listed).all()
    rows = _rows(session, scope, filters, people, catalogue, modules, day, months, codes, now)
    by_module = {slug: [0, 0] for slug, _ in modules}
    by_team = {team: [0, 0] for kind, team, *_ in counted if kind == "learner"}
    by_profession = Counter()
    for kind, team, name, n, done in counted:
        if kind == "cell":
            for sums in (by_module[name], by_team[team]):
                sums[0] += n
                sums[1] += done
        elif kind == "learner":
            by_profession[name] += n
    met = {name: n for kind, _, name, n, _ in counted if kind == "competency"}
    applicable = (
        sum(by_profession[p] for p in framework.applies_to)
        if framework and framework.applies_to
        else total
    )
    return Matrix(
        modules,
        rows,
        tuple(Share(title, *by_module[slug]) for slug, title in modules),
        tuple(Share(team, *by_team[team]) for team in sorted(by_team)),
        day,
        page or 1,
        pages,
        rows,
        tuple((c.code, c.name) for c in framework.competencies) if framework else (),
        tuple(Share(code, applicable, met.get(code, 0)) for code in codes),
        total,
    )


def _where(scope: Scope, filters: Filters, ids=None) -> list:
    where = [in_scope(scope)]
    if filters.team_id is not None:
        where.append(TeamMember.team_id == filters.team_id)
    if filters.profession:
        where.append(User.profession == filters.profession)
    if ids is not None:
        where.append(User.id.in_(ids))
    return where


def _learners(scope: Scope, filters: Filters, ids=None):
    """Return the learners the filters keep, narrow: what their cells and figures need."""
    return (
        select(
            User.id.label("user_id"),
            User.profession,
            TeamMember.team_id,
            func.coalesce(Team.name, NO_TEAM).label("team"),
        )
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(*_where(scope, filters, ids))
    )


def _listing(scope: Scope, filters: Filters, chosen):
    """Return the learners the filters keep by name, as rows show them (an index's order)."""
    where = _where(scope, filters)
    if chosen is not None:
        where.append(User.id.in_(select(chosen.c.user_id)))
    return (
        select(
            User.id.label("user_id"),
            User.full_name,
            User.email,
            User.profession,
            func.coalesce(Team.name, NO_TEAM).label("team"),
        )
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(*where)
        .order_by(User.full_name, User.id)
    )


def _chosen(learners, cells, status: str):
    """Return the learners with a cell in the status asked (all of them when none is)."""
    if not status:
        return learners
    if status == rules.NOT_ASSIGNED:
        # Not assigned one of the modules some learner here has: fewer cells than modules.
        modules = select(func.count(func.distinct(cells.c.module_slug))).scalar_subquery()
        full = select(cells.c.user_id).group_by(cells.c.user_id).having(func.count() >= modules)
        keep = and_(learners.c.user_id.not_in(full), modules > 0)
    else:
        keep = learners.c.user_id.in_(select(cells.c.user_id).where(cells.c.status == status))
    return select(learners).where(keep).cte("chosen")


def _count(session, scope, learners, cells, chosen, framework, codes, now) -> list:
    """Return (kind, team, name, how many, compliant): every figure the page shows, one query.

    "cell" rows count cells by team and module, "learner" rows learners by team and
    profession, "present" rows name the modules some learner the filters keep (status
    aside) is assigned, "competency" rows count learners who meet a competency.
    """
    filtered = chosen is not learners
    # Every cell is a learner's; only a status asked for leaves some learners out.
    mine = cells.c.user_id.in_(select(chosen.c.user_id)) if filtered else true()
    parts = [
        select(
            literal("cell"),
            cells.c.team,
            cells.c.module_slug,
            func.count(),
            func.sum(cells.c.compliant),
        )
        .where(mine)
        .group_by(cells.c.team, cells.c.module_slug),
        select(
            literal("learner"), chosen.c.team, chosen.c.profession, func.count(), literal(0)
        ).group_by(chosen.c.team, chosen.c.profession),
    ]
    if filtered:
        parts.append(
            select(
                literal("present"), literal(""), cells.c.module_slug, literal(0), literal(0)
            ).group_by(cells.c.module_slug)
        )
    if codes:
        parts.append(competency_counts(scope.organisation_id, chosen, framework, codes, now))
    return session.execute(union_all(*parts)).all()


def _rows(session, scope, filters, people, catalogue, modules, day, months, codes, now):
    """Build the rows of the learners given, in their order: their cells and competencies."""
    ids = [person.user_id for person in people]
    if not ids:
        return ()
    framework = catalogue.framework(filters.framework_id) if codes else None
    # A page's learners by id; an export's by the filters (their cells are every cell).
    few = _learners(scope, filters, ids if page_sized(ids) else None).cte("learners")
    cells = cells_sql.cells(few, scope.organisation_id, catalogue, day, months)
    found = {}
    listed = select(
        cells.c.user_id, cells.c.module_slug, cells.c.due_on, cells.c.renew_months, cells.c.at
    )
    for user_id, slug, due_on, renew_months, at in session.execute(listed):
        found[user_id, slug] = _standing(rules.Rule(slug, due_on, renew_months), _day(at), day)
    rated = standings(scope.organisation_id, set(ids), codes, now or utcnow())
    return tuple(
        Row(
            person.user_id,
            person.full_name,
            person.email,
            PROFESSIONS.get(person.profession, person.profession),
            person.team,
            tuple(found.get((person.user_id, slug)) for slug, _ in modules),
            cells_for(framework, codes, rated, person.user_id, person.profession)
            if framework
            else (),
        )
        for person in people
    )


def page_sized(ids) -> bool:
    """Say whether the learners are few enough to name in the query."""
    return len(ids) <= PER_PAGE


def _day(moment) -> date | None:
    if moment is None:
        return None
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


@lru_cache(maxsize=16384)
def _standing(rule: rules.Rule, completed_on: date | None, day: date) -> rules.Standing:
    # Thousands of learners share a rule and a completion day (or none): each pair once.
    return rules.standing(rule, completed_on, day)


def table(found: Matrix) -> list[list]:
    """Return the matrix as rows of cells: the CSV and the XLSX's first sheet."""
    header = ["Learner", "Email", "Profession", "Team"]
    for _, title in found.modules:
        header += [f"{title}: status", f"{title}: due", f"{title}: completed"]
    header += [f"{code} {name}" for code, name in found.competencies]
    lines = [header]
    for row in found.rows:
        line = [row.name, row.email, row.profession, row.team]
        for cell in row.cells:
            if cell is None:
                line += [rules.LABELS[rules.NOT_ASSIGNED][0], "", ""]
            else:
                line += [cell.label, _iso(cell.due_on), _iso(cell.completed_on)]
        line += [COMPETENCY_LABELS[standing][0] for standing in row.competencies]
        lines.append(line)
    return lines


def figures(found: Matrix) -> list[list]:
    """Return the figures as rows of cells: the XLSX's second sheet."""
    lines = [["Group", "Name", "Assigned", "Compliant", "Percent compliant"]]
    lines += [["Module", s.name, s.assigned, s.compliant, s.percent] for s in found.by_module]
    lines += [["Team", s.name, s.assigned, s.compliant, s.percent] for s in found.by_team]
    lines += [
        ["Competency met", s.name, s.assigned, s.compliant, s.percent] for s in found.by_competency
    ]
    return lines


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
