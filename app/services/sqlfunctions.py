"""Timestamps as text or numbers, which each database spells its own way.

All times are stored in UTC. The days that rules count from (a completion's day, for when
a renewal falls due) are UK days, as app/domain/dates.uk_day reads them in Python, so a
page and a spreadsheet agree with the rules (`month_number`, `day_of_month`).

Months on the dashboard's chart (`year_month`) stay UTC months: the counts the dashboard
reads are kept by triggers (migrations 0017, 0020, 0027, 0036) under a UTC 'YYYY-MM', and
a filtered dashboard counts afresh with this function, so both must say the same month.
Counting them by UK month needs a migration to rewrite those triggers and recount; until
then a pass in the hour before midnight UTC on a month's last day in summer (just after
midnight BST, the 1st) counts in the month before. `iso_date` writes ISO days for the
downloads, which keep UTC.
"""

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

UK_ZONE = "Europe/London"


class year_month(GenericFunction):  # noqa: N801 (SQL functions read as lower case)
    """The 'YYYY-MM' of a timestamp in UTC, so counts by month group in the database."""

    type = String()
    inherit_cache = True


class iso_date(GenericFunction):  # noqa: N801
    """The 'YYYY-MM-DD' of a timestamp in UTC."""

    type = String()
    inherit_cache = True


# PostgreSQL formats in the session's time zone, so it is told UTC. SQLite holds the text
# 'YYYY-MM-DD HH:MM:SS.ffffff' that SQLAlchemy wrote.
_POSTGRESQL = {year_month: "YYYY-MM", iso_date: "YYYY-MM-DD"}
_SQLITE = {year_month: "strftime('%Y-%m', {})", iso_date: "substr({}, 1, 10)"}


@compiles(year_month, "postgresql")
@compiles(iso_date, "postgresql")
def _postgresql(element, compiler, **kw):
    pattern = _POSTGRESQL[type(element)]
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', '{pattern}')"


@compiles(year_month, "sqlite")
@compiles(iso_date, "sqlite")
def _sqlite(element, compiler, **kw):
    return _SQLITE[type(element)].format(compiler.process(element.clauses, **kw))


class month_number(GenericFunction):  # noqa: N801
    """A timestamp's UK month counted from year 0 (year * 12 + month): months between two
    timestamps are the difference of their numbers."""

    type = Integer()
    inherit_cache = True


class day_of_month(GenericFunction):  # noqa: N801
    """A timestamp's UK day of the month (1 to 31)."""

    type = Integer()
    inherit_cache = True


@compiles(month_number, "postgresql")
def _postgresql_month(element, compiler, **kw):
    moment = f"({compiler.process(element.clauses, **kw)} AT TIME ZONE '{UK_ZONE}')"
    return f"CAST(EXTRACT(YEAR FROM {moment}) * 12 + EXTRACT(MONTH FROM {moment}) AS INTEGER)"


@compiles(day_of_month, "postgresql")
def _postgresql_day(element, compiler, **kw):
    moment = f"({compiler.process(element.clauses, **kw)} AT TIME ZONE '{UK_ZONE}')"
    return f"CAST(EXTRACT(DAY FROM {moment}) AS INTEGER)"


def sqlite_uk(moment: str) -> str:
    """Return SQLite's expression for a stored UTC time as UK clock time.

    SQLite knows no zones, so the UK's rule is spelled out: BST, an hour ahead, from 01:00
    UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (the first
    Sunday on or after the 25th), as it has been since 1996.
    """
    year = f"substr({moment}, 1, 4)"
    starts = f"date({year} || '-03-25', 'weekday 0') || ' 01:00:00'"
    ends = f"date({year} || '-10-25', 'weekday 0') || ' 01:00:00'"
    summer = f"{moment} >= {starts} AND {moment} < {ends}"
    return f"datetime({moment}, CASE WHEN {summer} THEN '+1 hours' ELSE '+0 hours' END)"


@compiles(month_number, "sqlite")
def _sqlite_month(element, compiler, **kw):
    moment = sqlite_uk(compiler.process(element.clauses, **kw))
    return (
        f"(CAST(strftime('%Y', {moment}) AS INTEGER) * 12"
        f" + CAST(strftime('%m', {moment}) AS INTEGER))"
    )


@compiles(day_of_month, "sqlite")
def _sqlite_day(element, compiler, **kw):
    moment = sqlite_uk(compiler.process(element.clauses, **kw))
    return f"CAST(strftime('%d', {moment}) AS INTEGER)"
