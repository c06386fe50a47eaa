"""A knowledge check's ?check= is read as ASCII digits within what the database holds: junk
is ignored and a huge number is never a 500, on either database."""

import pytest

from app import db
from app.content import catalogue
from app.services import learning
from tests.web.journeys import user_id

ODD = [
    "99999999999999999999",  # past SQLite's 64-bit integers
    "2147483648",  # past PostgreSQL's INTEGER
    "9223372036854775808",
    "-1",
    "0",
    "1e9",
    "٣",
    " 2",
    "+2",
    "1_0",
    "1" * 5000,
    "abc",
]


@pytest.fixture
def screen_with_check(app, signed_in):
    """Return a screen with a knowledge check the signed-in learner has reached."""
    with app.app_context():
        module = next(m for m in catalogue().modules if any(s.knowledge_check for s in m.screens))
        learner = user_id(app, "learner@example.org")
        for key in module.screen_item_keys:
            learning.record(learner, module.slug, key)
        db.session().commit()
        screen = next(s for s in module.screens if s.knowledge_check)
    return f"/modules/{module.slug}/{screen.slug}/"


@pytest.mark.parametrize("value", ODD)
def test_a_knowledge_check_s_feedback_number_is_read_safely(signed_in, screen_with_check, value):
    response = signed_in.get(screen_with_check, query_string={"check": value})
    assert response.status_code == 200
    assert "Check your knowledge" in response.text or "knowledge-check" in response.text
