"""Timestamps as text or numbers, which each database spells its own way.

All times are stored in UTC. The days and months people read and rules count from (a
completion's day, for when a renewal falls due; a month on the dashboard's chart; a day in
a manager's download) are UK days and months, as app/domain/dates.uk_day reads them in
Python, so a page, a chart and a spreadsheet agree with the rules.

The dashboard's chart reads counts kept by triggers under the `year_month` of each
completion (migration 0048 writes the same words as this module compiles to), and a
filtered dashboard counts afresh with `year_month` itself, so both name the same month.
`iso_date` writes ISO days (YYYY-MM-DD) for the manager's downloads; `uk_date` is the same
day as a date, to compare with dates stored as dates (an assignment's due day).

`lower_case` is text in lower case, every letter, as PostgreSQL's lower() gives it: SQLite's
own lower() changes A to Z only, so "ÆRØ" would not find "Ærø" there.
"""

from sqlalchemy import Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

UK_ZONE = "Europe/London"


class year_month(GenericFunction):  # noqa: N801 (SQL functions read as lower case)
    """The 'YYYY-MM' of a timestamp's UK month, so counts by month group in the database."""

    type = String()
    inherit_cache = True


class iso_date(GenericFunction):  # noqa: N801
    """The 'YYYY-MM-DD' of a timestamp's UK day."""

    type = String()
    inherit_cache = True


# PostgreSQL formats in the session's time zone, so it is told the UK's. SQLite holds the
# text 'YYYY-MM-DD HH:MM:SS.ffffff' that SQLAlchemy wrote, read as UK time (`sqlite_uk`).
_POSTGRESQL = {year_month: "YYYY-MM", iso_date: "YYYY-MM-DD"}
_SQLITE = {year_month: "strftime('%Y-%m', {})", iso_date: "date({})"}


@compiles(year_month, "postgresql")
@compiles(iso_date, "postgresql")
def _postgresql(element, compiler, **kw):
    pattern = _POSTGRESQL[type(element)]
    moment = compiler.process(element.clauses, **kw)
    return f"to_char({moment} AT TIME ZONE '{UK_ZONE}', '{pattern}')"


@compiles(year_month, "sqlite")
@compiles(iso_date, "sqlite")
def _sqlite(element, compiler, **kw):
    return _SQLITE[type(element)].format(sqlite_uk(compiler.process(element.clauses, **kw)))


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


class uk_date(GenericFunction):  # noqa: N801
    """The UK day of a stored time, as a date."""

    type = Date()
    inherit_cache = True


@compiles(uk_date, "postgresql")
def _postgresql_uk_date(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE '{UK_ZONE}') AS DATE)"


@compiles(uk_date, "sqlite")
def _sqlite_uk_date(element, compiler, **kw):
    return f"date({sqlite_uk(compiler.process(element.clauses, **kw))})"


class lower_case(GenericFunction):  # noqa: N801
    """Text in lower case, every letter (not only A to Z), for searches in any case."""

    type = String()
    inherit_cache = True


SQLITE_LOWER_CASE = "lw_lower"  # registered on every SQLite connection (db/engines.py)


def python_lower_case(text: str | None) -> str | None:
    """Return the text in lower case, as SQLite's `lw_lower` (NULL stays NULL)."""
    return None if text is None else str(text).lower()


@compiles(lower_case, "postgresql")
def _postgresql_lower_case(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lower_case, "sqlite")
def _sqlite_lower_case(element, compiler, **kw):
    return f"{SQLITE_LOWER_CASE}({compiler.process(element.clauses, **kw)})"
