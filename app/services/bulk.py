"""Plain rows into a table fast: COPY on PostgreSQL, the driver's executemany on SQLite."""

from datetime import datetime


def bulk_insert(connection, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL, one Core executemany elsewhere."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    # The DB-API's own executemany: SQLAlchemy's would convert every value in Python first.
    placeholders = ", ".join("?" * len(columns))
    connection.connection.driver_connection.executemany(
        f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) VALUES ({placeholders})",
        ([_sqlite_value(value) for value in row] for row in rows),
    )


def _sqlite_value(value):
    """Return the value as SQLAlchemy stores it in SQLite (datetimes as its text format)."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S.%f}"
    return value
