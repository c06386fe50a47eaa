"""Migration 0052 lets people choose a longer idle limit: everyone there before it keeps the
usual one, and going back down drops the choice."""

import pytest
from sqlalchemy import select

from app.cli import upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person


@pytest.fixture(params=BACKENDS)
def database_at_0051(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0051."""
    with database_at(request.param, tmp_path, "0051") as url:
        yield url


def test_accounts_from_before_keep_the_usual_idle_limit(database_at_0051):
    url = database_at_0051
    engine, t = reflected(url)
    with engine.begin() as c:
        _person(c, t, _organisation(c, t), "lee@example.org")
    engine.dispose()
    upgrade_database(url, "0052")
    engine, t = reflected(url)
    with engine.begin() as c:
        assert c.execute(select(t["user_account"].c.long_idle_limit)).scalars().all() == [False]
        _person(c, t, None, "new@example.org")  # a row written without it gets the usual too
        assert c.execute(select(t["user_account"].c.long_idle_limit)).scalars().all() == [
            False,
            False,
        ]
    engine.dispose()
