"""One statement, many kinds of row: the branches of a UNION ALL, each naming its kind first.

Every branch fills the same typed slots (texts, numbers, reals, flags, times, days,
documents), leaving what it does not use NULL, so the branches line up on both databases.
A page that needs several tables reads them in one round trip and sorts the rows out by
kind.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    String,
    cast,
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
    ("real", Float, 1),
    ("flag", Boolean, 2),
    ("at", DateTime(timezone=True), 3),
    ("day", Date, 1),
    ("doc", JSON, 1),
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
    columns = [literal(kind)]
    for name, type_, size in SLOTS:
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
    found: dict[str, list[Row]] = {}
    for row in db.session().connection().execute(union_all(*branches), params):
        found.setdefault(row[0], []).append(_row(row))
    return found


def _row(values) -> Row:
    parts, start = [values[0]], 1
    for _, _, size in SLOTS:
        parts.append(tuple(values[start : start + size]))
        start += size
    return Row(*parts)
