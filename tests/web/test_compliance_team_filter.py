"""A compliance team filter that is not one of the manager's teams is refused, on the page
and in the downloads, never taken as every team: a number that is no team of theirs (another
organisation's, one deleted) is the NHS error on the Team list, anything else a bad request,
as the Assignments form treats its team list."""

from lxml import html
from sqlalchemy import select

from app import db
from app.models_teams import Team
from tests.conftest import sign_in
from tests.web.error_summary import summary_of


def _team(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def test_a_team_of_another_organisation_lists_nothing_and_says_to_choose_one_of_yours(
    app, client, runner, pcn, make_user
):
    make_user(email="hm@example.org", role="manager", org="Hillside PCN")
    made = runner.invoke(args=["create-team", "Hillside PCN", "Birch Surgery"])
    assert made.exit_code == 0, made.output
    birch = _team(app, "Birch Surgery")
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/compliance?team={birch}")
    assert page.status_code == 400
    summary_of(page)  # "Error: " title, a link to the Team list
    assert 'href="#team"' in page.text
    tree = html.fromstring(page.text)
    assert tree.get_element_by_id("team-error").text_content().strip() == (
        "Error: Select one of your teams"
    )
    assert "Asha Elm" not in page.text and "Ben Oak" not in page.text  # nothing listed
    for kind in ("csv", "xlsx"):
        assert client.get(f"/manage/compliance.{kind}?team={birch}").status_code == 400, kind
    # A practice manager asking for a team of their organisation they do not manage: the same.
    sign_in(client, "pm@example.org")
    oak = _team(app, "Oak Practice")
    assert client.get(f"/manage/compliance?team={oak}").status_code == 400
    assert client.get(f"/manage/compliance.csv?team={oak}").status_code == 400
    # Their own team is still a filter, and no team is all of theirs.
    elm = _team(app, "Elm Practice")
    assert client.get(f"/manage/compliance?team={elm}").status_code == 200
    assert "Asha Elm" in client.get(f"/manage/compliance.csv?team={elm}").text
    assert client.get("/manage/compliance.csv?team=").status_code == 200


def test_a_team_that_is_no_number_is_a_bad_request(app, client, pcn):
    sign_in(client, "lead@example.org")
    for path in ("/manage/compliance", "/manage/compliance.csv", "/manage/compliance.xlsx"):
        assert client.get(f"{path}?team=abc").status_code == 400, path
