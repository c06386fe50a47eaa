"""Migration 0034 lets a learner hold a certificate for each pass of a module (a renewal's
own), one for each attempt, and its downgrade refuses to drop any of them."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _passed, _person
from tests.web.test_migration_0030 import T0

SLUG = "what-is-social-prescribing"


@pytest.fixture(params=BACKENDS)
def database_at_0033(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0033."""
    with database_at(request.param, tmp_path, "0033") as url:
        yield url


def _certificate(c, t, learner: int, attempt: int, code: str) -> None:
    c.execute(
        insert(t["certificate"]),
        {
            "code": code,
            "user_id": learner,
            "module_slug": SLUG,
            "attempt_id": attempt,
            "issued_at": T0 + timedelta(days=400),
            "reflective_account": {},
            "holder_name": "Lee",
            "holder_profession": "link-worker",
            "module_title": SLUG,
            "cpd_minutes": 45,
            "learning_outcomes": [],
            "competencies": [],
        },
    )


def _renewal_attempt(c, t, learner: int) -> int:
    return c.execute(
        insert(t["attempt"]).returning(t["attempt"].c.id),
        {
            "user_id": learner,
            "quiz_id": f"{SLUG}-assessment",
            "module_slug": SLUG,
            "number": 2,
            "status": "graded",
            "selection": [],
            "started_at": T0 + timedelta(days=400),
            "submitted_at": T0 + timedelta(days=400),
            "percent": 100,
            "passed": True,
        },
    ).scalar_one()


def test_a_renewal_gets_its_own_certificate_and_an_attempt_never_two(database_at_0033):
    from alembic import command

    url = database_at_0033
    engine, t = reflected(url)
    with engine.begin() as c:
        lee = _person(c, t, _organisation(c, t), "lee@example.org")
        _passed(c, t, lee, SLUG, T0, 1)
        before = c.execute(select(t["certificate"])).all()
    engine.dispose()
    upgrade_database(url, "head")
    engine, t = reflected(url)
    with engine.begin() as c:
        # The columns it had (later migrations add others, such as 0047's).
        kept = [t["certificate"].c[name] for name in before[0]._fields]
        assert c.execute(select(*kept)).all() == before
        first_attempt = before[0].attempt_id
        _certificate(c, t, lee, _renewal_attempt(c, t, lee), "LW-0002")
    with pytest.raises(IntegrityError), engine.begin() as c:
        _certificate(c, t, lee, first_attempt, "LW-0003")
    engine.dispose()
    with pytest.raises(RuntimeError, match="1 learner-and-module pairs hold more than one"):
        command.downgrade(alembic_config(url), "0033")
