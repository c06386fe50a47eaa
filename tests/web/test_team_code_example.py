"""The example beside a team code field looks like the codes teams are given.

A reviewer found /my/team saying codes look "like K7PX2" (5 characters) while every team
code made is 8 characters of the join code alphabet (XW4FHVW3, say).
"""

import re

from sqlalchemy import select

from app import db
from app.domain.accounts import JOIN_CODE_ALPHABET
from app.models_teams import Team
from tests.conftest import sign_in
from tests.web.pcn import ORG


def made_team_code(app, runner) -> str:
    """Create a team with the code Linkwise makes for it; return that code."""
    result = runner.invoke(args=["create-team", ORG, "Ash Practice"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session().scalar(select(Team.join_code).where(Team.name == "Ash Practice"))


def test_the_team_code_hint_shows_an_example_shaped_as_a_made_code(app, client, runner, pcn):
    made = made_team_code(app, runner)
    sign_in(client, "asha@example.org")
    page = client.get("/my/team").text
    (example,) = re.findall(r"letters and numbers, like (\w+) \(an example, not a real", page)
    assert len(example) == len(made) == 8
    assert set(example) <= set(JOIN_CODE_ALPHABET) and set(made) <= set(JOIN_CODE_ALPHABET)
    assert example != made
