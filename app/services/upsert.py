"""INSERT ... ON CONFLICT, and many rows in one INSERT, for whichever database is in use."""

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Connection,
    Table,
    Text,
    bindparam,
    cast,
    column,
    func,
    insert,
    select,
)
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


_RECORDSET_INSERTS: dict = {}


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping]) -> None:
    """Insert rows (each with the same keys) into table in one statement.

    On PostgreSQL, one INSERT ... SELECT from json_to_recordset: the rows travel as one JSON
    parameter, so the server runs one statement (not one per row, as an executemany would)
    and the driver adapts one string instead of every value. Elsewhere, an executemany.
    The statement is built once for each table and set of columns.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    key = (table.name, columns)
    statement = _RECORDSET_INSERTS.get(key)
    if statement is None:
        statement = _RECORDSET_INSERTS[key] = insert(table).from_select(
            columns, json_records(table, columns)
        )
    connection.execute(statement, {"rows": json_rows(rows)})


def json_records(
    table: Table, columns: Sequence[str], name: str = "rows", shared: Mapping[str, str] = {}
):
    """Return SELECT of the columns from the JSON array bound as `name` (PostgreSQL).

    `shared` maps the columns every row has the same value in to the parameter that binds
    it once: the JSON then carries only the others (shared_values and own_values split
    rows so), which is less to encode in Python and to parse in the database.
    """
    own = [c for c in columns if c not in shared]
    records = json_recordset(name, *(column(c, table.c[c].type) for c in own))
    return select(
        *(
            bindparam(shared[c], type_=table.c[c].type) if c in shared else records.c[c]
            for c in columns
        )
    )


def json_recordset(parameter: str, *columns, name: str | None = None):
    """Return the rows of the JSON array bound as `parameter`, as a table (PostgreSQL).

    Each column (a `column(name, type)`) is read from the objects' key of that name; the
    table is called `name` (the parameter's name if none is given).
    """
    return (
        func.json_to_recordset(cast(bindparam(parameter, type_=Text), JSON))
        .table_valued(*columns)
        .render_derived(name=name or parameter, with_types=True)
    )


def shared_values(rows: Sequence[Mapping], shared: Mapping[str, str]) -> dict:
    """Return the parameters binding the columns all rows share (json_records' `shared`)."""
    first = rows[0]
    for row in rows:
        for c in shared:
            if row[c] != first[c]:
                raise ValueError(f"rows differ in {c}, which json_records binds once")
    return {parameter: first[c] for c, parameter in shared.items()}


def own_values(rows: Sequence[Mapping], shared: Mapping[str, str]) -> str:
    """Return the rows without the columns they share, as json_rows encodes them.

    Every row has the first row's columns (rows of one table, built alike), and there is a
    first row, as shared_values needs.
    """
    own = [column for column in rows[0] if column not in shared]
    return json_rows([{column: row[column] for column in own} for row in rows])


def json_rows(rows: Sequence[Mapping]) -> str:
    """Return rows as a JSON array of objects, times in ISO 8601 (as PostgreSQL reads them)."""
    return json.dumps(rows, default=_iso, separators=(",", ":"))


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")
