"""Join codes: one code joins one organisation or one team, whichever was made first, also
when both are made at once; a learner sees where their code puts them before they sign up."""

from urllib.parse import urlsplit

from sqlalchemy import func, select

from app import db
from app.models import Organisation, User
from app.models_teams import Team
from app.services import accounts, teams
from tests.web.meetings import meeting_before_writing
from tests.web.test_quiz_concurrency import at_once
from tests.web.test_register import finish, register

IN_USE = "Error: The join code {} is already in use by another organisation or team"


def uses_of(app, code: str) -> int:
    """Return how many organisations and teams have the join code."""
    with app.app_context():
        session = db.session()
        return session.scalar(
            select(func.count(Organisation.id)).where(Organisation.join_code == code)
        ) + session.scalar(select(func.count(Team.id)).where(Team.join_code == code))


def test_an_organisation_cannot_take_a_team_s_join_code(app, runner):
    runner.invoke(args=["create-org", "Riverside PCN"])
    made = runner.invoke(args=["create-team", "Riverside PCN", "Elm Street", "--join-code", "EL1"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(args=["create-org", "Clash Org", "--join-code", "el-1"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [IN_USE.format("EL1")]
    assert uses_of(app, "EL1") == 1
    with app.app_context():
        assert (
            db.session().scalar(select(Organisation.id).where(Organisation.name == "Clash Org"))
            is None
        )


def test_an_organisation_cannot_take_another_organisation_s_join_code(app, runner):
    runner.invoke(args=["create-org", "Riverside PCN", "--join-code", "RIVER123"])
    result = runner.invoke(args=["create-org", "Hillside PCN", "--join-code", "river 123"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [IN_USE.format("RIVER123")]


def test_a_join_code_with_no_letters_or_numbers_or_too_long_is_refused(app, runner):
    runner.invoke(args=["create-org", "Riverside PCN"])
    for command in (["create-org", "Hillside PCN"], ["create-team", "Riverside PCN", "Elm"]):
        for code, said in (
            ("!!!", "A join code must have letters or numbers in it"),
            ("A" * 33, "A join code must be 32 characters or fewer"),
        ):
            result = runner.invoke(args=[*command, "--join-code", code])
            assert result.exit_code == 1, command
            assert result.output.strip().splitlines() == [f"Error: {said}"]
    with app.app_context():
        assert db.session().scalar(select(func.count(Organisation.id))) == 1
        assert db.session().scalar(select(func.count(Team.id))) == 0


def test_an_organisation_and_a_team_made_at_once_cannot_share_a_join_code(app, runner):
    runner.invoke(args=["create-org", "Riverside PCN"])
    with app.app_context():
        riverside = db.session().scalar(select(Organisation.id))

    def make(create):
        def run():
            with app.app_context():
                try:
                    create()
                except (accounts.AccountError, teams.TeamError) as error:
                    return error.message
                return "made"

        return run

    made_together = [
        make(lambda: accounts.create_organisation("Clash Org", "SAME1111")),
        make(
            lambda: teams.create_team(riverside, "Elm Street", actor_id=None, join_code="SAME1111")
        ),
    ]
    # Both have read that no one has the code before either writes: only the lock stops them.
    with meeting_before_writing(app, 2):
        results = at_once(made_together)
    assert sorted(results) == [IN_USE.format("SAME1111").removeprefix("Error: "), "made"]
    assert uses_of(app, "SAME1111") == 1


def test_the_confirm_page_says_which_organisation_and_team_the_code_joins(
    app, client, mailbox, pcn
):
    assert register(client, join_code="elm1 1111").status_code == 200
    page = client.get(confirm_path(mailbox)).text
    assert "Riverside PCN" in page and "Elm Practice" in page
    assert "The join code you gave adds you to Riverside PCN, in the team Elm Practice" in page
    assert "Check the join code with your manager" in page
    finish(client, mailbox)
    with app.app_context():
        priya = db.session().scalar(select(User).where(User.email == "priya.shah@example.org"))
        assert (priya.organisation.name, teams.team_of(priya.id).name) == (
            "Riverside PCN",
            "Elm Practice",
        )


def test_the_confirm_page_says_when_no_organisation_is_joined(app, client, mailbox):
    assert register(client).status_code == 200
    page = client.get(confirm_path(mailbox)).text
    assert "You are not joining an organisation" in page
    assert "The join code you gave" not in page


def confirm_path(mailbox) -> str:
    return urlsplit(mailbox.link("priya.shah@example.org", "/register/confirm/")).path
