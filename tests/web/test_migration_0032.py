"""Migration 0032 gives decisions room to record until when a confirmation is valid, and
leaves those made before it not recorded rather than guessing from today's files."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, inspect, select

from app import create_app
from app.cli import alembic_config, upgrade_database
from app.content import catalogue
from app.domain.confirmation_pdf import VALIDITY_NOT_RECORDED
from app.services import confirmation_records, rating_reads
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person
from tests.web.test_migration_0030 import T0


@pytest.fixture(params=BACKENDS)
def database_at_0031(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0031."""
    with database_at(request.param, tmp_path, "0031") as url:
        yield url


def _decided(c, t, learner: int, supervisor: int, organisation: int, outcome: str) -> int:
    """Write a decided request as the 0031 code did; return the request's id."""
    request_id = c.execute(
        insert(t["confirmation_request"]).returning(t["confirmation_request"].c.id),
        {
            "user_id": learner,
            "organisation_id": organisation,
            "supervisor_id": supervisor,
            "competency_code": "SPLW-1.4",
            "requested_at": T0,
        },
    ).scalar_one()
    c.execute(
        insert(t["confirmation_decision"]),
        {
            "request_id": request_id,
            "outcome": outcome,
            "comments": "",
            "action_plan": "Observe one meeting." if outcome == "returned" else "",
            "decided_by": supervisor,
            "decided_by_name": "sue",
            "decided_at": T0 + timedelta(days=1),
        },
    )
    return request_id


def test_decisions_made_before_it_say_their_validity_was_not_recorded(database_at_0031):
    from alembic import command

    url = database_at_0031
    engine, t = reflected(url)
    with engine.begin() as c:
        river = _organisation(c, t)
        lee = _person(c, t, river, "lee@example.org")
        sue = _person(c, t, river, "sue@example.org")
        c.execute(
            insert(t["supervisor"]), {"user_id": sue, "organisation_id": river, "named_at": T0}
        )
        confirmed = _decided(c, t, lee, sue, river, "confirmed")
        _decided(c, t, lee, sue, river, "returned")
    engine.dispose()
    upgrade_database(url)
    engine, t = reflected(url)  # the columns it added
    decision = t["confirmation_decision"]
    with engine.connect() as c:
        rows = c.execute(select(decision.c.valid_until, decision.c.validity_recorded)).all()
    assert sorted(rows) == [(None, False), (None, False)]

    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "t"})
    with app.app_context():
        record = confirmation_records.signed_record(lee, confirmed, catalogue())
        assert record.valid_until == VALIDITY_NOT_RECORDED
        # The rating goes on ending it valid_for after it was given, as before the upgrade.
        steps = rating_reads.load_practice([lee])[lee]["SPLW-1.4"]
        assert [(s.kind, s.recorded) for s in steps if s.kind == "confirmed"] == [
            ("confirmed", False)
        ]
    app.extensions["linkwise.engine"].dispose()

    command.downgrade(alembic_config(url), "0031")
    columns = {c["name"] for c in inspect(engine).get_columns("confirmation_decision")}
    assert "valid_until" not in columns and "validity_recorded" not in columns
    engine.dispose()
