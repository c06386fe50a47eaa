"""The names competencies had in the framework files, kept for when they leave them.

A competency's name lives in `competencies/*.yaml`. Once a trainer takes it out, a learner's
rating of it is still listed (services/retired_ratings.py), and by its code alone it means
little. So each time the frameworks load for serving (content.serve: at start-up, and when a
development server re-reads changed files) every competency's name is recorded, in one
statement, off every request. Pages read a name only for a code no framework has now: in
the statement that lists it (`last_name`), or, on a supervisor's queue, in one statement
more when such a request waits (`names_gone`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.domain.content import Catalogue
from app.models import CompetencyName, utcnow
from app.services.upsert import insert_for_dialect

_NAMES = CompetencyName.__table__
# Rows a statement carries at most: well within SQLite's limit on bound values.
_AT_ONCE = 500


def last_name(code):
    """Return, in SQL, the name the competency with this code last had in a framework file
    (NULL: none recorded, as for one taken out before names were kept)."""
    return (
        select(_NAMES.c.name)
        .where(_NAMES.c.competency_code == code)
        .order_by(_NAMES.c.last_seen_at.desc(), _NAMES.c.first_seen_at.desc(), _NAMES.c.name)
        .limit(1)
        .scalar_subquery()
    )


def names_gone(codes: Iterable[str], catalogue: Catalogue) -> dict[str, str | None]:
    """Return the name each code no framework has now last had (None: none recorded).

    One statement, and none at all while every code is in a framework.
    """
    gone = sorted({code for code in codes if catalogue.competency(code) is None})
    if not gone:
        return {}
    names: dict[str, str | None] = dict.fromkeys(gone)
    # In last_name's order, reversed: each code's last row read is the name it last had.
    for code, name in db.session().execute(
        select(_NAMES.c.competency_code, _NAMES.c.name)
        .where(_NAMES.c.competency_code.in_(gone))
        .order_by(_NAMES.c.last_seen_at, _NAMES.c.first_seen_at, _NAMES.c.name.desc())
    ):
        names[code] = name
    return names


def record(connection: Connection, catalogue: Catalogue, now: datetime) -> None:
    """Record that every competency of the catalogue's frameworks has its name as of now.

    Idempotent, and safe when several servers start at once: a name already recorded has
    its last sighting moved on (never back), and a new one is added.
    """
    seen = sorted({(c.code, f.id, c.name) for f in catalogue.frameworks for c in f.competencies})
    insert = insert_for_dialect(connection.dialect.name)
    for start in range(0, len(seen), _AT_ONCE):
        rows = [
            {
                "competency_code": code,
                "framework_id": framework_id,
                "name": name,
                "first_seen_at": now,
                "last_seen_at": now,
            }
            for code, framework_id, name in seen[start : start + _AT_ONCE]
        ]
        statement = insert(_NAMES).values(rows)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["competency_code", "framework_id", "name"],
                set_={"last_seen_at": statement.excluded.last_seen_at},
                where=_NAMES.c.last_seen_at < statement.excluded.last_seen_at,
            )
        )


def keep(engine, catalogue: Catalogue, logger) -> None:
    """Record the catalogue's competency names in a transaction of their own.

    A database that is down, or not yet upgraded to have the table, only delays this to the
    next start: the server starts all the same, and says why the names were not recorded.
    """
    try:
        with engine.begin() as connection:
            record(connection, catalogue, utcnow())
    except SQLAlchemyError as error:
        said = " ".join(str(getattr(error, "orig", None) or error).split())
        logger.warning("The competencies' names were not recorded this time: %s", said)
