"""Migration 0046 starts each rating's history with the rating as it stands (cause "rated",
at the time it was rated), adds the triggers that append every later change of standing,
and its downgrade takes the history, the triggers and the two new columns away."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, update

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import T0, _organisation, _person

RATED = T0 + timedelta(days=3)


@pytest.fixture(params=BACKENDS)
def database_at_0045(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0045."""
    with database_at(request.param, tmp_path, "0045") as url:
        yield url


def _level(c, t, learner: int, organisation: int, code: str, level: str, met: bool) -> None:
    c.execute(
        insert(t["competency_level"]),
        {
            "user_id": learner,
            "organisation_id": organisation,
            "competency_code": code,
            "level": level,
            "score": 0.9 if met else 0.4,
            "evidence_count": 4,
            "practice": "Not started",
            "met": met,
            "expired": False,
            "rated_at": RATED,
        },
    )


def test_upgrade_starts_each_history_and_later_changes_are_appended(database_at_0045):
    engine, t = reflected(database_at_0045)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        lee = _person(c, t, organisation, "lee@example.org")
        _level(c, t, lee, organisation, "REF-4.1", "Secure", True)
        _level(c, t, lee, organisation, "REF-1.1", "Developing", False)
    engine.dispose()
    upgrade_database(database_at_0045, "0046")
    engine, t = reflected(database_at_0045)
    change, level = t["rating_change"], t["competency_level"]
    columns = (change.c.competency_code, change.c.cause, change.c.level, change.c.met)
    with engine.begin() as c:
        first = c.execute(select(*columns, change.c.changed_at).order_by(change.c.id)).all()
        assert [row[:4] for row in first] == [
            ("REF-1.1", "rated", "Developing", False),
            ("REF-4.1", "rated", "Secure", True),
        ]
        assert all(row[4].replace(tzinfo=RATED.tzinfo) == RATED for row in first)
        assert set(c.scalars(select(level.c.cause))) == {"rated"}
        # A score alone is no change of standing; a level, or a rating taken away, is.
        c.execute(update(level).where(level.c.competency_code == "REF-1.1").values(score=0.5))
        c.execute(
            update(level)
            .where(level.c.competency_code == "REF-1.1")
            .values(level="Secure", cause="graded", rules="referrer 0.2")
        )
        # Another framework version, the standing as it was: recorded too.
        c.execute(
            update(level)
            .where(level.c.competency_code == "REF-1.1")
            .values(rules="referrer 0.3", cause="recomputed")
        )
        # Taken away: the cause its writer set on the row before deleting it.
        c.execute(update(level).where(level.c.competency_code == "REF-4.1").values(cause="revoked"))
        c.execute(level.delete().where(level.c.competency_code == "REF-4.1"))
        later = c.execute(select(*columns, change.c.rules).order_by(change.c.id)).all()[2:]
    assert later == [
        ("REF-1.1", "graded", "Secure", False, "referrer 0.2"),
        ("REF-1.1", "recomputed", "Secure", False, "referrer 0.3"),
        ("REF-4.1", "revoked", None, None, None),
    ]
    engine.dispose()
    command.downgrade(alembic_config(database_at_0045), "0045")
    engine, _ = reflected(database_at_0045)
    found = inspect(engine)
    assert "rating_change" not in found.get_table_names()
    assert {"cause", "rules"}.isdisjoint(c["name"] for c in found.get_columns("competency_level"))
    engine.dispose()
