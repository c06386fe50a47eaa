"""Timestamps as text, which each database spells its own way; all times are stored in UTC."""

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class year_month(GenericFunction):  # noqa: N801 (SQL functions read as lower case)
    """The 'YYYY-MM' of a timestamp, so counts by month group in the database."""

    type = String()
    inherit_cache = True


class iso_date(GenericFunction):  # noqa: N801
    """The 'YYYY-MM-DD' of a timestamp."""

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
    """A timestamp's month counted from year 0 (year * 12 + month), in UTC: months between
    two timestamps are the difference of their numbers."""

    type = Integer()
    inherit_cache = True


class day_of_month(GenericFunction):  # noqa: N801
    """A timestamp's day of the month (1 to 31), in UTC."""

    type = Integer()
    inherit_cache = True


@compiles(month_number, "postgresql")
def _postgresql_month(element, compiler, **kw):
    moment = f"({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')"
    return f"CAST(EXTRACT(YEAR FROM {moment}) * 12 + EXTRACT(MONTH FROM {moment}) AS INTEGER)"


@compiles(day_of_month, "postgresql")
def _postgresql_day(element, compiler, **kw):
    moment = f"({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')"
    return f"CAST(EXTRACT(DAY FROM {moment}) AS INTEGER)"


@compiles(month_number, "sqlite")
def _sqlite_month(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%Y', {moment}) AS INTEGER) * 12"
        f" + CAST(strftime('%m', {moment}) AS INTEGER))"
    )


@compiles(day_of_month, "sqlite")
def _sqlite_day(element, compiler, **kw):
    return f"CAST(strftime('%d', {compiler.process(element.clauses, **kw)}) AS INTEGER)"
