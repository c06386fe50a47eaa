"""One statement, many kinds of row: the branches of a UNION ALL, each naming its kind first.

Every branch fills the same typed slots (texts, numbers, reals, flags, times, days,
documents), leaving what it does not use NULL, so the branches line up on both databases.
A page that needs several tables reads them in one round trip and sorts the rows out by
kind. `branch`, `read` and `read_writing` fill the usual slots (`SLOTS`); a statement that
needs other sizes makes its own `Layout` and calls the same on it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import accumulate, pairwise
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    CompoundSelect,
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
from sqlalchemy.exc import DBAPIError

from app import db

# Each slot: its name, its type and how many columns of it a row usually has.
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
    """One row read: its kind, then each slot's columns in order (a slot may have none)."""

    kind: str
    text: tuple
    number: tuple
    real: tuple
    flag: tuple
    at: tuple
    day: tuple
    doc: tuple


class Layout:
    """How many columns of each slot every branch of one statement has (none unless given)."""

    def __init__(self, **sizes: int):
        self.slots = tuple((name, type_, sizes.pop(name, 0)) for name, type_, _ in SLOTS)
        if sizes:
            raise TypeError(f"no slot called {', '.join(sizes)}")
        ends = accumulate((size for _, _, size in self.slots), initial=1)
        # Each slot's columns of a row, as tuples (a row read is a tuple, sliced).
        self.parts = itemgetter(*(slice(start, end) for start, end in pairwise(ends)))
        # Each column's type, the kind first: how SQLite's JSON comes back to Python values.
        self.types = (
            String(),
            *(
                type_() if isinstance(type_, type) else type_
                for _, type_, size in self.slots
                for _ in range(size)
            ),
        )

    def branch(self, kind: str, **slots) -> Select:
        """Return a SELECT of the kind and the given columns per slot, typed NULLs elsewhere."""
        columns = [literal(kind)]
        for name, type_, size in self.slots:
            given = tuple(slots.pop(name, ()))
            if len(given) > size:
                raise ValueError(f"{kind}: {len(given)} {name} columns, {size} at most")
            # Typed NULLs, so every branch agrees on its columns on PostgreSQL too; the first
            # branch's types also decode the rows (times and documents on SQLite).
            columns += [*given, *(cast(null(), type_) for _ in range(size - len(given)))]
        if slots:
            raise TypeError(f"{kind}: no slot called {', '.join(slots)}")
        return select(*columns)

    def read(self, branches, **params) -> dict[str, list[Row]]:
        """Run the branches as one statement; return their rows by kind, in the order read.

        A page read often may pass its branches' UNION ALL, built once: SQLAlchemy works out
        a statement's cache key once per statement object, which for a practice page costs
        about as much CPU as the rest of its read.
        """
        if not isinstance(branches, CompoundSelect):
            branches = union_all(*branches)
        return self._by_kind(db.session().connection().execute(branches, params))

    def read_recording(self, branches, write: Insert, **params) -> tuple[dict, bool]:
        """Return `read_writing`'s rows and True; while the database only reads (a failover,
        a maintenance window), `read`'s rows and False, the write left undone.

        The write beside such a read is bookkeeping (a visit's audit event): the page is still
        shown, and the caller logs what was not recorded (db.not_written). Any other error is
        raised.
        """
        try:
            return self.read_writing(branches, write, **params), True
        except DBAPIError as error:
            if not db.refused_as_read_only(error):
                raise
            db.session().rollback()
            return self.read(branches, **params), False

    def read_writing(self, branches, write: Insert, **params) -> dict[str, list[Row]]:
        """Run the branches and an INSERT ... SELECT as one statement; return rows as `read` does.

        On PostgreSQL the insert is a WITH query of the read. SQLite has no such WITH: there
        the insert is the statement and its RETURNING hands back the rows, as one JSON array
        (each real as 17 digits, so it comes back exactly), so rows are found only when the
        insert wrote a row. Use it where the insert selects exactly when the read finds what
        matters.
        """
        connection = db.session().connection()
        everything = union_all(*branches)
        if connection.dialect.name == "postgresql":
            statement = everything.add_cte(write.returning(literal(1)).cte("written"))
            return self._by_kind(connection.execute(statement, params))
        # Each column named by its place: the typed NULLs' anonymous names would collide.
        rows = union_all(*(_numbered(branch) for branch in branches)).subquery()
        columns = [
            case((column.is_(None), None), else_=func.printf("%!.17g", column))
            if isinstance(type_, Float)
            else column
            for column, type_ in zip(rows.c, self.types, strict=True)
        ]
        # A WITH query, not a subquery of RETURNING: there SQLite's compiler names columns
        # without their tables.
        packed = select(func.json_group_array(func.json_array(*columns)).label("rows")).cte("page")
        returned = write.add_cte(packed).returning(select(packed.c.rows).scalar_subquery())
        written = connection.execute(returned, params).scalar_one_or_none()
        dialect = connection.dialect
        processors = [
            type_.dialect_impl(dialect).result_processor(dialect, None) for type_ in self.types
        ]
        unpacked = (
            tuple(
                float(value)
                if isinstance(type_, Float) and value is not None
                else process(value)
                if process is not None
                else value
                for value, type_, process in zip(values, self.types, processors, strict=True)
            )
            for values in json.loads(written or "[]")
        )
        return self._by_kind(unpacked)

    def _by_kind(self, rows) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = defaultdict(list)
        parts = self.parts  # a page may have hundreds of rows
        for row in rows:
            found[row[0]].append(Row(row[0], *parts(row)))
        return dict(found)


def _numbered(branch: Select) -> Select:
    return branch.with_only_columns(
        *(column.label(f"c{place}") for place, column in enumerate(branch.selected_columns)),
        maintain_column_froms=True,
    )


# The usual sizes, which most statements fill.
_USUAL = Layout(**{name: size for name, _, size in SLOTS})
branch, read, read_writing = _USUAL.branch, _USUAL.read, _USUAL.read_writing
read_recording = _USUAL.read_recording
