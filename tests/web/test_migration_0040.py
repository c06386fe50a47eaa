"""Migration 0040 recounts the dashboard's module completions by module, under any id the
module's quiz has had there, each learner once; its triggers keep them so; its downgrade
restores 0039's view, triggers and counts exactly."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import delete, func, insert, select, update

from app.cli import alembic_config, upgrade_database
from app.models_counts import DashboardCountChange
from app.services import dashboard_counts
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import T0, _organisation, _passed, _person
from tests.web.test_migration_0036 import definitions

SLUG = "first"
NEW_ID = "renamed-quiz"
LATER = T0 + timedelta(days=120)  # another month than T0's
REVOKED = T0 + timedelta(days=130)
AGAIN = T0 + timedelta(days=140)  # after the revocation, another month than LATER's


@pytest.fixture(params=BACKENDS)
def database_at_0039(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0039."""
    with database_at(request.param, tmp_path, "0039") as url:
        yield url


def _passed_under_the_new_id(c, t, learner: int, number: int, at=LATER) -> None:
    """Write a pass of the module's quiz under its new id, and its completion."""
    c.execute(
        insert(t["attempt"]),
        {
            "user_id": learner,
            "quiz_id": NEW_ID,
            "module_slug": SLUG,
            "number": number,
            "status": "graded",
            "selection": [],
            "quiz_settings": {"kind": "assessment"},
            "started_at": at,
            "submitted_at": at,
            "percent": 100,
            "passed": True,
        },
    )
    c.execute(
        insert(t["completion"]),
        {"user_id": learner, "module_slug": SLUG, "item_key": f"quiz:{NEW_ID}", "completed_at": at},
    )


def old_rows(url: str) -> dict[str, int]:
    """Write, with the 0039 schema: Lee passed under the quiz's first id and again under its
    new one, Kim under the first only, Ann under the new one only. Return their ids."""
    engine, t = reflected(url)
    with engine.begin() as c:
        organisation = _organisation(c, t)
        people = {
            name: _person(c, t, organisation, f"{name}@example.org")
            for name in ("lee", "kim", "ann")
        }
        _passed(c, t, people["lee"], SLUG, T0, 1)
        _passed(c, t, people["kim"], SLUG, T0, 2)
        _passed_under_the_new_id(c, t, people["lee"], 2)
        _passed_under_the_new_id(c, t, people["ann"], 1)
    engine.dispose()
    return people


def counts(url: str) -> tuple[dict[tuple[str, str], int], int]:
    """Return the passes kept by key and month, and how many keys differ from a recount."""
    engine, _ = reflected(url)
    row = DashboardCountChange
    with engine.connect() as c:
        kept = {
            (key, value): n
            for key, value, n in c.execute(
                select(row.key, row.value, func.sum(row.change))
                .where(row.kind == dashboard_counts.PASSED)
                .group_by(row.key, row.value)
                .having(func.sum(row.change) != 0)
            )
        }
        differing = dashboard_counts.differences(c)
    engine.dispose()
    return kept, differing


def change(url: str, statement) -> None:
    engine, _ = reflected(url)
    with engine.begin() as c:
        c.execute(statement)
    engine.dispose()


def test_upgrade_counts_each_learner_once_a_module_and_downgrade_restores_0039(database_at_0039):
    url = database_at_0039
    people = old_rows(url)
    before = definitions(url)
    first, later = f"{T0:%Y-%m}", f"{LATER:%Y-%m}"
    # 0036's rule: by the quiz's id, so Lee twice and the first id's passes apart.
    by_quiz = {(f"quiz:{SLUG}-assessment", first): 2, (f"quiz:{NEW_ID}", later): 2}
    assert counts(url) == (by_quiz, 0)

    upgrade_database(url, "0040")
    # By module: Lee once, from his first pass; Kim; Ann from hers under the new id.
    assert counts(url) == ({(SLUG, first): 2, (SLUG, later): 1}, 0)
    assert definitions(url) != before

    # The triggers keep it so: Lee's first completion gone, he counts from his second.
    _, t = reflected(url)
    completion, credential, certificate = t["completion"], t["credential"], t["certificate"]
    change(url, delete(completion).where(
        completion.c.user_id == people["lee"], completion.c.item_key == f"quiz:{SLUG}-assessment"
    ))  # fmt: skip
    assert counts(url) == ({(SLUG, first): 1, (SLUG, later): 2}, 0)
    # Kim's certificate revoked: her one pass is withdrawn.
    kims = select(certificate.c.id).where(certificate.c.user_id == people["kim"])
    revoked = update(credential).where(credential.c.certificate_id.in_(kims))
    change(url, revoked.values(revoked_at=REVOKED, revoked_reason="Issued in error"))
    assert counts(url) == ({(SLUG, later): 2}, 0)
    # Kim passes under the new id after the revocation: she counts again, from that pass,
    # though her completion under the first id is the earlier.
    engine, tables = reflected(url)
    with engine.begin() as c:
        _passed_under_the_new_id(c, tables, people["kim"], 2, AGAIN)
    engine.dispose()
    again = f"{AGAIN:%Y-%m}"
    assert counts(url) == ({(SLUG, later): 2, (SLUG, again): 1}, 0)

    command.downgrade(alembic_config(url), "0039")
    assert definitions(url) == before
    assert counts(url)[1] == 0

    upgrade_database(url, "0040")
    assert counts(url) == ({(SLUG, later): 2, (SLUG, again): 1}, 0)
