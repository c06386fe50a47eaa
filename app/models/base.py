"""What every table shares: the declarative base, its naming convention and helpers."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKeyConstraint, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def sqlite_key(columns: list[str], refers_to: list[str], **options) -> ForeignKeyConstraint:
    """Return a foreign key that is a constraint on SQLite and triggers on PostgreSQL.

    On PostgreSQL migration 0022 checks it once a statement instead of once a row, with
    the same refusals (a missing parent; deleting or renumbering a parent still referred
    to) and, given ON DELETE CASCADE, the same cascade.
    """
    return ForeignKeyConstraint(columns, refers_to, **options).ddl_if(dialect="sqlite")
