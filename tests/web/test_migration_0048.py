"""Migration 0048 counts the dashboard's module completions by the UK month they fall in: the
upgrade recounts, its triggers keep them so, and its downgrade restores 0047's view,
triggers and counts (by UTC month) exactly."""

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, literal_column
from sqlalchemy.dialects import postgresql, sqlite

from app.cli import alembic_config, upgrade_database
from app.services.sqlfunctions import year_month
from tests.conftest import BACKENDS, PROJECT_ROOT
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _passed, _person
from tests.web.test_migration_0036 import definitions
from tests.web.test_migration_0040 import change, counts

SLUG = "first"
# Passes an hour before midnight UTC at a month's end: in summer the UK's next day (BST),
# in winter the same day (GMT). 2026's clocks went forward on 29 March, back on 25 October.
PASSES = {
    "lee": datetime(2026, 7, 31, 23, 30, tzinfo=UTC),  # 00:30 BST on 1 August
    "kim": datetime(2026, 3, 31, 23, 30, tzinfo=UTC),  # 00:30 BST on 1 April
    "ann": datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 23:30 GMT on 31 October
    "raj": datetime(2026, 1, 31, 23, 30, tzinfo=UTC),  # 23:30 GMT on 31 January
}
BY_UTC_MONTH = {"2026-07": 1, "2026-03": 1, "2026-10": 1, "2026-01": 1}
BY_UK_MONTH = {"2026-08": 1, "2026-04": 1, "2026-10": 1, "2026-01": 1}
LATER = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 June


@pytest.fixture(params=BACKENDS)
def database_at_0047(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0047."""
    with database_at(request.param, tmp_path, "0047") as url:
        yield url


def old_rows(url: str) -> dict[str, int]:
    """Write, with the 0047 schema, each learner's pass of the module; return their ids and
    (as "organisation") their organisation's."""
    engine, t = reflected(url)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        people = {"organisation": organisation}
        for number, (name, at) in enumerate(PASSES.items(), start=1):
            people[name] = _person(c, t, organisation, f"{name}@example.org")
            _passed(c, t, people[name], SLUG, at, number)
    engine.dispose()
    return people


def by_month(url: str) -> tuple[dict[str, int], int]:
    """Return the module's completions kept by month, and how many keys differ from a recount."""
    kept, differing = counts(url)
    return {month: n for (key, month), n in kept.items() if key == SLUG}, differing


def test_upgrade_counts_completions_by_uk_month_and_downgrade_restores_0047(database_at_0047):
    url = database_at_0047
    people = old_rows(url)
    before = definitions(url)
    assert by_month(url) == (BY_UTC_MONTH, 0)

    upgrade_database(url, "0048")
    assert by_month(url) == (BY_UK_MONTH, 0)
    assert definitions(url) != before

    # The triggers keep it so: a pass at 00:30 BST on 1 June counts in June; Lee's
    # completion removed leaves August.
    engine, t = reflected(url)
    with engine.begin() as c:
        sam = _person(c, t, people["organisation"], "sam@example.org")
        _passed(c, t, sam, SLUG, LATER, 9)
    engine.dispose()
    completion = t["completion"]
    change(url, delete(completion).where(completion.c.user_id == people["lee"]))
    now_uk = {**BY_UK_MONTH, "2026-06": 1}
    del now_uk["2026-08"]
    assert by_month(url) == (now_uk, 0)

    command.downgrade(alembic_config(url), "0047")
    assert definitions(url) == before
    now_utc = {**BY_UTC_MONTH, "2026-05": 1}
    del now_utc["2026-07"]
    assert by_month(url) == (now_utc, 0)

    upgrade_database(url, "0048")
    assert by_month(url) == (now_uk, 0)


def _migration():
    path = PROJECT_ROOT / "app/migrations/versions/0048_completions_count_by_uk_month.py"
    spec = importlib.util.spec_from_file_location("linkwise_migration_0048", Path(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("dialect", [sqlite, postgresql], ids=["sqlite", "postgresql"])
def test_the_triggers_month_is_the_month_a_filtered_dashboard_counts_by(dialect):
    # One rule: the words the triggers write are those year_month compiles to (changing
    # either takes a migration, which this check then moves to).
    dialect, moment = dialect.dialect(), literal_column("p.counted_from")
    compiled = str(year_month(moment).compile(dialect=dialect))
    assert _migration().UK_MONTH[dialect.name].format("p.counted_from") == compiled
