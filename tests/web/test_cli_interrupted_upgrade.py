"""An upgrade stopped part way (Ctrl+C) leaves the database at the last whole migration, and
the next upgrade finishes it; a migration that fails is named as such, not as a server that
may be down."""

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

from app.cli_db import db_cli, revision_of, upgrade_database
from app.cli_errors import LinkwiseGroup
from tests.conftest import build_app
from tests.databases import database_at


def interrupt_after(words: str):
    """Return a listener raising KeyboardInterrupt (as Ctrl+C does) at the first statement
    after one containing `words`: that statement ran, the migration has not finished."""
    seen = []

    def listener(_connection, _cursor, statement, *_args):
        if seen:
            raise KeyboardInterrupt
        if words in statement:
            seen.append(statement)

    return listener


def schema(url: str) -> dict:
    """Return the tables, columns, keys, indexes and views of a database, order aside."""
    engine = create_engine(url)
    found = inspect(engine)
    tables = {}
    for table in found.get_table_names():
        tables[table] = (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)),
            sorted(found.get_pk_constraint(table)["constrained_columns"]),
            sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in found.get_foreign_keys(table)
            ),
            sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
            sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)),
        )
    views = sorted(found.get_view_names())
    triggers = []
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            triggers = sorted(
                connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                ).all()
            )
    engine.dispose()
    return {"tables": tables, "views": views, "triggers": triggers}


def test_an_upgrade_stopped_inside_a_migration_leaves_the_one_before_and_then_finishes(
    tmp_path, database_url
):
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with database_at(backend, tmp_path, "0036", in_memory=True) as url:
        listener = interrupt_after("name_key")  # 0037 adds team.name_key, then fills it
        event.listen(Engine, "before_cursor_execute", listener)
        try:
            with pytest.raises(KeyboardInterrupt):
                upgrade_database(url)
        finally:
            event.remove(Engine, "before_cursor_execute", listener)
        assert revision_of(url) == "0036"
        engine = create_engine(url)
        team = [column["name"] for column in inspect(engine).get_columns("team")]
        engine.dispose()
        assert "name_key" not in team
        upgrade_database(url)
        assert schema(url) == schema(database_url)  # the suite's, migrated in one go


def test_a_migration_that_fails_is_named_not_the_server(tmp_path, smtp_server):
    with database_at("sqlite", tmp_path, "0036", in_memory=True) as url:
        engine = create_engine(url)
        with engine.begin() as connection:  # as an upgrade interrupted before the fix left it
            connection.exec_driver_sql("ALTER TABLE team ADD COLUMN name_key VARCHAR(200)")
        engine.dispose()
        app = build_app(url, smtp_server)
        group = LinkwiseGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
        group.add_command(db_cli)
        result = CliRunner().invoke(group, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: cannot upgrade the database to head: the migration after 0036 failed, and the "
        "database stays at 0036 (duplicate column name: name_key)"
    ]
