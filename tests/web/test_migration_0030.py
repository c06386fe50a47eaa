"""Migration 0030 deletes the supervisor rows of people no longer in the organisation the
row names, and keeps those of people still there."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _person

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0029(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0029."""
    with database_at(request.param, tmp_path, "0029") as url:
        yield url


def test_supervisors_who_left_are_no_longer_named_there(database_at_0029):
    from alembic import command

    engine, t = reflected(database_at_0029)
    with engine.begin() as c:
        river, hill = (
            c.execute(
                insert(t["organisation"]).returning(t["organisation"].c.id),
                {"name": name, "join_code": code, "created_at": T0},
            ).scalar_one()
            for name, code in (("Riverside PCN", "RIVER1"), ("Hillside PCN", "HILL01"))
        )
        sue = _person(c, t, river, "sue@example.org")  # still there
        lee = _person(c, t, None, "lee@example.org")  # left
        kim = _person(c, t, hill, "kim@example.org")  # moved to Hillside
        for person in (sue, lee, kim):
            c.execute(
                insert(t["supervisor"]),
                {"user_id": person, "organisation_id": river, "named_at": T0},
            )
    upgrade_database(database_at_0029)
    with engine.connect() as c:
        named = set(c.scalars(select(t["supervisor"].c.user_id)))
    assert named == {sue}
    command.downgrade(alembic_config(database_at_0029), "0029")
    with engine.connect() as c:
        assert set(c.scalars(select(t["supervisor"].c.user_id))) == {sue}
    engine.dispose()
