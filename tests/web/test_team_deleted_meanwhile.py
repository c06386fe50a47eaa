"""A team deleted while a learner joins it by its code, a manager places a learner in it, or
assigns a module to it: each waits for the deletion and is answered as a form sent after it
is (the join code not recognised, the team not found, "Select one of your teams"), never a
server error, and writes nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, User
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services import profile, team_changes, teams
from app.services.accounts import AccountError
from tests.conftest import csrf_token, sign_in
from tests.web.held_commit import second_while_first_commits
from tests.web.pcn import ORG, pcn  # noqa: F401 (a fixture)
from tests.web.test_assignments import due_fields, modules

ASH = "Ash Practice"


@pytest.fixture(name="ash")
def a_new_team(app, runner, make_user, pcn):  # noqa: F811
    """A team nothing depends on yet, and Cara, a learner of the organisation in no team;
    return the team's id and a call deleting it as its page's form does."""
    result = runner.invoke(args=["create-team", ORG, ASH, "--join-code", "ASH33333"])
    assert result.exit_code == 0, result.output
    make_user(email="cara@example.org", org=ORG, full_name="Cara New")
    with app.app_context():
        session = db.session()
        team = session.scalar(select(Team).where(Team.name == ASH))
        lead = session.scalar(select(User.id).where(User.email == "lead@example.org"))
        team_id, organisation_id = team.id, team.organisation_id

    def delete():
        scope = teams.scope_of(lead, organisation_id)
        return team_changes.delete_team(scope, team_id, ASH, actor_id=lead)

    return team_id, delete


def signed_in(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def rows(app, model, *where) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def cara_in_a_team(app) -> bool:
    cara = select(User.id).where(User.email == "cara@example.org").scalar_subquery()
    return rows(app, TeamMember, TeamMember.user_id == cara) > 0


def deleted(app) -> bool:
    return rows(app, Team, Team.name == ASH) == 0 and (
        rows(app, AuditEvent, AuditEvent.kind == "team.deleted") == 1
    )


def test_joining_by_code_while_the_team_is_deleted_is_told_the_code_is_not_recognised(app, ash):
    _, delete = ash
    cara = signed_in(app, "cara@example.org")
    sent = {"csrf_token": csrf_token(cara, "/my/team"), "join_code": "ASH33333"}
    _, joined = second_while_first_commits(app, delete, lambda: cara.post("/my/team", data=sent))
    assert joined.status_code == 400
    assert "We do not recognise that team code in your organisation" in joined.text
    assert "There is a problem" in joined.text
    assert deleted(app)
    assert not cara_in_a_team(app)
    assert rows(app, AuditEvent, AuditEvent.kind == "team.joined") == 0


def test_placing_a_learner_while_the_team_is_deleted_finds_it_gone(app, ash):
    team_id, delete = ash
    lead = signed_in(app, "lead@example.org")
    page = f"/manage/teams/{team_id}"
    sent = {"csrf_token": csrf_token(lead, page), "email": "cara@example.org"}
    placed_before = rows(app, AuditEvent, AuditEvent.kind == "team.placed")  # the PCN's own
    _, placed = second_while_first_commits(
        app, delete, lambda: lead.post(f"{page}/place", data=sent)
    )
    assert placed.status_code == 404
    assert deleted(app)
    assert not cara_in_a_team(app)
    assert rows(app, AuditEvent, AuditEvent.kind == "team.placed") == placed_before


def test_assigning_to_the_team_while_it_is_deleted_asks_for_one_of_your_teams(app, ash):
    team_id, delete = ash
    lead = signed_in(app, "lead@example.org")
    form = {
        "csrf_token": csrf_token(lead, "/manage/assignments"),
        "modules": modules(app)[0].slug,
        "who": "team",
        "team": str(team_id),
        **due_fields(date(2031, 1, 14)),
        "renew": "0",
    }
    _, assigned = second_while_first_commits(
        app, delete, lambda: lead.post("/manage/assignments", data=form)
    )
    assert assigned.status_code == 400
    assert "Select one of your teams" in assigned.text and "There is a problem" in assigned.text
    assert deleted(app)
    assert rows(app, Assignment) == 0


def test_joining_the_organisation_by_a_team_code_while_the_team_is_deleted_joins_nothing(
    app, make_user, ash
):
    # A learner in no organisation joins by a team's code from the account page: the team's
    # deletion commits first, so the code is not recognised and they join neither.
    _, delete = ash
    make_user(email="dev@example.org", full_name="Dev Outside")
    with app.app_context():
        dev = db.session().scalar(select(User.id).where(User.email == "dev@example.org"))

    def join():
        try:
            return profile.join_organisation(dev, "ASH33333", leaving=None)
        except AccountError as error:
            return error

    _, refused = second_while_first_commits(app, delete, join)
    assert isinstance(refused, AccountError), refused
    assert refused.field == "join_code"
    assert deleted(app)
    assert rows(app, User, User.id == dev, User.organisation_id.is_not(None)) == 0
    assert rows(app, TeamMember, TeamMember.user_id == dev) == 0
    assert rows(app, AuditEvent, AuditEvent.kind.in_(("team.joined", "organisation.joined"))) == 0
