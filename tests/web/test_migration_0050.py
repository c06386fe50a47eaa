"""Migration 0050 records when each learner joined their organisation and took their
profession: from the audit log's joins, moves and changes of details where it says, else
the account's creation; nothing for a learner in no organisation. Downgrading drops both."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from app.cli import alembic_config, upgrade_database
from app.services.rating_reads import aware
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import T0, _organisation, _person

DAY = timedelta(days=1)


@pytest.fixture(params=BACKENDS)
def database_at_0049(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0049."""
    with database_at(request.param, tmp_path, "0049") as url:
        yield url


def test_joins_and_professions_are_dated_from_the_audit_log_else_the_account(database_at_0049):
    from alembic import command

    url = database_at_0049
    engine, t = reflected(url)
    with engine.begin() as c:
        river, hill = _organisation(c, t), _organisation(c, t, "Hillside PCN", "HILL01")
        ann = _person(c, t, river, "ann@example.org")  # registered into Riverside: no event
        kim = _person(c, t, hill, "kim@example.org")  # joined Riverside, then Hillside by code
        rob = _person(c, t, hill, "rob@example.org")  # moved to Hillside by an administrator
        lee = _person(c, t, None, "lee@example.org")  # joined, then left: in none
        eve = _person(c, t, river, "eve@example.org")  # moved to Hillside, then back by code

        def event(kind, at, actor=None, subject=None, **detail):
            c.execute(
                insert(t["audit_event"]),
                {"occurred_at": at, "kind": kind, "actor_id": actor, "subject_id": subject,
                 "via": "web", "detail": detail},
            )  # fmt: skip

        event("organisation.joined", T0 + DAY, kim, organisation="Riverside PCN")
        event("organisation.joined", T0 + 3 * DAY, kim, organisation="Hillside PCN", left="x")
        event("role.changed", T0 + 4 * DAY, None, rob, old="learner", new="learner",
              new_organisation_id=hill, new_organisation="Hillside PCN")  # fmt: skip
        event("organisation.joined", T0 + DAY, lee, organisation="Riverside PCN")
        event("organisation.left", T0 + 2 * DAY, lee, organisation="Riverside PCN")
        event("role.changed", T0 + DAY, None, eve, old="learner", new="learner",
              new_organisation_id=hill, new_organisation="Hillside PCN")  # fmt: skip
        event("organisation.joined", T0 + 5 * DAY, eve, organisation="Riverside PCN")
        event("account.details_changed", T0 + 2 * DAY, ann, fields=["profession"])
        event("account.details_changed", T0 + 6 * DAY, ann, fields=["full_name"])
        event("account.details_changed", T0 + 7 * DAY, kim, fields=["full_name"])
    engine.dispose()

    upgrade_database(url, "0050")
    engine, t = reflected(url)
    user = t["user_account"].c
    with engine.connect() as c:
        found = {
            person: (aware(joined), aware(since))
            for person, joined, since in c.execute(
                select(user.id, user.organisation_joined_at, user.profession_since)
            )
        }
    engine.dispose()
    assert found == {
        ann: (T0, T0 + 2 * DAY),
        kim: (T0 + 3 * DAY, T0),
        rob: (T0 + 4 * DAY, T0),
        lee: (None, T0),
        eve: (T0 + 5 * DAY, T0),
    }

    command.downgrade(alembic_config(url), "0049")
    engine, t = reflected(url)
    assert not {"organisation_joined_at", "profession_since"} & set(t["user_account"].c.keys())
    engine.dispose()
    upgrade_database(url, "0050")
    engine, t = reflected(url)
    assert {"organisation_joined_at", "profession_since"} <= set(t["user_account"].c.keys())
    engine.dispose()
