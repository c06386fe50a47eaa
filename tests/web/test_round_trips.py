"""PostgreSQL round trips: a read-only request sends its SELECTs and nothing else.

No ping before a busy connection is used, no BEGIN/ROLLBACK pair around reads, one
round trip for /healthz; writes still run in one transaction, and a pooled connection that
died while idle, or that the server ended however recently it was used, is replaced before a
request gets it.
"""

import threading
import time

import pytest
from sqlalchemy import create_engine, event, select, text

from app import create_app, db
from app.content import catalogue
from app.models import Organisation
from tests.conftest import sign_in
from tests.web.statements import round_trips

APP_NAME = "linkwise-round-trips"


@pytest.fixture
def postgres(app, database_url, smtp_server):
    """Build an app factory on the test's PostgreSQL database (the `app` fixture cleans up)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("round trips are counted on PostgreSQL")
    made = []

    def build(**config):
        built = create_app(
            {
                "LINKWISE_ENV": "test",
                "DATABASE_URL": f"{database_url}?application_name={APP_NAME}",
                "SECRET_KEY": "t",
                "SMTP_URL": smtp_server.url,
                **config,
            }
        )
        made.append(built)
        return built

    yield build
    for built in made:
        built.extensions["linkwise.engine"].dispose()
        built.extensions["linkwise.health_engine"].dispose()


def engines(app):
    return app.extensions["linkwise.engine"], app.extensions["linkwise.health_engine"]


def first_screen() -> str:
    module = catalogue().modules[0]
    return f"/modules/{module.slug}/{module.screens[0].slug}/"


def test_a_signed_in_screen_is_one_round_trip(postgres, make_user):
    app = postgres(DB_PING_AFTER_IDLE=3600)
    client = app.test_client()
    sign_in(client, make_user())
    with app.app_context():
        page = first_screen()
    assert client.get(page).status_code == 200
    with round_trips(*engines(app)) as trips:
        assert client.get(page).status_code == 200
    assert len(trips) == 1, trips
    assert not [t for t in trips if "BEGIN" in t or "ROLLBACK" in t]


def test_healthz_is_one_round_trip(postgres):
    app = postgres()
    client = app.test_client()
    for _ in range(2):  # the first opens the health check's connection, the second reuses it
        with round_trips(*engines(app)) as trips:
            assert client.get("/healthz").json == {"status": "ok", "database": "up"}
        assert len(trips) == 1, trips


def test_health_checks_that_arrive_together_share_one_connection(postgres):
    app = postgres()
    health = app.extensions["linkwise.health_engine"]
    opened = []
    event.listen(health, "connect", lambda *_: opened.append(1))
    client = app.test_client()
    answers = []
    with health.connect():  # a check under way holds the health check's connection
        second = threading.Thread(target=lambda: answers.append(client.get("/healthz")))
        second.start()
        time.sleep(0.3)
    second.join()
    # The second check waited its turn instead of opening (and closing) a connection.
    assert answers[0].status_code == 200
    assert len(opened) == 1


def test_writes_still_share_one_transaction(postgres):
    app = postgres()
    with app.app_context():
        session = db.session()
        with round_trips(*engines(app)) as trips:
            session.add(Organisation(name="Northside PCN", join_code="NORTH1"))
            session.flush()
            session.rollback()
        named = select(Organisation).where(Organisation.name == "Northside PCN")
        assert session.scalar(named) is None
    assert [t for t in trips if "Query" in t] == [
        t for t in trips if '"BEGIN"' in t or '"ROLLBACK"' in t
    ]
    assert len([t for t in trips if '"BEGIN"' in t]) == 1


def terminate_connections(database_url: str) -> int:
    """End the connections of the apps built here, as a server restart would."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name = :name"
                    ),
                    {"name": APP_NAME},
                ).all()
            )
    finally:
        admin.dispose()


def test_an_idle_connection_that_died_is_replaced_before_a_request_gets_it(
    postgres, make_user, database_url
):
    app = postgres(DB_PING_AFTER_IDLE=0)
    client = app.test_client()
    sign_in(client, make_user())
    assert client.get("/account/").status_code == 200
    assert terminate_connections(database_url) >= 1
    with round_trips(*engines(app)) as trips:
        assert client.get("/account/").status_code == 200
    assert len(trips) >= 3  # the ping on the dead connection, then the page's reads
    assert client.get("/healthz").status_code == 200


def test_a_connection_the_server_ended_is_replaced_however_recently_it_was_used(
    postgres, make_user, database_url
):
    app = postgres(DB_PING_AFTER_IDLE=3600)
    client = app.test_client()
    sign_in(client, make_user())
    assert client.get("/healthz").status_code == 200
    assert client.get("/account/").status_code == 200
    assert terminate_connections(database_url) >= 2
    wait_until_ended(database_url)
    with round_trips(*engines(app)) as trips:
        assert client.get("/account/").status_code == 200  # not the 503 of a dead connection
    assert len(trips) >= 3  # the ping that found it ended, then the page's reads
    assert client.get("/healthz").status_code == 200
    assert client.get("/account/").status_code == 200


def wait_until_ended(database_url: str) -> None:
    """Wait until the server has ended the apps' terminated connections (it does so at once,
    but after pg_terminate_backend has answered)."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    still_there = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = :name"
    )
    try:
        with admin.connect() as connection:
            deadline = time.monotonic() + 10
            while connection.scalar(still_there, {"name": APP_NAME}):
                assert time.monotonic() < deadline, "the terminated connections did not end"
                time.sleep(0.02)
    finally:
        admin.dispose()
