"""Migration 0041 gives assignments their module's title: `linkwise db upgrade` fills it in
for assignments from before (withdrawn ones too), from the course the app serves; one of a
module gone keeps none."""

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import insert, select

from app import create_app
from app.cli import alembic_config
from app.content import load
from tests.conftest import BACKENDS, PROJECT_ROOT
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation
from tests.web.test_migration_0038 import head

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
GONE = "a-module-since-removed"


@pytest.fixture(params=BACKENDS)
def database_at_0040(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0040."""
    with database_at(request.param, tmp_path, "0040") as url:
        yield url


def assignments_as_they_were(url: str, slug: str) -> None:
    """Write, with the 0040 schema, an assignment of a module in the course, one of a module
    gone from it, and a withdrawn assignment of the module in the course."""
    engine, t = reflected(url)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        row = {"organisation_id": organisation, "due_on": date(2026, 6, 1), "assigned_at": T0}
        for module_slug in (slug, GONE):
            c.execute(insert(t["assignment"]), {**row, "module_slug": module_slug, "target": "org"})
        c.execute(
            insert(t["assignment_withdrawal"]),
            {
                **row,
                "assignment_id": 99,
                "module_slug": slug,
                "target": "team:1",
                "withdrawn_at": T0,
            },
        )
    engine.dispose()


def titles(url: str) -> dict[str, dict[str, str | None]]:
    engine, t = reflected(url)
    with engine.connect() as c:
        found = {
            table: dict(c.execute(select(t[table].c.module_slug, t[table].c.module_title)).all())
            for table in ("assignment", "assignment_withdrawal")
        }
    engine.dispose()
    return found


def test_db_upgrade_records_each_assignments_module_title_from_the_course_and_goes_down_again(
    database_at_0040,
):
    url = database_at_0040
    module = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue.modules[0]
    assignments_as_they_were(url, module.slug)
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "t"})
    runner = app.test_cli_runner()
    filled = {
        "assignment": {module.slug: module.title, GONE: None},
        "assignment_withdrawal": {module.slug: module.title},
    }
    try:
        upgraded = runner.invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert upgraded.output.splitlines() == [
            f"upgraded the database from 0040 to {head(url)}",
            "recorded their module's title on 2 assignments",
        ]
        assert titles(url) == filled
        again = runner.invoke(args=["db", "upgrade"])
        assert again.output == f"database is already at {head(url)}: nothing to upgrade\n"

        command.downgrade(alembic_config(url), "0040")
        engine, t = reflected(url)
        assert "module_title" not in t["assignment"].c
        assert "module_title" not in t["assignment_withdrawal"].c
        engine.dispose()
        upgraded = runner.invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert titles(url) == filled
    finally:
        app.extensions["linkwise.engine"].dispose()
