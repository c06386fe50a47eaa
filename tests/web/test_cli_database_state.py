"""A command says in one sentence what is wrong with the database it was given: the server's
reason for refusing it, or a schema older or newer than this Linkwise's."""

import os

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app import create_app, db
from app.cli_db import alembic_config, known_revisions
from app.cli_errors import database_problem
from app.config import normalise_database_url
from tests.conftest import BACKENDS
from tests.databases import database_at

from .cli_helpers import run_linkwise
from .test_commands_explain import one_sentence

LATEST = known_revisions()[-1]
BEHIND = f"Error: the database is at 0020; this Linkwise needs {LATEST}: run `linkwise db upgrade`"
AHEAD = (
    f"the database is at 0999, newer than this Linkwise (latest {LATEST}): "
    "run the Linkwise that upgraded it"
)
needs_postgresql = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="needs a PostgreSQL server (TEST_DATABASE_URL)"
)


def _server(**parts) -> str:
    server = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    return server.set(**parts).render_as_string(hide_password=False)


@needs_postgresql
@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        ({"database": "lw_nonexistent"}, 'database "lw_nonexistent" does not exist'),
        ({"username": "lw_nobody"}, 'role "lw_nobody" does not exist'),
    ],
    ids=["database", "user"],
)
def test_a_database_or_user_the_server_does_not_know_is_named_as_the_server_says(parts, reason):
    env = {"DATABASE_URL": _server(**parts)}
    for command in (["db", "upgrade"], ["audit"]):
        sentence = one_sentence(run_linkwise(*command, env=env))
        assert f"refused the connection: {reason}; check the user, password" in sentence
        assert "no Linkwise tables" not in sentence


@pytest.fixture(scope="module", params=BACKENDS)
def behind(request, tmp_path_factory):
    """Yield a database migrated to 0020 only, shared by the module's tests: every command
    they run on it is refused or only reads, so each finds it as the migration left it."""
    folder = tmp_path_factory.mktemp("behind")
    with database_at(request.param, folder, "0020", "linkwise_behind") as url:
        yield url


def test_a_partly_migrated_database_says_which_revision_it_is_at_and_which_is_needed(
    behind, tmp_path
):
    env = {"DATABASE_URL": behind}
    for command in (["recompute-levels"], ["create-org", "Northgate PCN"], ["audit"]):
        assert one_sentence(run_linkwise(*command, env=env)) == BEHIND
    current = run_linkwise("db", "current", env=env)
    assert current.stdout.strip() == BEHIND.removeprefix("Error: ")
    # Commands that read and write only files are not held up by the database.
    package = tmp_path / "module.zip"
    written = run_linkwise("export-scorm", "referral-routes", "-o", str(package), env=env)
    assert written.returncode == 0 and package.exists(), written.stderr


def test_a_missing_column_a_command_meets_is_told_as_the_revision(behind):
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": behind, "SECRET_KEY": "t"})
    with app.app_context():
        with db.engine().connect() as connection, pytest.raises(DBAPIError) as met:
            connection.execute(text("SELECT knowledge_until FROM competency_level"))
        assert database_problem(met.value) == BEHIND.removeprefix("Error: ")


@pytest.fixture(params=BACKENDS)
def ahead(request, tmp_path):
    with database_at(request.param, tmp_path, "head", "linkwise_ahead") as url:
        engine = create_engine(normalise_database_url(url))
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
        engine.dispose()
        yield url


def test_a_database_newer_than_this_linkwise_is_said_and_written_to_by_no_command(ahead):
    env = {"DATABASE_URL": ahead}
    current = run_linkwise("db", "current", env=env)
    assert current.returncode == 0 and current.stdout.strip() == AHEAD
    for command in (["db", "upgrade"], ["create-org", "Northgate PCN"], ["recompute-levels"]):
        assert one_sentence(run_linkwise(*command, env=env)) == f"Error: {AHEAD}"
    reading = run_linkwise("audit", env=env)
    assert reading.returncode == 0, reading.stderr


def test_the_revisions_read_from_file_names_are_alembics():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert known_revisions() == [m.revision for m in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize(
    ("command", "setting", "expected"),
    [
        (
            ["audit"],
            {"DATABASE_URL": "mysql://x@127.0.0.1/x"},
            "Error: DATABASE_URL names a mysql database, which Linkwise does not work with: "
            "use SQLite (sqlite:///instance/linkwise.db) or PostgreSQL "
            "(postgresql://user@host/linkwise)",
        ),
        (
            ["unlock-sign-in", "learner@example.org"],
            {"LINKWISE_RATELIMIT_STORAGE_URI": "bogus://x"},
            "Error: LINKWISE_RATELIMIT_STORAGE_URI must be memory:// or a Redis address such as "
            "redis://host:6379 (rediss://, redis+sentinel://, redis+cluster://), not 'bogus://x'",
        ),
    ],
    ids=["database-url", "rate-limit-storage"],
)
def test_a_setting_naming_what_linkwise_cannot_use_is_named_with_what_it_accepts(
    command, setting, expected
):
    assert one_sentence(run_linkwise(*command, env=setting)) == expected
