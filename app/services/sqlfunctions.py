"""Timestamps as text, which each database spells its own way; all times are stored in UTC."""

from sqlalchemy import String
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
