"""INSERT ... ON CONFLICT for whichever database the session talks to."""

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
