"""A learner's own due date under an assignment, in Python and in SQL alike.

A learner who comes under an assignment after it fell due is given the time the assignment
gave everyone, from the day they came under it (domain/assignments.own_due): the day they
joined its team (`TeamMember.joined_at`, set afresh on every move), or for an assignment to
everyone in the organisation the day they joined it (`User.organisation_joined_at`), and
for one to a profession the day they took it if later (`User.profession_since`; the rule
is domain/assignments.came_under). An assignment to a named learner keeps its own date.

`own_due` (Python: reminders, the matrix's reference loop) and `own_due_sql` (the
compliance matrix, the learner's own pages, the manager's learner page) give the same day;
tests/web/test_joiner_dues_sql.py and test_org_joiner_dues_sql.py compare them on both
databases, around the UK's midnight.
"""

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, and_, case, null, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from app.domain import assignments as rules
from app.domain.dates import in_utc, uk_day
from app.models_assignments import Assignment
from app.services.sqlfunctions import uk_date


class Came(NamedTuple):
    """When a learner joined their team and organisation and took their profession: times
    (`own_due`), or the SQL of their UK days (`own_due_sql`); None or NULL where unknown."""

    team: Any = None
    organisation: Any = None
    profession: Any = None


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else uk_day(in_utc(moment))


def own_due(row, came: Came) -> date:
    """Return the learner's due date under an assignment row (team_id, profession, user_id,
    due_on, assigned_at), given when they joined and took what it names (`came`: times)."""
    came_on = rules.came_under(
        team_id=row.team_id,
        profession=row.profession,
        user_id=row.user_id,
        team_on=_day(came.team),
        organisation_on=_day(came.organisation),
        profession_on=_day(came.profession),
    )
    return rules.own_due(row.due_on, _day(row.assigned_at), came_on)


class after_window(GenericFunction):  # noqa: N801 (SQL functions read as lower case)
    """after_window(start, due, set): `start` plus the days from `set` to `due` (none when
    `due` is before `set`), as a date."""

    type = Date()
    inherit_cache = True


@compiles(after_window, "postgresql")
def _postgresql_window(element, compiler, **kw):
    start, due, set_on = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({start} AS DATE) + GREATEST(0, CAST({due} AS DATE) - CAST({set_on} AS DATE)))"


@compiles(after_window, "sqlite")
def _sqlite_window(element, compiler, **kw):
    start, due, set_on = (compiler.process(c, **kw) for c in element.clauses)
    return f"date(julianday({start}) + max(0, julianday({due}) - julianday({set_on})))"


def came_sql(came: Came, table=Assignment):
    """Return the SQL of the UK day the learner came under an assignment row of `table`, as
    `rules.came_under` works it out from `came` (the SQL of the three days)."""
    came = Came(*(null() if day is None else day for day in came))
    base = case(
        (table.user_id.is_not(None), null()),
        (table.team_id.is_not(None), came.team),
        else_=came.organisation,
    )
    later = and_(
        table.user_id.is_(None),
        table.profession.is_not(None),
        or_(base.is_(None), came.profession > base),
    )
    return case((later, came.profession), else_=base)


def own_due_sql(came: Came, table=Assignment):
    """Return the SQL for the learner's due date under an assignment row of `table`, given
    the SQL of the UK days they joined their team and organisation and took their
    profession (`uk_date(TeamMember.joined_at)` and so on; NULL, or None, for none), as
    `own_due` works it out."""
    came_on = came_sql(came, table)
    set_on = uk_date(table.assigned_at)
    later = and_(came_on > table.due_on, came_on > set_on)
    return case((later, after_window(came_on, table.due_on, set_on)), else_=table.due_on)
