"""A team's learners are counted as every manager page counts learners: a member who is made
a manager stops being one of them, and is one again when stepped back."""

import re

from sqlalchemy import select

from app import db
from app.models import Organisation
from app.models_teams import TeamMember
from app.services import teams
from tests.conftest import sign_in
from tests.web.journeys import user_id
from tests.web.pcn import ORG


def _learners_column(page: str) -> dict[str, str]:
    # Each team's row on /manage/teams: its name and the number in its Learners column.
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', page, re.S)
    found = {}
    for row in rows:
        name = re.search(r'<a href="/manage/teams/\d+">([^<]+)</a>', row)
        cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">(.*?)</td>', row, re.S)
        if name and cells:
            found[name.group(1)] = cells[-1].strip()
    return found


def test_a_team_member_made_a_manager_is_not_counted_as_its_learner(
    app, client, runner, make_user, pcn
):
    make_user(email="cora@example.org", org=ORG, full_name="Cora Elm")
    placed = runner.invoke(args=["place-in-team", "cora@example.org", ORG, "Elm Practice"])
    assert placed.exit_code == 0, placed.output
    sign_in(client, "lead@example.org")
    assert _learners_column(client.get("/manage/teams").text)["Elm Practice"] == "2"

    promoted = runner.invoke(args=["set-role", "cora@example.org", "manager"])
    assert promoted.exit_code == 0, promoted.output
    page = client.get("/manage/teams").text
    assert _learners_column(page) == {"Elm Practice": "1", "Oak Practice": "1"}
    with app.app_context():
        org = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
        counted = {row.name: row.learners for row in teams.teams_in(teams.Scope(org))}
        assert counted == {"Elm Practice": 1, "Oak Practice": 1}
        # The team page agrees: Asha alone.
        elm = db.session().get(TeamMember, pcn["asha"]).team_id
        # Her place in the team is kept, so stepped back she is its learner again.
        assert db.session().get(TeamMember, user_id(app, "cora@example.org")) is not None
    team_page = client.get(f"/manage/teams/{elm}").text
    assert "Asha Elm" in team_page and "Cora Elm" not in team_page

    stepped_back = runner.invoke(args=["set-role", "cora@example.org", "learner"])
    assert stepped_back.exit_code == 0, stepped_back.output
    assert _learners_column(client.get("/manage/teams").text)["Elm Practice"] == "2"
