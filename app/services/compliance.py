"""The compliance matrix: learners x assigned modules, with the share compliant per module and team.

Worked out on the day asked from assignments and completions (see domain/assignments.py).
The page, the CSV and the XLSX all come from one `matrix()` call with the same filters, so a
download holds exactly the rows and figures of the filtered page (every page of it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import select

from app import db
from app.domain import assignments as rules
from app.domain.accounts import PROFESSIONS
from app.domain.content import Catalogue
from app.models import User, utcnow
from app.models_teams import Team, TeamMember
from app.services.assignments import completion_dates, learner_rules
from app.services.compliance_competencies import COUNTED, NOT_APPLICABLE, cells_for, standings
from app.services.compliance_competencies import LABELS as COMPETENCY_LABELS
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
    rows: tuple[Row, ...]
    by_module: tuple[Share, ...]
    by_team: tuple[Share, ...]
    day: date
    page: int = 1
    pages: int = 1
    shown: tuple[Row, ...] = field(default=())
    competencies: tuple[tuple[str, str], ...] = ()  # (code, name) of each competency column
    by_competency: tuple[Share, ...] = ()


def matrix(
    scope: Scope,
    catalogue: Catalogue,
    filters: Filters,
    day: date,
    page: int | None = 1,
    now: datetime | None = None,
) -> Matrix:
    """Return the matrix for the filters on a day; page=None keeps every row (exports)."""
    session = db.session()
    where = [in_scope(scope)]
    if filters.team_id is not None:
        where.append(TeamMember.team_id == filters.team_id)
    if filters.profession:
        where.append(User.profession == filters.profession)
    learners = session.execute(
        select(User.id, User.full_name, User.email, User.profession, TeamMember.team_id, Team.name)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(*where)
        .order_by(User.full_name, User.id)
    ).all()
    bound = learner_rules(
        scope.organisation_id, [(r.id, r.team_id, r.profession) for r in learners]
    )
    assigned = {rule.module_slug for found in bound.values() for rule in found}
    modules = tuple((m.slug, m.title) for m in catalogue.modules if m.slug in assigned)
    chosen = select(User.id).outerjoin(TeamMember, TeamMember.user_id == User.id).where(*where)
    done = completion_dates(User.id.in_(chosen), catalogue) if learners else {}
    framework = catalogue.framework(filters.framework_id) if filters.framework_id else None
    codes = tuple(c.code for c in framework.competencies) if framework else ()
    found = standings(scope.organisation_id, {r.id for r in learners}, codes, now or utcnow())
    rows = []
    for learner in learners:
        mine = {rule.module_slug: rule for rule in bound[learner.id]}
        cells = tuple(
            _standing(mine[slug], done.get((learner.id, slug)), day) if slug in mine else None
            for slug, _ in modules
        )
        if filters.status and filters.status not in {_status(c) for c in cells}:
            continue
        rows.append(
            Row(
                learner.id,
                learner.full_name,
                learner.email,
                PROFESSIONS.get(learner.profession, learner.profession),
                learner.name or NO_TEAM,
                cells,
                cells_for(framework, codes, found, learner.id, learner.profession)
                if framework
                else (),
            )
        )
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = None if page is None else min(max(page, 1), pages)
    shown = rows if page is None else rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    return Matrix(
        modules,
        tuple(rows),
        _shares(rows, [(i, title) for i, (_, title) in enumerate(modules)], by="module"),
        _shares(rows, sorted({r.team for r in rows}), by="team"),
        day,
        page or 1,
        pages,
        tuple(shown),
        tuple((c.code, c.name) for c in framework.competencies) if framework else (),
        _competency_shares(rows, codes),
    )


@lru_cache(maxsize=16384)
def _standing(rule: rules.Rule, completed_on: date | None, day: date) -> rules.Standing:
    # Thousands of learners share a rule and a completion day (or none): each pair once.
    return rules.standing(rule, completed_on, day)


def _competency_shares(rows: list[Row], codes: list[str]) -> tuple[Share, ...]:
    found = []
    for index, code in enumerate(codes):
        cells = [row.competencies[index] for row in rows]
        cells = [cell for cell in cells if cell != NOT_APPLICABLE]
        found.append(Share(code, len(cells), sum(cell in COUNTED for cell in cells)))
    return tuple(found)


def _status(cell: rules.Standing | None) -> str:
    return rules.NOT_ASSIGNED if cell is None else cell.status


def _shares(rows: list[Row], groups, *, by: str) -> tuple[Share, ...]:
    found = []
    for group in groups:
        if by == "module":
            index, name = group
            cells = [row.cells[index] for row in rows]
        else:
            name = group
            cells = [cell for row in rows if row.team == group for cell in row.cells]
        cells = [cell for cell in cells if cell is not None]
        found.append(Share(name, len(cells), sum(cell.compliant for cell in cells)))
    return tuple(found)


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
