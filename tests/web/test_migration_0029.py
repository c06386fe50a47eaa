"""Migration 0029 records why each earlier request was closed and closes the requests of
learners no longer in the organisation they asked in (decided ones stand); downgrading drops
the reason and leaves them closed."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from app.cli import alembic_config, upgrade_database
from app.services.rating_reads import aware
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def database_at_0028(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0028."""
    with database_at(request.param, tmp_path, "0028") as url:
        yield url


def test_requests_of_learners_who_left_are_closed_and_earlier_closings_say_why(database_at_0028):
    engine, t = reflected(database_at_0028)
    with engine.begin() as c:
        river, hill = _organisation(c, t), _organisation(c, t, "Hillside PCN", "HILL01")
        sue = _person(c, t, river, "sue@example.org")
        lee = _person(c, t, None, "lee@example.org")  # left on their own: no leaver row
        kim = _person(c, t, hill, "kim@example.org")  # moved to Hillside
        ann = _person(c, t, river, "ann@example.org")  # still in Riverside
        rob = _person(c, t, None, "rob@example.org")  # removed by a manager
        eve = _person(c, t, None, "eve@example.org", erased_at=T0 + timedelta(days=3))
        removed_at = T0 + timedelta(days=5)
        c.execute(
            insert(t["organisation_leaver"]),
            {"organisation_id": river, "user_id": rob, "left_at": removed_at},
        )

        def asked(learner: int) -> int:
            return c.execute(
                insert(t["confirmation_request"]).returning(t["confirmation_request"].c.id),
                {
                    "user_id": learner,
                    "organisation_id": river,
                    "supervisor_id": sue,
                    "competency_code": "SPLW-1.4",
                    "requested_at": T0,
                },
            ).scalar_one()

        lee_waiting, kim_waiting, ann_waiting, rob_waiting = map(asked, (lee, kim, ann, rob))
        lee_decided, eve_closed, ann_closed = asked(lee), asked(eve), asked(ann)
        c.execute(
            insert(t["confirmation_decision"]),
            {
                "request_id": lee_decided,
                "outcome": "confirmed",
                "comments": "",
                "action_plan": "",
                "decided_by": sue,
                "decided_by_name": "Sue",
                "decided_at": T0 + timedelta(days=1),
            },
        )
        closures = t["confirmation_closure"]
        c.execute(insert(closures), {"request_id": eve_closed, "closed_at": T0 + timedelta(days=3)})
        c.execute(insert(closures), {"request_id": ann_closed, "closed_at": T0 + timedelta(days=2)})
    engine.dispose()

    before = datetime.now(UTC)
    upgrade_database(database_at_0028)
    engine, t = reflected(database_at_0028)
    closures = t["confirmation_closure"]
    with engine.connect() as c:
        found = {
            row.request_id: (row.reason, aware(row.closed_at))
            for row in c.execute(select(closures))
        }
    engine.dispose()
    assert set(found) == {lee_waiting, kim_waiting, rob_waiting, eve_closed, ann_closed}
    assert found[eve_closed] == ("learner_erased", T0 + timedelta(days=3))
    assert found[ann_closed] == ("supervisor", T0 + timedelta(days=2))
    assert found[rob_waiting] == ("learner_left", removed_at)  # when the leaver row says
    for request in (lee_waiting, kim_waiting):  # as of the upgrade
        reason, closed_at = found[request]
        assert reason == "learner_left" and closed_at >= before - timedelta(seconds=1)
    assert ann_waiting not in found and lee_decided not in found

    from alembic import command

    command.downgrade(alembic_config(database_at_0028), "0028")
    engine, t = reflected(database_at_0028)
    assert "reason" not in t["confirmation_closure"].c
    with engine.connect() as c:
        kept = set(c.execute(select(t["confirmation_closure"].c.request_id)).scalars())
    engine.dispose()
    assert kept == set(found)
