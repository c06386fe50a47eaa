"""INSERT ... ON CONFLICT, and many rows in one INSERT, for whichever database is in use."""

from collections.abc import Mapping, Sequence

from sqlalchemy import ARRAY, Connection, Float, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def insert_for(session: Session):
    """Return the dialect's insert(), which offers on_conflict_do_nothing/do_update."""
    return insert_for_dialect(session.get_bind().dialect.name)


def insert_for_dialect(name: str):
    """Return the insert() of the dialect with this name ("postgresql" or "sqlite")."""
    return _INSERTS[name]


_ARRAY_INSERTS: dict = {}


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping]) -> None:
    """Insert rows (each with the same keys) into table in one statement.

    On PostgreSQL, one INSERT ... SELECT unnest(...) with one array per column: the server
    runs one statement, not one per row as an executemany would. Elsewhere, an executemany.
    The statement is built once for each table and set of columns.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    key = (table.name, columns)
    statement = _ARRAY_INSERTS.get(key)
    if statement is None:
        arrays = [func.unnest(bindparam(c, type_=ARRAY(table.c[c].type))) for c in columns]
        statement = _ARRAY_INSERTS[key] = insert(table).from_select(columns, select(*arrays))
    connection.execute(
        statement,
        {
            c: floats([row[c] for row in rows])
            if isinstance(table.c[c].type, Float)
            else [row[c] for row in rows]
            for c in columns
        },
    )


def floats(values: Sequence) -> list:
    """Return numbers as floats (None stays None): an array's elements share one type."""
    return [None if value is None else float(value) for value in values]
