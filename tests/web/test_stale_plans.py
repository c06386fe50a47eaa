"""A prepared statement a migration outdates costs one failed request, not every request after."""

import pytest
from sqlalchemy import exc, text

from app import db


def test_a_column_whose_type_changes_under_a_running_pool_fails_one_statement(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("psycopg prepares statements on PostgreSQL only")
    engine = db.make_engine(database_url, pool_size=1, lazy_begin=True)  # as the app runs
    migrator = db.make_engine(database_url, pooled=False)
    try:
        with migrator.begin() as connection:
            connection.execute(text("CREATE TABLE plan_probe (id int, label varchar(10))"))
            connection.execute(text("INSERT INTO plan_probe VALUES (1, 'kept')"))
        read = text("SELECT label FROM plan_probe WHERE id = :id")
        for _ in range(7):  # past psycopg's five runs, so the statement is prepared
            with engine.connect() as connection:
                assert connection.execute(read, {"id": 1}).scalar() == "kept"
        with migrator.begin() as connection:
            connection.execute(text("ALTER TABLE plan_probe ALTER COLUMN label TYPE text"))
        with engine.connect() as connection, pytest.raises(exc.DBAPIError) as failed:
            connection.execute(read, {"id": 1})
        assert "cached plan" in str(failed.value) and failed.value.connection_invalidated
        with engine.connect() as connection:  # a new connection, prepared afresh
            assert connection.execute(read, {"id": 1}).scalar() == "kept"
    finally:
        engine.dispose()
        with migrator.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS plan_probe"))
        migrator.dispose()
