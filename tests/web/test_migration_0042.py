"""Migration 0042 has pending sign-ups record the join code they gave and when a manager
replaced it; a sign-up from before records neither, and finishes as it did: in the
organisation it recorded, even once the organisation's code is replaced."""

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import insert, select

from app import create_app, db
from app.cli import alembic_config, upgrade_database
from app.models import User
from app.services import join_codes, registration, tokens
from app.services.teams import Scope
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
TOKEN = "a-link-emailed-before-0042"
COLUMNS = ("join_code", "join_code_replaced_at")


@pytest.fixture(params=BACKENDS)
def database_at_0041(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0041."""
    with database_at(request.param, tmp_path, "0041") as url:
        yield url


def sign_up_as_it_was(url: str) -> int:
    """Write, with the 0041 schema, an organisation and a sign-up that gave its code (the
    organisation recorded, not the code); return the organisation's id."""
    engine, t = reflected(url)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        c.execute(
            insert(t["pending_registration"]),
            {
                "token_hash": tokens.hash_secret(TOKEN),
                "email": "early@example.org",
                "full_name": "Early Bird",
                "password_hash": "!",
                "profession": "link-worker",
                "organisation_id": organisation,
                "professional_confirmed_at": T0,
                "created_at": T0,
                "expires_at": datetime.now(UTC) + timedelta(hours=12),
            },
        )
    engine.dispose()
    return organisation


def recorded(url: str) -> dict | None:
    """Return the new columns of the sign-up, None when the table has none of them."""
    engine, t = reflected(url)
    table = t["pending_registration"]
    if not set(COLUMNS) & set(table.c.keys()):
        engine.dispose()
        return None
    with engine.connect() as c:
        row = c.execute(select(*(table.c[name] for name in COLUMNS))).one()
    engine.dispose()
    return dict(zip(COLUMNS, row, strict=True))


def test_a_sign_up_from_before_records_no_code_and_joins_as_it_did(database_at_0041):
    url = database_at_0041
    organisation = sign_up_as_it_was(url)
    upgrade_database(url, "0042")
    assert recorded(url) == {"join_code": None, "join_code_replaced_at": None}
    command.downgrade(alembic_config(url), "0041")
    assert recorded(url) is None
    upgrade_database(url, "0042")
    assert recorded(url) == {"join_code": None, "join_code_replaced_at": None}

    upgrade_database(url)
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "t"})
    try:
        with app.test_request_context():
            scope = Scope(organisation)
            done = join_codes.replace_organisation_code(scope, "RIVER1", actor_id=None)
            assert done.sign_ups == 0  # it gave no code the replacement could find
            page = registration.pending_page(TOKEN)
            assert (page.organisation, page.code_replaced) == ("Riverside PCN", False)
            confirmed = registration.confirm(TOKEN)
            assert not confirmed.code_replaced
            joined = db.session().scalar(
                select(User.organisation_id).where(User.email == "early@example.org")
            )
            assert joined == organisation
    finally:
        app.extensions["linkwise.engine"].dispose()
