"""A PostgreSQL connection handed from one test's app to the next carries nothing across."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import build_app
from tests.warm_connections import KeptConnection


@pytest.fixture
def postgresql(app):
    if app.extensions["linkwise.engine"].dialect.name != "postgresql":
        pytest.skip("only PostgreSQL connections are kept between tests")


def session_of(app):
    """Return the backend pid of the app's connection, and what a test could leave on it."""
    with app.extensions["linkwise.engine"].connect() as connection:
        assert isinstance(connection.connection.driver_connection, KeptConnection)
        return connection.execute(
            text(
                "SELECT pg_backend_pid(), current_setting('statement_timeout'),"
                " current_setting('application_name'),"
                " (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                "  AND pid = pg_backend_pid()),"
                " to_regclass('pg_temp.left_behind') IS NOT NULL,"
                " (SELECT count(*) FROM pg_prepared_statements)"
            )
        ).one()


def test_a_kept_connection_comes_back_with_nothing_of_the_last_test(
    app, postgresql, database_url, smtp_server
):
    engine = app.extensions["linkwise.engine"]
    fresh = session_of(app)[1:]  # the app's own settings, and nothing left over
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        connection.execute(text("SET statement_timeout = 1234"))
        connection.execute(text("SET application_name = 'left behind'"))
        connection.execute(text("SELECT pg_advisory_lock(42)"))
        connection.execute(text("CREATE TEMPORARY TABLE left_behind (n int)"))
        for _ in range(6):  # psycopg prepares a statement on its sixth run
            connection.execute(text("SELECT count(*) FROM left_behind")).scalar()
        connection.commit()
    engine.dispose()
    later = build_app(database_url, smtp_server)
    try:
        again, timeout, name, locks, temporary, prepared = session_of(later)
        assert again == pid  # the same server session, handed on
        assert (timeout, name, locks, temporary, prepared) == fresh
        assert fresh[2:] == (0, False, 0)
    finally:
        later.extensions["linkwise.engine"].dispose()


def test_a_kept_connection_the_server_ended_is_never_handed_out(
    app, postgresql, database_url, smtp_server
):
    engine = app.extensions["linkwise.engine"]
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    engine.dispose()
    admin = create_engine(database_url, poolclass=NullPool)  # not an app's: nothing kept
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    later = build_app(database_url, smtp_server)
    try:
        assert session_of(later)[0] != pid
    finally:
        later.extensions["linkwise.engine"].dispose()
