"""Commands that change nothing say "already" and record nothing; the last administrator is
not demoted by a slip; a manager named where a learner is wanted is called a manager."""

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent
from tests.web.pcn import ORG
from tests.web.pcn import pcn as pcn


def _count(app, kind: str) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == kind)
        )


def test_set_role_to_the_role_held_says_already_and_records_nothing(app, runner, make_user):
    make_user(email="sam@example.org")
    first = runner.invoke(args=["set-role", "sam@example.org", "trainer"])
    assert first.output == "sam@example.org is now a trainer\n"
    again = runner.invoke(args=["set-role", "sam@example.org", "trainer"])
    assert (again.exit_code, again.output) == (0, "sam@example.org is already a trainer\n")
    assert _count(app, "role.changed") == 1


def test_the_last_administrator_is_demoted_only_with_force(app, runner, make_user):
    make_user(email="admin@example.org", role="admin")
    refused = runner.invoke(args=["set-role", "admin@example.org", "learner"])
    assert refused.exit_code == 1
    assert refused.output == (
        "Error: admin@example.org is the last administrator: make another account an "
        "administrator first, or give --force to leave the site with none\n"
    )
    assert _count(app, "role.changed") == 0
    make_user(email="second@example.org", role="admin")
    demoted = runner.invoke(args=["set-role", "admin@example.org", "learner"])
    assert demoted.output == "admin@example.org is now a learner\n"
    forced = runner.invoke(args=["set-role", "second@example.org", "trainer", "--force"])
    assert forced.output == "second@example.org is now a trainer\n"


def test_place_in_team_twice_says_already_and_records_once(app, runner, pcn):
    before = _count(app, "team.placed")
    moved = runner.invoke(args=["place-in-team", "asha@example.org", ORG, "Oak Practice"])
    assert moved.output == "asha@example.org is now in Oak Practice\n"
    again = runner.invoke(args=["place-in-team", "asha@example.org", ORG, "Oak Practice"])
    assert (again.exit_code, again.output) == (0, "asha@example.org is already in Oak Practice\n")
    assert _count(app, "team.placed") == before + 1


def test_place_in_team_names_what_the_account_is_in_an_operators_words(runner, pcn, make_user):
    make_user(email="elsewhere@example.org", org="Hillside PCN")
    for email, said in (
        ("lead@example.org", "lead@example.org is a manager, not a learner"),
        ("elsewhere@example.org", f"elsewhere@example.org is not a learner of {ORG}"),
        ("nobody@example.org", "no account for nobody@example.org"),
    ):
        result = runner.invoke(args=["place-in-team", email, ORG, "Elm Practice"])
        assert (result.exit_code, result.output) == (1, f"Error: {said}\n")


def test_list_teams_counts_one_learner_in_the_singular(runner, pcn):
    result = runner.invoke(args=["list-teams", ORG])
    assert result.output == (
        "Elm Practice\tELM11111\t1 learner\nOak Practice\tOAK22222\t1 learner\n"
    )
