"""Migration 0043 adds reminder_failure, the spells of reminder emails the mail server
refused: one open spell a learner at most, closed ones kept beside it; downgrading drops it."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person

T0 = datetime(2026, 12, 3, 6, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0042(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0042."""
    with database_at(request.param, tmp_path, "0042") as url:
        yield url


def spell(learner: int, resolved_at: datetime | None = None) -> dict:
    return {
        "user_id": learner,
        "kind": "reminder",
        "refused": "address",
        "reply": "550 5.1.1 Recipient address rejected",
        "failures": 3,
        "first_failed_at": T0,
        "last_failed_at": T0,
        "resolved_at": resolved_at,
        "resolved_how": "delivered" if resolved_at else None,
    }


def test_a_learner_has_one_open_spell_at_most_and_downgrading_drops_them(database_at_0042):
    url = database_at_0042
    engine, t = reflected(url)
    with engine.begin() as c:
        learner = _person(c, t, _organisation(c, t), "asha@example.org")
    engine.dispose()
    upgrade_database(url, "0043")
    engine, t = reflected(url)
    failures = t["reminder_failure"]
    with engine.begin() as c:
        c.execute(insert(failures), [spell(learner, T0), spell(learner, T0), spell(learner)])
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(insert(failures), spell(learner))  # a second open spell
    with engine.connect() as c:
        assert c.scalars(select(failures.c.resolved_how).order_by(failures.c.id)).all() == [
            "delivered",
            "delivered",
            None,
        ]
    engine.dispose()
    command.downgrade(alembic_config(url), "0042")
    engine, _ = reflected(url)
    assert "reminder_failure" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade_database(url)
