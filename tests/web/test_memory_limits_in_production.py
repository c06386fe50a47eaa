"""Production may start with its rate-limit counts in memory, but says in one warning that
each process then counts alone (the README's four workers give every allowance four times)."""

import logging

import pytest

from app import create_app
from app.rate_limits import MEMORY_IN_PRODUCTION
from tests.conftest import PRODUCTION


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "linkwise.rate_limits"]


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ({**PRODUCTION}, [MEMORY_IN_PRODUCTION]),
        ({**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, []),
        ({"LINKWISE_ENV": "development"}, []),
        ({"LINKWISE_ENV": "test"}, []),
    ],
    ids=["production-memory", "production-redis", "development", "test"],
)
def test_production_counting_in_memory_says_so_once_as_it_starts(
    database_url, caplog, settings, warned
):
    caplog.set_level(logging.WARNING, logger="linkwise.rate_limits")
    app = create_app({**settings, "DATABASE_URL": database_url})
    assert _warnings(caplog) == warned
    app.extensions["linkwise.engine"].dispose()
    if warned:
        assert "memory://" in warned[0] and "4 times" in warned[0] and "Redis" in warned[0]
        assert warned[0].count(". ") == 0  # one sentence
