"""Migration 0047 gives certificates the clinical reviewer their module named at issue:
certificates from before keep none (never kept, and not to be guessed from today's course),
and read as "not recorded", claiming no review."""

import pytest
from sqlalchemy import select

from app.cli import upgrade_database
from app.domain.certificates import content_review
from tests.conftest import BACKENDS
from tests.databases import database_at, reflected
from tests.web.test_migration_0027 import _organisation, _passed, _person
from tests.web.test_migration_0030 import T0

SLUG = "what-is-social-prescribing"


@pytest.fixture(params=BACKENDS)
def database_at_0046(request, tmp_path):
    """Yield the URL of an empty database migrated only as far as 0046."""
    with database_at(request.param, tmp_path, "0046") as url:
        yield url


def test_certificates_from_before_record_no_reviewer_and_claim_no_review(database_at_0046):
    url = database_at_0046
    engine, t = reflected(url)
    with engine.begin() as c:
        _passed(c, t, _person(c, t, _organisation(c, t), "lee@example.org"), SLUG, T0, 1)
    engine.dispose()
    upgrade_database(url, "0047")
    engine, t = reflected(url)
    with engine.connect() as c:
        [reviewer] = c.execute(select(t["certificate"].c.clinical_reviewer)).scalars().all()
    engine.dispose()
    assert reviewer is None
    assert content_review(reviewer).startswith("Not recorded when the module's quiz was taken")
