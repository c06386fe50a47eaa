"""Each app's rate limits are its own: an app made with them off leaves the next one on."""

import pytest

from app.rate_limits import limiter
from tests.conftest import build_app, confirm_professional, post_form
from tests.web.test_register import GOOD


@pytest.fixture
def made_with_limits_off(database_url, smtp_server):
    """Make an app with RATELIMIT_ENABLED off before the test's own app is made."""
    app = build_app(database_url, smtp_server, RATELIMIT_ENABLED=False)
    assert not limiter.enabled
    yield app
    app.extensions["linkwise.engine"].dispose()


def test_an_app_made_with_limits_off_does_not_switch_them_off_for_the_next(
    made_with_limits_off, client
):
    # The limiter is one object for the process: Flask-Limiter takes an app's `enabled`
    # from the limiter itself when the app's config does not say, so without a default of
    # its own the second app kept the first one's "off".
    confirm_professional(client)
    statuses = [
        post_form(client, "/register", {**GOOD, "email": f"person{n}@example.org"}).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
