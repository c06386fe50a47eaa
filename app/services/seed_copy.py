"""Seeded rows into PostgreSQL with COPY in its binary format.

Text COPY has the driver write every value as text, and the server parse it back: for
the seeder's 300,000 rows a batch of 2,000 learners, formatting them took three quarters
of the time the seeder spent writing. Binary COPY sends each value as the server keeps it,
typed by the model's column: the same rows for a fifth of the client's time.
"""

from __future__ import annotations

import io

import psycopg
from psycopg.copy import FileWriter
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Double, Float, Integer, String

# The binary format of each kind of column, by the name psycopg knows it by. JSON goes as
# its text, already encoded by the caller: a json column's binary form is its text.
KINDS = (
    (Boolean, "bool"),
    (BigInteger, "int8"),  # before Integer: a BigInteger is an Integer too
    (Integer, "int4"),
    (Double, "float8"),
    (Float, "float8"),
    (String, "text"),
    (JSON, "text"),
)


def copy_rows(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY plain rows (JSON values as text) into the model's table, in binary."""
    if rows:
        copy_binary(connection, model, columns, binary_rows(connection, model, columns, rows))


def binary_rows(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> bytes:
    """Return plain rows as a whole binary COPY stream for the model's columns, sending nothing.

    Any process with a connection to the same server can format them (seeding's workers
    do), so the one process that writes only passes the bytes on.
    """
    table = model.__table__
    buffer = io.BytesIO()
    raw = connection.connection.driver_connection
    with (
        raw.cursor() as cursor,
        psycopg.Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy,
    ):
        copy.set_types([_kind(table.c[name].type) for name in columns])
        for row in rows:
            copy.write_row(row)
    return buffer.getvalue()


def copy_binary(connection, model, columns: tuple[str, ...], data: bytes) -> None:
    """COPY a whole binary stream made by `binary_rows` into the model's table."""
    statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(data)


def _kind(column_type) -> str:
    if isinstance(column_type, DateTime):
        return "timestamptz" if column_type.timezone else "timestamp"
    for sql_type, kind in KINDS:
        if isinstance(column_type, sql_type):
            return kind
    raise TypeError(f"no binary COPY format for a {column_type!r} column")


# The indexes, unique constraints and primary keys of the tables, as statements that make
# them again; a primary key or unique constraint a foreign key refers to stays. (A primary
# key kept during the load cost the database a third of its CPU for each COPY'd row, and
# its WAL a record per row; built once at the end, it is a sorted build of ids in order.)
_SECONDARY = """
SELECT format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.relname, c.conname,
              pg_get_constraintdef(c.oid)),
       format('ALTER TABLE %I DROP CONSTRAINT %I', t.relname, c.conname)
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
WHERE c.contype IN ('p', 'u') AND t.relname = ANY(:tables)
  AND t.relnamespace = to_regnamespace(current_schema())
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
UNION ALL
SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %I', x.relname)
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
WHERE NOT i.indisprimary AND t.relname = ANY(:tables)
  AND t.relnamespace = to_regnamespace(current_schema())
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                  AND (c.conrelid = i.indrelid OR c.contype = 'f'))
"""


def drop_secondary_indexes(connection, tables: list[str]) -> list[str]:
    """Drop the tables' indexes and key constraints no foreign key needs; return what remakes them.

    For a bulk load into empty tables, in the transaction that loads them: building an
    index once from the loaded rows costs far less than keeping it up to date row by row,
    and if the load fails the drops roll back with it.
    """
    from sqlalchemy import text

    found = connection.execute(text(_SECONDARY), {"tables": tables}).all()
    for _, drop in found:
        connection.exec_driver_sql(drop)
    return [make for make, _ in found]
