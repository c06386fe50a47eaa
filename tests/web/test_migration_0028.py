"""Migration 0028 keeps every assignment as it was, adds the table of withdrawals, and from
then on never gives an assignment's id twice (SQLite too); downgrading takes it away again."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0027(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0027."""
    with database_at(request.param, tmp_path, "0027") as url:
        yield url


def _assignment(organisation: int, slug: str, target: str = "org") -> dict:
    return {
        "organisation_id": organisation,
        "module_slug": slug,
        "target": target,
        "due_on": date(2027, 1, 14),
        "renew_months": 12,
        "assigned_at": T0,
    }


def test_assignments_stay_and_an_id_is_never_given_twice(database_at_0027):
    engine, t = reflected(database_at_0027)
    with engine.begin() as connection:
        organisation = connection.execute(
            insert(t["organisation"]).returning(t["organisation"].c.id),
            {"name": "Riverside PCN", "join_code": "RIVER1", "created_at": T0},
        ).scalar_one()
        for slug in ("first", "second"):
            connection.execute(insert(t["assignment"]), _assignment(organisation, slug))
        before = connection.execute(select(t["assignment"]).order_by("id")).all()
    engine.dispose()
    upgrade_database(database_at_0027)
    engine, t = reflected(database_at_0027)
    assignment = t["assignment"]
    assert "assignment_withdrawal" in t
    with engine.begin() as connection:
        # Every column it had stays as it was (later migrations add columns of their own).
        kept = [assignment.c[name] for name in before[0]._fields]
        assert connection.execute(select(*kept).order_by("id")).all() == before
        third = connection.execute(
            insert(assignment).returning(assignment.c.id), _assignment(organisation, "third")
        ).scalar_one()
        connection.execute(delete(assignment).where(assignment.c.id == third))
        fourth = connection.execute(
            insert(assignment).returning(assignment.c.id), _assignment(organisation, "third")
        ).scalar_one()
    assert fourth > third > before[-1].id
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(assignment), _assignment(organisation, "first"))
    indexes = {index["name"] for index in inspect(engine).get_indexes("assignment")}
    assert {"ix_assignment_team", "ix_assignment_user"} <= indexes
    engine.dispose()

    from alembic import command

    command.downgrade(alembic_config(database_at_0027), "0027")
    engine, t = reflected(database_at_0027)
    assert "assignment_withdrawal" not in t
    with engine.connect() as connection:
        kept = connection.execute(select(t["assignment"].c.module_slug).order_by("id")).scalars()
        assert list(kept) == ["first", "second", "third"]
    engine.dispose()
