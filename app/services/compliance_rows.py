"""What the compliance matrix holds: its rows and shares, and the same as tables for downloads.

`compliance.matrix` reads them in one statement; `matrix_rows` builds each learner's row
(their standing in every assigned module on the day asked, and their competency ratings),
and `table` and `figures` lay the matrix out as the CSV's and the XLSX's rows of cells.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from app.domain import assignments as rules
from app.domain import dates
from app.domain.accounts import PROFESSIONS
from app.domain.dates import uk_day
from app.services.assignment_rows import offered
from app.services.compliance_competencies import LABELS as COMPETENCY_LABELS
from app.services.compliance_competencies import cells_for
from app.services.retired_held import NOT_RECORDED, Held, Retired, in_words


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
    # What they hold in each retired column (None: nothing), counted in no figure.
    retired: tuple[Held | None, ...] = ()
    # Since when the mail server has refused their reminder emails (None: it does not).
    failing_since: datetime | None = None
    last_sent: datetime | None = None  # when it last took a reminder to them (None: never)
    reminders_off: bool = False  # they asked for no reminder emails

    @property
    def reminders_failing(self) -> bool:
        """Say whether the mail server refuses their reminder emails now."""
        return self.failing_since is not None


@dataclass(frozen=True)
class Share:
    """How many of the assigned are compliant."""

    name: str
    assigned: int
    compliant: int

    @property
    def percent(self) -> int | None:
        """Return the share compliant, rounded to a whole percentage; None when no one is
        counted (0 of 0 is no share at all, not 0%)."""
        return round(self.compliant * 100 / self.assigned) if self.assigned else None


@dataclass(frozen=True)
class Matrix:
    """The filtered matrix and its figures."""

    # (slug, title) of every module assigned: those in the course, in its order, then those
    # no longer offered (by slug), which `by_module` leaves out: it counts the first ones.
    modules: tuple[tuple[str, str], ...]
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
    teams: tuple = ()  # the teams the manager sees (TeamRow), when asked for
    no_longer_offered: tuple[str, ...] = ()  # titles of the modules assigned gone from the course
    # (code, name it last had) of each competency no framework has now that a learner listed
    # holds a rating or confirmation in: columns after the framework's, counted in nothing.
    retired: tuple[tuple[str, str | None], ...] = ()
    # Learners counted whose reminder emails the mail server refuses (reminder_failures.py),
    # and the first few of them by name (on a page only).
    reminders_failing: int = 0
    failing_named: tuple = ()


def matrix_rows(found, catalogue, framework, modules, day, codes, retired: Retired | None = None):
    """Build the rows of the learners read, in their order by name: cells, competencies and
    what they hold in `retired` competencies."""
    retired = retired or Retired()
    people = sorted(found.get("person", ()), key=lambda row: row.number[1])
    if not people:
        return ()
    cells = {}
    for row in found.get("cell", ()):
        (slug,), (user_id, renew_months, _), (due_on,), at = (
            row.text[:1],
            row.number,
            row.day,
            row.at[0],
        )
        rule = rules.Rule(slug, due_on, renew_months)
        cells[user_id, slug] = _standing(rule, _day(at), day, offered(slug, catalogue))
    ids = {row.number[0] for row in people}
    rated = {
        (row.number[0], row.text[0]): row.text[1]
        for row in found.get("rating", ())
        if row.number[0] in ids
    }
    return tuple(
        Row(
            user_id,
            name,
            email,
            PROFESSIONS.get(profession, profession),
            team,
            tuple(cells.get((user_id, slug)) for slug, _ in modules),
            cells_for(framework, codes, rated, user_id, profession) if framework else (),
            tuple(retired.held.get(user_id, {}).get(code) for code, _ in retired.columns),
            *row.at[:2],
            bool(row.flag[0]),
        )
        for row in people
        for (name, email, profession, team), user_id in [(row.text[:4], row.number[0])]
    )


def _day(moment) -> date | None:
    if moment is None:
        return None
    return uk_day(moment)


@lru_cache(maxsize=16384)
def _standing(rule: rules.Rule, completed_on: date | None, day: date, in_course: bool):
    # Thousands of learners share a rule and a completion day (or none): each pair once.
    # The rule of assignment_standings.standing_in, with what it reads passed in (to cache by).
    return rules.standing(rule, completed_on, day, offered=in_course)


def table(found: Matrix) -> list[list]:
    """Return the matrix as rows of cells: the CSV and the XLSX's first sheet."""
    header = ["Learner", "Email", "Profession", "Team", "Reminder emails"]
    for _, title in found.modules:
        header += [f"{title}: {name}" for name in _MODULE_COLUMNS]
    header += [f"{code} {name}" for code, name in found.competencies]
    header += [
        f"{code} {name or NOT_RECORDED} (retired: no longer in any framework, not counted)"
        for code, name in found.retired
    ]
    lines = [header]
    for row in found.rows:
        line = [row.name, row.email, row.profession, row.team, _reminders(row)]
        for cell in row.cells:
            line += _module_cells(cell)
        line += [COMPETENCY_LABELS[standing][0] for standing in row.competencies]
        line += [in_words(held) for held in row.retired]
        lines.append(line)
    return lines


# A module's columns. As on the page, "due" is the date the assignment asks for a module not
# yet completed; "renew by", when it asks again for one completed (passed: expired).
_MODULE_COLUMNS = ("status", "due", "renew by", "completed")


def _module_cells(cell: rules.Standing | None) -> list:
    """Return a learner's cells in one module's columns (empty: no such date)."""
    if cell is None:
        return [rules.LABELS[rules.NOT_ASSIGNED][0], "", "", ""]
    due_on = cell.due_on or ""
    # Dates as dates: the CSV writes them YYYY-MM-DD, the XLSX as date cells.
    if cell.completed_on is None:
        return [cell.label, due_on, "", ""]
    return [cell.label, "", due_on, cell.completed_on]


def _reminders(row: Row) -> str:
    """Return the Reminder emails cell: since when the mail server has refused them, else
    whether they turned them off and when one was last sent ("None sent": never).

    Sent is what Linkwise knows: the mail server took it. A bounce that comes back later
    is not seen, so no cell says a reminder was delivered or read."""
    if row.failing_since:
        return f"Not delivered since {dates.day(row.failing_since)}"
    sent = dates.day(row.last_sent) if row.last_sent else None
    if row.reminders_off:
        said = "Turned off by the learner"
        return f"{said}; last sent on {sent}" if sent else f"None sent: {said.lower()}"
    return f"Last sent on {sent}" if sent else "None sent"


def figures(found: Matrix) -> list[list]:
    """Return the figures as rows of cells: the XLSX's second sheet."""
    lines = [["Group", "Name", "Assigned", "Compliant", "Percent compliant"]]
    lines += [["Module", s.name, s.assigned, s.compliant, s.percent] for s in found.by_module]
    lines += [["Team", s.name, s.assigned, s.compliant, s.percent] for s in found.by_team]
    lines += [
        ["Competency met", s.name, s.assigned, s.compliant, s.percent] for s in found.by_competency
    ]
    return lines
