"""Join codes: one code joins one organisation or one team, whichever was made first, also
when both are made at once; a learner sees where their code puts them before they sign up."""

from urllib.parse import urlsplit

from sqlalchemy import func, select

from app import db
from app.models import Organisation, User
from app.models_teams import Team
from app.services import account_admin, accounts, teams
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
    made = runner.invoke(
        args=["create-team", "Riverside PCN", "Elm Street", "--join-code", "ELM111"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(args=["create-org", "Clash Org", "--join-code", "elm-111"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [IN_USE.format("ELM111")]
    assert uses_of(app, "ELM111") == 1
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


CHOSEN_CODE = (
    "Error: A join code must be 6 to 32 letters (A to Z) or digits, with spaces or dashes "
    "between them if you like"
)


def test_a_chosen_join_code_not_6_to_32_ascii_letters_or_digits_is_refused(app, runner):
    runner.invoke(args=["create-org", "Riverside PCN"])
    for command in (["create-org", "Hillside PCN"], ["create-team", "Riverside PCN", "Elm"]):
        for code in ("!!!", "A" * 33, "ab", "ab-12 c", "é!", "ß1", "CAFÉ12", "ABC_123", "  -  "):
            result = runner.invoke(args=[*command, "--join-code", code])
            assert result.exit_code == 1, (command, code)
            assert result.output.strip().splitlines() == [CHOSEN_CODE]
    with app.app_context():
        assert db.session().scalar(select(func.count(Organisation.id))) == 1
        assert db.session().scalar(select(func.count(Team.id))) == 0


def test_a_chosen_join_code_keeps_its_letters_and_loses_its_separators(
    app, runner, client, mailbox
):
    runner.invoke(args=["create-org", "Riverside PCN", "--join-code", "rive-r 12"])
    made = runner.invoke(args=["create-team", "Riverside PCN", "Elm", "--join-code", "A" * 32])
    assert made.exit_code == 0, made.output
    assert (uses_of(app, "RIVER12"), uses_of(app, "A" * 32)) == (1, 1)
    with app.app_context():
        # A code stored before the rule, shorter than it allows, still joins.
        db.session().add(Organisation(name="Old PCN", join_code="OLD1"))
        db.session().commit()
    assert register(client, join_code="old-1").status_code == 200
    finish(client, mailbox)
    with app.app_context():
        assert db.session().scalar(select(User)).organisation.name == "Old PCN"


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
        make(lambda: account_admin.create_organisation("Clash Org", "SAME1111")),
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
