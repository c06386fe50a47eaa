"""Migration 0036 recounts the dashboard's module completions by the rule that a completion
counts while one of the learner's passes of its quiz counts, and its downgrade restores
0035's view, triggers and counts exactly."""

import uuid
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, insert, select, text, update

from app.cli import alembic_config, upgrade_database
from app.models_counts import DashboardCountChange
from app.services import dashboard_counts
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import T0, _organisation, _passed, _person

SLUG = "first"
RENEWED = T0 + timedelta(days=120)  # another month than T0's
REVOKED = T0 + timedelta(days=130)


@pytest.fixture(params=BACKENDS)
def database_at_0035(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0035."""
    with database_at(request.param, tmp_path, "0035") as url:
        yield url


def _renewal(c, t, learner: int, number: int) -> int:
    """Write a renewal of the first module's quiz as the 0035 code did (a pass with its own
    certificate and credential); return the certificate's id."""
    attempt = c.execute(
        insert(t["attempt"]).returning(t["attempt"].c.id),
        {
            "user_id": learner,
            "quiz_id": f"{SLUG}-assessment",
            "module_slug": SLUG,
            "number": 2,
            "status": "graded",
            "selection": [],
            "started_at": RENEWED,
            "submitted_at": RENEWED,
            "percent": 100,
            "passed": True,
        },
    ).scalar_one()
    certificate = c.execute(
        insert(t["certificate"]).returning(t["certificate"].c.id),
        {
            "code": f"LW-{number:04d}",
            "user_id": learner,
            "module_slug": SLUG,
            "attempt_id": attempt,
            "issued_at": RENEWED,
            "reflective_account": {},
            "holder_name": "Lee",
            "holder_profession": "link-worker",
            "module_title": SLUG,
            "cpd_minutes": 45,
            "learning_outcomes": [],
            "competencies": [],
        },
    ).scalar_one()
    c.execute(
        insert(t["credential"]),
        {
            "certificate_id": certificate,
            "credential_id": f"urn:uuid:{uuid.uuid4()}",
            "status_list": 1,
            "status_index": number,
            "key_id": "k",
            "jwt": "a.b.c",
            "issued_at": RENEWED,
        },
    )
    return certificate


def old_rows(url: str) -> None:
    """Write, with the 0035 schema, three learners who passed and renewed the module: Lee's
    renewal revoked, Ann's first pass, both of Kim's (one statement each)."""
    engine, t = reflected(url)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        revoked = []
        for number, name in enumerate(("lee", "ann", "kim")):
            learner = _person(c, t, organisation, f"{name}@example.org")
            first = _passed(c, t, learner, SLUG, T0, 10 * number + 1)
            renewal = _renewal(c, t, learner, 10 * number + 2)
            revoked += {"lee": [renewal], "ann": [first], "kim": [renewal, first]}[name]
        for certificate in revoked:
            c.execute(
                update(t["credential"])
                .where(t["credential"].c.certificate_id == certificate)
                .values(revoked_at=REVOKED, revoked_reason="Issued in error")
            )
    engine.dispose()


def counts(url: str) -> tuple[dict[str, int], int]:
    """Return the passes kept by month, and how many keys differ from a recount."""
    engine, _ = reflected(url)
    row = DashboardCountChange
    with engine.connect() as c:
        kept = dict(
            c.execute(
                select(row.value, func.sum(row.change))
                .where(row.kind == dashboard_counts.PASSED)
                .group_by(row.value)
                .having(func.sum(row.change) != 0)
            ).all()
        )
        differing = dashboard_counts.differences(c)
    engine.dispose()
    return kept, differing


def definitions(url: str) -> dict[str, str]:
    """Return the text of every view, trigger and (PostgreSQL) function, by name."""
    engine, _ = reflected(url)
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            found = c.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')")
            ).all()
        else:
            found = c.execute(
                text(
                    "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
                    " UNION ALL SELECT viewname, definition FROM pg_views"
                    " WHERE schemaname = 'public'"
                    " UNION ALL SELECT proname, pg_get_functiondef(p.oid) FROM pg_proc p"
                    " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = 'public'"
                )
            ).all()
    engine.dispose()
    return dict(found)


def test_upgrade_recounts_completions_by_the_passes_that_count_and_downgrade_restores_0035(
    database_at_0035,
):
    url = database_at_0035
    old_rows(url)
    before = definitions(url)
    # 0027's rule: every completion left out, Kim's twice over (one for each revocation).
    assert counts(url) == ({"2026-03": -1}, 1)

    upgrade_database(url, "0036")
    # Lee's completion where it was, Ann's from her renewal, Kim's gone.
    by_month = {"2026-03": 1, f"{RENEWED:%Y-%m}": 1}
    assert counts(url) == (by_month, 0)
    assert definitions(url) != before

    command.downgrade(alembic_config(url), "0035")
    assert definitions(url) == before
    assert counts(url) == ({}, 0)  # 0027's rule, recounted

    upgrade_database(url, "0036")
    assert counts(url) == (by_month, 0)
