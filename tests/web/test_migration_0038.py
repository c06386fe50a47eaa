"""Migration 0038 gives attempts their module's title: `linkwise db upgrade` fills it in for
attempts from before, from the course the app serves; one at a module gone keeps none."""

import shutil
from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import insert, select

from app import create_app
from app.cli import alembic_config
from app.content import load
from tests.conftest import BACKENDS, PROJECT_ROOT
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _person

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
GONE = "a-module-since-removed"


@pytest.fixture(params=BACKENDS)
def database_at_0037(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0037."""
    with database_at(request.param, tmp_path, "0037") as url:
        yield url


def head(url: str) -> str:
    """Return the newest revision, which `db upgrade` goes on to from 0038."""
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def attempts_as_they_were(url: str, slug: str) -> dict[str, int]:
    """Write, with the 0037 schema, an attempt at a module in the course and one at a module
    gone from it; return their ids by module."""
    engine, t = reflected(url)
    ids = {}
    with engine.begin() as c:
        sam = _person(c, t, None, "sam@example.org")
        for module_slug in (slug, GONE):
            ids[module_slug] = c.execute(
                insert(t["attempt"]).returning(t["attempt"].c.id),
                {
                    "user_id": sam,
                    "quiz_id": f"{module_slug}-assessment",
                    "module_slug": module_slug,
                    "number": 1,
                    "status": "graded",
                    "selection": [],
                    "revision": 0,
                    "started_at": T0,
                    "submitted_at": T0,
                    "percent": 40,
                    "passed": False,
                },
            ).scalar_one()
    engine.dispose()
    return ids


def titles(url: str) -> dict[int, str | None]:
    engine, t = reflected(url)
    with engine.connect() as c:
        found = dict(c.execute(select(t["attempt"].c.id, t["attempt"].c.module_title)).all())
    engine.dispose()
    return found


def test_db_upgrade_records_each_attempts_module_title_from_the_course_and_goes_down_again(
    database_at_0037,
):
    from alembic import command

    url = database_at_0037
    module = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue.modules[0]
    ids = attempts_as_they_were(url, module.slug)
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "t"})
    runner = app.test_cli_runner()
    try:
        refused = runner.invoke(args=["db", "fill-attempt-titles"])
        assert refused.exit_code == 1
        assert "the database is at 0037" in refused.output
        assert "the upgrade fills them in" in refused.output

        upgraded = runner.invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert upgraded.output.splitlines() == [
            f"upgraded the database from 0037 to {head(url)}",
            "recorded their module's title on 1 attempt",
        ]
        assert titles(url) == {ids[module.slug]: module.title, ids[GONE]: None}
        again = runner.invoke(args=["db", "fill-attempt-titles"])
        assert again.exit_code == 0, again.output
        assert again.output == "recorded their module's title on 0 attempts\n"

        command.downgrade(alembic_config(url), "0037")
        engine, t = reflected(url)
        assert "module_title" not in t["attempt"].c
        engine.dispose()
        upgraded = runner.invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert titles(url) == {ids[module.slug]: module.title, ids[GONE]: None}
    finally:
        app.extensions["linkwise.engine"].dispose()


def test_db_upgrade_with_content_errors_upgrades_and_says_no_title_was_filled(
    database_at_0037, tmp_path
):
    url = database_at_0037
    module = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue.modules[0]
    attempts_as_they_were(url, module.slug)
    for folder in ("content", "competencies"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    with open(tmp_path / "content/quizzes/referral-routes-check-1.md", "a") as quiz:
        quiz.write("\nstray one\nstray two\nstray three\n")
    app = create_app(
        {
            "LINKWISE_ENV": "test",
            "DATABASE_URL": url,
            "SECRET_KEY": "t",
            "CONTENT_DIR": tmp_path / "content",
            "COMPETENCIES_DIR": tmp_path / "competencies",
            "CONTENT_FOR_COMMAND": True,  # as every `linkwise` command but the server
        }
    )
    runner = app.test_cli_runner()
    refused = (
        "the course content has 3 errors: run `linkwise validate`, fix them, then run this "
        "again; no attempt was given its module's title"
    )
    try:
        upgraded = runner.invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        upgraded_to = f"upgraded the database from 0037 to {head(url)}"
        assert upgraded.output.splitlines() == [upgraded_to, refused]
        assert set(titles(url).values()) == {None}
        again = runner.invoke(args=["db", "fill-attempt-titles"])
        assert again.exit_code == 1 and again.output == f"Error: {refused}\n"
    finally:
        app.extensions["linkwise.engine"].dispose()
