"""Migration 0049 gives attempts what their certificate will say of the module: attempts from
before keep none (never kept, and not to be guessed from today's course), so one still in
progress is certified from the module as it stands when it passes; downgrade drops it."""

import pytest
from alembic import command
from sqlalchemy import insert, select

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _person
from tests.web.test_migration_0030 import T0

SLUG = "what-is-social-prescribing"


@pytest.fixture(params=BACKENDS)
def database_at_0048(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0048."""
    with database_at(request.param, tmp_path, "0048") as url:
        yield url


def in_progress(url: str) -> int:
    """Write, with the 0048 schema, an attempt in progress; return its id."""
    engine, t = reflected(url)
    with engine.begin() as c:
        attempt = c.execute(
            insert(t["attempt"]).returning(t["attempt"].c.id),
            {
                "user_id": _person(c, t, None, "sam@example.org"),
                "quiz_id": f"{SLUG}-assessment",
                "module_slug": SLUG,
                "number": 1,
                "status": "in-progress",
                "selection": [],
                "quiz_settings": {"pass_mark": 80},
                "revision": 0,
                "started_at": T0,
                "module_title": "What is social prescribing?",
            },
        ).scalar_one()
    engine.dispose()
    return attempt


def test_attempts_from_before_record_no_module_facts_and_downgrade_drops_them(database_at_0048):
    url = database_at_0048
    attempt = in_progress(url)
    upgrade_database(url, "0049")
    engine, t = reflected(url)
    with engine.connect() as c:
        row = c.execute(select(t["attempt"]).where(t["attempt"].c.id == attempt)).one()
    engine.dispose()
    assert row.module_facts is None
    assert (row.status, row.module_title) == ("in-progress", "What is social prescribing?")

    command.downgrade(alembic_config(url), "0048")
    engine, t = reflected(url)
    with engine.connect() as c:
        kept = c.execute(select(t["attempt"].c.id, t["attempt"].c.module_title)).all()
    engine.dispose()
    assert "module_facts" not in t["attempt"].c
    assert kept == [(attempt, "What is social prescribing?")]
