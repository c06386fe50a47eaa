"""Migration 0045 records the passes the revocations made before it withdrew, by the rule
compliance counts by (services/passes.py), so their answers stop counting as evidence; its
downgrade drops the record."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, update

from app.cli import alembic_config, upgrade_database
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import T0, _organisation, _passed, _person

REVOKED = T0 + timedelta(days=30)


@pytest.fixture(params=BACKENDS)
def database_at_0044(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0044."""
    with database_at(request.param, tmp_path, "0044") as url:
        yield url


def _attempt(c, t, learner: int, slug: str, number: int, passed: bool, kind=None) -> int:
    """Write a graded attempt with no certificate of its own; return its id."""
    return c.execute(
        insert(t["attempt"]).returning(t["attempt"].c.id),
        {
            "user_id": learner,
            "quiz_id": f"{slug}-assessment" if kind is None else f"{slug}-check",
            "module_slug": slug,
            "number": number,
            "status": "graded",
            "selection": [],
            "quiz_settings": {} if kind is None else {"kind": kind},
            "started_at": T0,
            "submitted_at": T0 - timedelta(days=1),
            "percent": 100 if passed else 20,
            "passed": passed,
        },
    ).scalar_one()


def old_rows(url: str) -> dict[str, int]:
    """Write, with the 0044 schema: Lee's pass revoked, Kim's not, and for Ann a failed
    attempt, a knowledge check passed and an uncertified pass before her revoked one."""
    engine, t = reflected(url)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        lee, kim, ann = (
            _person(c, t, organisation, f"{n}@example.org") for n in ("lee", "kim", "ann")
        )
        ids = {"lee": lee}
        ann_failed = _attempt(c, t, ann, "first", 2, passed=False)
        ann_check = _attempt(c, t, ann, "first", 1, passed=True, kind="knowledge-check")
        ann_uncertified = _attempt(c, t, ann, "first", 3, passed=True)
        revoked = [_passed(c, t, lee, "first", T0, 1), _passed(c, t, ann, "first", T0, 2)]
        _passed(c, t, kim, "first", T0, 3)
        c.execute(
            update(t["credential"])
            .where(t["credential"].c.certificate_id.in_(revoked))
            .values(revoked_at=REVOKED, revoked_reason="Issued in error")
        )
        certified = dict(
            c.execute(select(t["certificate"].c.id, t["certificate"].c.attempt_id)).all()
        )
        ids |= {
            "lee_pass": certified[revoked[0]],
            "ann_pass": certified[revoked[1]],
            "ann_failed": ann_failed,
            "ann_check": ann_check,
            "ann_uncertified": ann_uncertified,
        }
    engine.dispose()
    return ids


def test_upgrade_records_the_passes_revoked_before_it_and_downgrade_drops_them(
    database_at_0044,
):
    ids = old_rows(database_at_0044)
    upgrade_database(database_at_0044, "0045")
    engine, t = reflected(database_at_0044)
    with engine.connect() as c:
        found = dict(
            c.execute(select(t["revoked_pass"].c.attempt_id, t["revoked_pass"].c.revoked_at)).all()
        )
    engine.dispose()
    # Lee's and Ann's revoked passes, and Ann's pass with no certificate of its own before
    # hers was revoked; not her failed attempt, her knowledge check, nor Kim's pass.
    assert set(found) == {ids["lee_pass"], ids["ann_pass"], ids["ann_uncertified"]}
    assert all(at.replace(tzinfo=REVOKED.tzinfo) == REVOKED for at in found.values())
    command.downgrade(alembic_config(database_at_0044), "0044")
    engine, _ = reflected(database_at_0044)
    assert "revoked_pass" not in inspect(engine).get_table_names()
    engine.dispose()
