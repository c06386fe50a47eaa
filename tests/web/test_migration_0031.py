"""Migration 0031 gives each learner who left an organisation on their own before 0029 the
leaver row that leaving has written since, rebuilt from the audit log's organisation.left
events: once, never beside a row the event already has, with its team marked as not
recorded; downgrading takes only those rows away."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from app.cli import alembic_config, upgrade_database
from app.services.rating_reads import aware
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _person

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(params=BACKENDS)
def database_at_0030(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0030."""
    with database_at(request.param, tmp_path, "0030") as url:
        yield url


def _leavers(engine, t) -> list[tuple]:
    """Return every leaver row (who, organisation, removed by, when), sorted: a row twice
    is there twice."""
    leaver = t["organisation_leaver"].c
    with engine.connect() as c:
        rows = c.execute(
            select(leaver.user_id, leaver.organisation_id, leaver.removed_by, leaver.left_at)
        )
        return sorted((user, org, by, aware(at)) for user, org, by, at in rows)


def test_learners_who_left_on_their_own_before_0029_become_leavers_once(database_at_0030):
    from alembic import command

    engine, t = reflected(database_at_0030)
    organisation, leaver, event = t["organisation"], t["organisation_leaver"], t["audit_event"]
    with engine.begin() as c:
        river, hill = _organisation(c, t), _organisation(c, t, "Hillside PCN", "HILL01")
        c.execute(  # named by an event older than it
            insert(organisation),
            {"name": "Late PCN", "join_code": "LATE01", "created_at": T0 + 9 * DAY},
        )
        lee = _person(c, t, None, "lee@example.org")  # left Riverside before 0029: no row
        ann = _person(c, t, None, "ann@example.org")  # left twice: before 0029, and since
        kim = _person(c, t, hill, "kim@example.org")  # left Riverside since 0029, moved on
        rob = _person(c, t, None, "rob@example.org")  # removed by a manager: a row, no event
        mo = _person(c, t, river, "mo@example.org", role="manager")
        eve = _person(c, t, None, "eve@example.org")  # named an organisation that is no more

        def left(person, name, at, **detail):
            c.execute(
                insert(event),
                {
                    "occurred_at": at,
                    "kind": "organisation.left",
                    "actor_id": person,
                    "via": "web",
                    "detail": {"organisation": name, **detail},
                },
            )

        def row(person, org, by, at, team=None):
            c.execute(
                insert(leaver),
                {
                    "organisation_id": org,
                    "user_id": person,
                    "team_name": team,
                    "removed_by": by,
                    "left_at": at,
                },
            )

        left(lee, "Riverside PCN", T0 + DAY)
        left(ann, "Riverside PCN", T0 + 2 * DAY)
        left(ann, "Riverside PCN", T0 + 6 * DAY)  # since 0029: with its row, a moment apart
        row(ann, river, ann, T0 + 6 * DAY - timedelta(milliseconds=3), "Elm Practice")
        left(kim, "Riverside PCN", T0 + 4 * DAY)
        row(kim, river, kim, T0 + 4 * DAY - timedelta(milliseconds=2), "Oak Practice")
        row(rob, river, mo, T0 + 3 * DAY, "Elm Practice")
        left(eve, "Gone PCN", T0 + DAY)
        left(eve, "Late PCN", T0 + 2 * DAY)  # before any organisation had that name
        left(None, "Riverside PCN", T0 + DAY)  # a person since deleted
        c.execute(  # another kind of event about leaving is left alone
            insert(event),
            {"occurred_at": T0, "kind": "learner.removed", "actor_id": mo, "subject_id": rob,
             "via": "web", "detail": {"organisation_id": river}},
        )  # fmt: skip
    before = _leavers(engine, t)
    engine.dispose()

    upgrade_database(database_at_0030)
    engine, t = reflected(database_at_0030)
    made = [(lee, river, lee, T0 + DAY), (ann, river, ann, T0 + 2 * DAY)]
    assert _leavers(engine, t) == sorted(before + made)
    leaver = t["organisation_leaver"].c
    with engine.connect() as c:
        unrecorded = c.execute(
            select(leaver.user_id, leaver.team_name).where(leaver.team_recorded.is_(False))
        ).all()
        recorded = c.scalars(select(leaver.user_id).where(leaver.team_recorded.is_(True))).all()
    assert sorted(unrecorded) == sorted([(lee, None), (ann, None)])
    assert sorted(recorded) == sorted([ann, kim, rob])

    # Down and up again: the rows made here go, and come back once.
    command.downgrade(alembic_config(database_at_0030), "0030")
    engine.dispose()
    engine, t = reflected(database_at_0030)
    assert "team_recorded" not in t["organisation_leaver"].c
    assert _leavers(engine, t) == before
    engine.dispose()
    upgrade_database(database_at_0030)
    engine, t = reflected(database_at_0030)
    assert _leavers(engine, t) == sorted(before + made)
    engine.dispose()
