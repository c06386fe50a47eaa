"""Migration 0033 gives ratings room to record until when a confirmed practice is
confirmed, and fills it for "Confirmed" ratings from their latest confirmation's recorded end."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, inspect, select

from app.cli import alembic_config, upgrade_database
from app.services.rating_reads import aware
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person
from tests.web.test_migration_0030 import T0


@pytest.fixture(params=BACKENDS)
def database_at_0032(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0032."""
    with database_at(request.param, tmp_path, "0032") as url:
        yield url


def _confirmed(c, t, learner, supervisor, organisation, code, days, valid_until, recorded):
    """Write a confirmation `days` after T0 as the 0032 code did."""
    request_id = c.execute(
        insert(t["confirmation_request"]).returning(t["confirmation_request"].c.id),
        {
            "user_id": learner,
            "organisation_id": organisation,
            "supervisor_id": supervisor,
            "competency_code": code,
            "requested_at": T0 + timedelta(days=days - 1),
        },
    ).scalar_one()
    c.execute(
        insert(t["confirmation_decision"]),
        {
            "request_id": request_id,
            "outcome": "confirmed",
            "comments": "",
            "action_plan": "",
            "decided_by": supervisor,
            "decided_by_name": "sue",
            "decided_at": T0 + timedelta(days=days),
            "valid_until": valid_until,
            "validity_recorded": recorded,
        },
    )


def _rating(c, t, learner, organisation, code, practice):
    c.execute(
        insert(t["competency_level"]),
        {
            "user_id": learner,
            "organisation_id": organisation,
            "competency_code": code,
            "level": "Competent",
            "score": 0.8,
            "evidence_count": 5,
            "practice": practice,
            "met": True,
            "expired": False,
            "rated_at": T0 + timedelta(days=20),
        },
    )


def test_confirmed_ratings_take_their_latest_confirmations_recorded_end(database_at_0032):
    from alembic import command

    url = database_at_0032
    engine, t = reflected(url)
    first_end, latest_end = T0 + timedelta(days=30), T0 + timedelta(days=400)
    with engine.begin() as c:
        river = _organisation(c, t)
        lee = _person(c, t, river, "lee@example.org")
        sue = _person(c, t, river, "sue@example.org")
        c.execute(
            insert(t["supervisor"]), {"user_id": sue, "organisation_id": river, "named_at": T0}
        )
        # Confirmed twice: the later confirmation's end is the rating's.
        _confirmed(c, t, lee, sue, river, "SPLW-1.4", 10, latest_end, True)
        _confirmed(c, t, lee, sue, river, "SPLW-1.4", 2, first_end, True)
        _rating(c, t, lee, river, "SPLW-1.4", "Confirmed")
        # Confirmed before 0032: no end recorded, so none is guessed (a re-rating fills it).
        _confirmed(c, t, lee, sue, river, "SPLW-1.1", 3, None, False)
        _rating(c, t, lee, river, "SPLW-1.1", "Confirmed")
        # Confirmed with an end, but the rating says otherwise: nothing to end.
        _confirmed(c, t, lee, sue, river, "SPLW-2.1", 4, first_end, True)
        _rating(c, t, lee, river, "SPLW-2.1", "Confirmation expired")
        _rating(c, t, lee, river, "SPLW-3.1", "Not started")
    engine.dispose()
    upgrade_database(url)
    engine, t = reflected(url)  # the column it added
    level = t["competency_level"]
    with engine.connect() as c:
        rows = dict(c.execute(select(level.c.competency_code, level.c.practice_until)).all())
    assert {code: aware(until) for code, until in rows.items()} == {
        "SPLW-1.4": latest_end,
        "SPLW-1.1": None,
        "SPLW-2.1": None,
        "SPLW-3.1": None,
    }

    command.downgrade(alembic_config(url), "0032")
    columns = {c["name"] for c in inspect(engine).get_columns("competency_level")}
    assert "practice_until" not in columns
    engine.dispose()
