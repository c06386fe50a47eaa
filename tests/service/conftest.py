"""Fixtures the service tests share."""

import pytest

from tests.service.postgres import missing_service, postgres_server


@pytest.fixture(scope="module")
def server():
    """Yield the URL of a PostgreSQL server for the module's throwaway databases."""
    try:
        with postgres_server() as url:
            yield url
    except RuntimeError as missing:
        missing_service(str(missing))
