"""SQL expressions each database spells its own way."""

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class year_month(GenericFunction):  # noqa: N801 (SQL functions read as lower case)
    """The 'YYYY-MM' of a timestamp, so counts by month group in the database."""

    type = String()
    inherit_cache = True


@compiles(year_month, "postgresql")
def _year_month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM')"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


class iso_date(GenericFunction):  # noqa: N801
    """The 'YYYY-MM-DD' (UTC) of a timestamp, as text."""

    type = String()
    inherit_cache = True


@compiles(iso_date, "postgresql")
def _iso_date_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@compiles(iso_date, "sqlite")
def _iso_date_sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"
