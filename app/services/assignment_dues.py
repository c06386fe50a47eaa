"""A learner's own due date under an assignment, in Python and in SQL alike.

A learner who joins a team after one of its assignments fell due is given the time the
assignment gave everyone, from the day they joined (domain/assignments.own_due). Their
team membership says when they joined (`TeamMember.joined_at`, set afresh on every move).
Assignments to everyone, to a profession or to a named learner keep their own date: when
a learner joined the organisation or changed profession is not recorded on their account.

`own_due` (Python: reminders, the matrix's reference loop) and `own_due_sql` (the
compliance matrix, the learner's own pages, the manager's learner page) give the same day;
tests/web/test_joiner_dues.py compares them on both databases, around the UK's midnight.
"""

from datetime import date, datetime

from sqlalchemy import Date, and_, case
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from app.domain import assignments as rules
from app.domain.dates import in_utc, uk_day
from app.models_assignments import Assignment
from app.services.sqlfunctions import UK_ZONE, sqlite_uk


def own_due(
    team_id: int | None, due_on: date, assigned_at: datetime, joined_at: datetime | None
) -> date:
    """Return the learner's due date under an assignment row, given when they joined their
    team (None for no team)."""
    joined_on = None if team_id is None or joined_at is None else uk_day(in_utc(joined_at))
    return rules.own_due(due_on, uk_day(in_utc(assigned_at)), joined_on)


class uk_date(GenericFunction):  # noqa: N801 (SQL functions read as lower case)
    """The UK day of a stored time, as a date."""

    type = Date()
    inherit_cache = True


class after_window(GenericFunction):  # noqa: N801
    """after_window(start, due, set): `start` plus the days from `set` to `due` (none when
    `due` is before `set`), as a date."""

    type = Date()
    inherit_cache = True


@compiles(uk_date, "postgresql")
def _postgresql_day(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE '{UK_ZONE}') AS DATE)"


@compiles(uk_date, "sqlite")
def _sqlite_day(element, compiler, **kw):
    return f"date({sqlite_uk(compiler.process(element.clauses, **kw))})"


@compiles(after_window, "postgresql")
def _postgresql_window(element, compiler, **kw):
    start, due, set_on = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({start} AS DATE) + GREATEST(0, CAST({due} AS DATE) - CAST({set_on} AS DATE)))"


@compiles(after_window, "sqlite")
def _sqlite_window(element, compiler, **kw):
    start, due, set_on = (compiler.process(c, **kw) for c in element.clauses)
    return f"date(julianday({start}) + max(0, julianday({due}) - julianday({set_on})))"


def own_due_sql(joined_on, table=Assignment):
    """Return the SQL for the learner's due date under an assignment row of `table`, given
    the SQL of the UK day they joined their team (`uk_date(TeamMember.joined_at)`; NULL for
    none), as `own_due` works it out."""
    set_on = uk_date(table.assigned_at)
    later = and_(table.team_id.is_not(None), joined_on > table.due_on, joined_on > set_on)
    return case((later, after_window(joined_on, table.due_on, set_on)), else_=table.due_on)
