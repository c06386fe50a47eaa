"""One statement, many kinds of row: the branches of a UNION ALL, each naming its kind first.

Every branch fills the same typed slots (texts, numbers, reals, flags, times, days,
documents), leaving what it does not use NULL, so the branches line up on both databases.
A page that needs several tables reads them in one round trip and sorts the rows out by
kind.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Insert,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from app import db

# Each slot: its name, its type and how many columns of it a row has.
SLOTS = (
    ("text", String, 6),
    ("number", Integer, 3),
    ("real", Float, 2),
    ("flag", Boolean, 2),
    ("at", DateTime(timezone=True), 3),
    ("day", Date, 1),
    ("doc", JSON, 2),
)


class Row(NamedTuple):
    """One row of a learner's rows: its kind, then each slot's columns in order."""

    kind: str
    text: tuple
    number: tuple
    real: tuple
    flag: tuple
    at: tuple
    day: tuple
    doc: tuple


def branch(kind: str, **slots) -> Select:
    """Return a SELECT of the kind and the given columns per slot, typed NULLs elsewhere."""
    return _branch(SLOTS, kind, slots)


def _branch(layout, kind: str, slots: dict) -> Select:
    columns = [literal(kind)]
    for name, type_, size in layout:
        given = tuple(slots.pop(name, ()))
        if len(given) > size:
            raise ValueError(f"{kind}: {len(given)} {name} columns, {size} at most")
        # Typed NULLs, so every branch agrees on its columns on PostgreSQL too; the first
        # branch's types also decode the rows (times and documents on SQLite).
        columns += [*given, *(cast(null(), type_) for _ in range(size - len(given)))]
    if slots:
        raise TypeError(f"{kind}: no slot called {', '.join(slots)}")
    return select(*columns)


def read(branches, **params) -> dict[str, list[Row]]:
    """Run the branches as one statement; return their rows by kind, in the order read."""
    return _by_kind(db.session().connection().execute(union_all(*branches), params))


def read_writing(branches, write: Insert, **params) -> dict[str, list[Row]]:
    """Run the branches and an INSERT ... SELECT as one statement; return rows as `read` does.

    On PostgreSQL the insert is a WITH query of the read. SQLite has no such WITH: there the
    insert is the statement and its RETURNING hands back the rows, as one JSON array (each
    real as 17 digits, so it comes back exactly), so rows are found only when the insert
    wrote a row. Use it where the insert selects exactly when the read finds what matters.
    """
    connection = db.session().connection()
    everything = union_all(*branches)
    if connection.dialect.name == "postgresql":
        statement = everything.add_cte(write.returning(literal(1)).cte("written"))
        return _by_kind(connection.execute(statement, params))
    # Each column named by its place: the typed NULLs' anonymous names would collide.
    rows = union_all(*(_numbered(branch) for branch in branches)).subquery()
    columns = [
        case((column.is_(None), None), else_=func.printf("%!.17g", column))
        if isinstance(type_, Float)
        else column
        for column, type_ in zip(rows.c, _TYPES, strict=True)
    ]
    # A WITH query, not a subquery of RETURNING: there SQLite's compiler names columns
    # without their tables.
    packed = select(func.json_group_array(func.json_array(*columns)).label("rows")).cte("page")
    returned = write.add_cte(packed).returning(select(packed.c.rows).scalar_subquery())
    written = connection.execute(returned, params).scalar_one_or_none()
    dialect = connection.dialect
    processors = [type_.dialect_impl(dialect).result_processor(dialect, None) for type_ in _TYPES]
    unpacked = (
        [
            float(value)
            if isinstance(type_, Float) and value is not None
            else process(value)
            if process is not None
            else value
            for value, type_, process in zip(values, _TYPES, processors, strict=True)
        ]
        for values in json.loads(written or "[]")
    )
    return _by_kind(unpacked)


def _numbered(branch: Select) -> Select:
    return branch.with_only_columns(
        *(column.label(f"c{place}") for place, column in enumerate(branch.selected_columns)),
        maintain_column_froms=True,
    )


def _by_kind(rows, layout=SLOTS) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(_row(row, layout))
    return found


# Each column's type, the kind first: how SQLite's JSON comes back to Python values.
_TYPES = (
    String(),
    *(
        type_() if isinstance(type_, type) else type_
        for _, type_, size in SLOTS
        for _ in range(size)
    ),
)


def _row(values, layout=SLOTS) -> Row:
    parts, start = [values[0]], 1
    for _, _, size in layout:
        parts.append(tuple(values[start : start + size]))
        start += size
    return Row(*parts)


class Layout:
    """A reader's own number of columns per slot, for rows that need more of one kind (or
    fewer) than SLOTS gives every reader: `Layout(text=2, real=5)` has no other columns.

    Its `branch` and `read` work as the module's; the branches of one statement share one
    layout, and its rows are `Row`s with an empty tuple for a slot it leaves out.
    """

    def __init__(self, **sizes: int):
        unknown = sizes.keys() - {name for name, _, _ in SLOTS}
        if unknown:
            raise TypeError(f"no slot called {', '.join(sorted(unknown))}")
        self.slots = tuple((name, type_, sizes.get(name, 0)) for name, type_, _ in SLOTS)

    def branch(self, kind: str, **slots) -> Select:
        """Return a SELECT of the kind and the given columns per slot, typed NULLs elsewhere."""
        return _branch(self.slots, kind, slots)

    def read(self, branches, **params) -> dict[str, list[Row]]:
        """Run the branches as one statement; return their rows by kind, in the order read."""
        rows = db.session().connection().execute(union_all(*branches), params)
        return _by_kind(rows, self.slots)
