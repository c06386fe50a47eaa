"""Migration 0037 keys team names whatever their case (the older of two that clash keeps
the key) and gives leavers the id of the team they left."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _person

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0036(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0036."""
    with database_at(request.param, tmp_path, "0036") as url:
        yield url


def test_team_names_are_keyed_and_leavers_name_their_team(database_at_0036):
    from alembic import command

    engine, t = reflected(database_at_0036)
    with engine.begin() as c:
        river = c.execute(
            insert(t["organisation"]).returning(t["organisation"].c.id),
            {"name": "Riverside PCN", "join_code": "RIVER1", "created_at": T0},
        ).scalar_one()
        ids = [
            c.execute(
                insert(t["team"]).returning(t["team"].c.id),
                {"organisation_id": river, "name": name, "join_code": code, "created_at": T0},
            ).scalar_one()
            for name, code in (
                ("Elm  Street", "ELM001"),
                ("elm street", "ELM002"),
                ("Oak", "OAK001"),
            )
        ]
        lee = _person(c, t, None, "lee@example.org")
        c.execute(
            insert(t["organisation_leaver"]),
            [
                {"organisation_id": river, "user_id": lee, "team_name": "Oak", "left_at": T0},
                {"organisation_id": river, "user_id": lee, "team_name": None, "left_at": T0},
            ],
        )
    upgrade_database(database_at_0036)
    engine, t = reflected(database_at_0036)
    with engine.connect() as c:
        keys = dict(c.execute(select(t["team"].c.id, t["team"].c.name_key)).all())
        left = sorted(
            c.execute(select(t["organisation_leaver"].c.team_id)).scalars(),
            key=lambda team: team or 0,
        )
    assert keys == {ids[0]: "elm street", ids[1]: None, ids[2]: "oak"}
    assert left == [None, ids[2]]
    command.downgrade(alembic_config(database_at_0036), "0036")
    engine.dispose()
