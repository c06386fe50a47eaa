"""The names competencies had in the framework files, kept for when they leave them.

A competency's name lives in `competencies/*.yaml`. Once a trainer takes it out, a learner's
rating of it is still listed (services/retired_ratings.py), and by its code alone it means
little. So each time the frameworks load for serving (content.serve: at start-up, and when a
development server re-reads changed files) every competency's name is recorded, in one
statement (on SQLite, one run for each name), off every request. Pages read a name only for
a code no framework has now: in the statement that lists it (`last_name`), or, on a
supervisor's queue, in one statement more when such a request waits (`names_gone`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from app import db
from app.domain.content import Catalogue
from app.models import CompetencyName, utcnow
from app.services.upsert import insert_for_dialect, json_records, json_rows

_NAMES = CompetencyName.__table__


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
    if not seen:
        return
    rows = [{"competency_code": c, "framework_id": f, "name": n} for c, f, n in seen]
    # The statement is built once and binds the rows as parameters, so its compiled form is
    # cached: with every row's values written into it, it was compiled afresh at each start.
    # The rows go in this sorted order either way, so servers starting at once lock alike.
    dialect = connection.dialect.name
    if dialect == "postgresql":  # one statement, the rows in one JSON parameter
        connection.execute(_upsert(dialect), {"rows": json_rows(rows), "now": now})
    else:  # one statement run for each row, inside SQLite
        connection.execute(_upsert(dialect), [{**row, "now": now} for row in rows])


_SIGHTING = ("competency_code", "framework_id", "name")
_SEEN_AT = {"first_seen_at": "now", "last_seen_at": "now"}


@cache
def _upsert(dialect: str):
    """Return the INSERT of the sightings, moving a recorded one's last sighting on."""
    insert = insert_for_dialect(dialect)(_NAMES)
    if dialect == "postgresql":
        columns = (*_SIGHTING, *_SEEN_AT)
        insert = insert.from_select(columns, json_records(_NAMES, columns, shared=_SEEN_AT))
    else:
        now = bindparam("now", type_=_NAMES.c.last_seen_at.type)
        insert = insert.values(
            {**{c: bindparam(c) for c in _SIGHTING}, "first_seen_at": now, "last_seen_at": now}
        )
    return insert.on_conflict_do_update(
        index_elements=list(_SIGHTING),
        set_={"last_seen_at": insert.excluded.last_seen_at},
        where=_NAMES.c.last_seen_at < insert.excluded.last_seen_at,
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
