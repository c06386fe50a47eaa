"""Migration 0051 adds mail_outbox, the account notices waiting for the mail server; the
accounts before it are untouched, and downgrading drops it."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person

T0 = datetime(2026, 12, 7, 21, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0050(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0050."""
    with database_at(request.param, tmp_path, "0050") as url:
        yield url


def test_the_outbox_is_added_for_accounts_there_before_and_dropped_on_downgrade(
    database_at_0050,
):
    url = database_at_0050
    engine, t = reflected(url)
    with engine.begin() as c:
        learner = _person(c, t, _organisation(c, t), "asha@example.org")
    engine.dispose()
    upgrade_database(url, "0051")
    engine, t = reflected(url)
    with engine.begin() as c:
        c.execute(
            insert(t["mail_outbox"]),
            {
                "user_id": learner,
                "to_address": "asha@example.org",
                "template": "password_changed",
                "fields": {"name": "asha", "when": "7 December 2026 at 9:00pm GMT"},
                "created_at": T0,
                "next_attempt_at": T0,
                "attempts": 0,
            },
        )
        assert c.scalar(select(t["user_account"].c.email)) == "asha@example.org"
    indexes = {i["name"] for i in inspect(engine).get_indexes("mail_outbox")}
    assert {"ix_mail_outbox_due", "ix_mail_outbox_user_id"} <= indexes
    engine.dispose()
    command.downgrade(alembic_config(url), "0050")
    engine, _ = reflected(url)
    assert "mail_outbox" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade_database(url)
