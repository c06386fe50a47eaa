"""Joining an organisation from the account: a page names it (and the team) first, as
registering does, and only its button joins; a wrong code never reaches a manager."""

import html

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, Organisation, User
from app.models_teams import Team, TeamMember
from tests.conftest import post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.pcn import ORG

URL = "/account/organisation"
CONFIRM = "/account/organisation/move"


def _where(app, email: str) -> tuple[str | None, int | None]:
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == email))
        member = db.session().get(TeamMember, user.id)
        return (user.organisation.name if user.organisation else None), (
            member.team_id if member else None
        )


def _audited(app, kind: str) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == kind))


def _code(app, name: str) -> str:
    with app.app_context():
        return db.session().scalar(select(Organisation.join_code).where(Organisation.name == name))


def _new_learner(client, make_user) -> None:
    make_user(email="cara@example.org", full_name="Cara New")  # in no organisation
    sign_in(client, "cara@example.org")


def test_an_organisation_s_code_names_it_and_joins_only_when_confirmed(app, client, make_user, pcn):
    _new_learner(client, make_user)
    code = _code(app, ORG)
    asked = post_form(client, URL, {"join_code": code.lower()})
    assert asked.status_code == 200
    page = html.unescape(asked.text)
    assert f"<title>Join {ORG}?" in page and f"Join {ORG}?</h1>" in page
    assert "Its managers will be able to see your progress" in page
    assert "If that is not where you work, do not join" in page
    assert f"Confirm and join {ORG}" in page
    assert _where(app, "cara@example.org") == (None, None)  # nothing changed yet
    assert _audited(app, "organisation.joined") == 0
    form = {"join_code": code, "leaving": "none"}
    done = post_form(client, CONFIRM, form, page=URL, follow_redirects=True)
    assert f"You have joined {ORG}" in html.unescape(done.text)
    assert _where(app, "cara@example.org")[0] == ORG
    again = post_form(client, CONFIRM, form, page=URL, follow_redirects=True)  # a double click
    assert f"You are already a member of {ORG}: nothing was changed" in html.unescape(again.text)
    assert _audited(app, "organisation.joined") == 1


def test_a_team_s_code_names_the_organisation_and_the_team(app, client, make_user, pcn):
    _new_learner(client, make_user)
    asked = post_form(client, URL, {"join_code": "ELM11111"})
    assert asked.status_code == 200
    page = html.unescape(asked.text)
    assert f"adds you to {ORG}, in the team Elm Practice" in page
    assert "Team" in page and _where(app, "cara@example.org") == (None, None)
    form = {"join_code": "ELM11111", "leaving": "none"}
    done = post_form(client, CONFIRM, form, page=URL, follow_redirects=True)
    assert f"You have joined {ORG}, in the team Elm Practice" in html.unescape(done.text)
    organisation, team = _where(app, "cara@example.org")
    assert organisation == ORG and team is not None
    assert _audited(app, "organisation.joined") == 1 and _audited(app, "team.joined") == 1


def test_a_team_code_on_your_team_asks_a_learner_in_no_organisation_first(
    app, client, make_user, pcn
):
    _new_learner(client, make_user)
    asked = post_form(client, "/my/team", {"join_code": "ELM11111"})
    assert asked.status_code == 200
    assert f"adds you to {ORG}, in the team Elm Practice" in html.unescape(asked.text)
    assert _where(app, "cara@example.org") == (None, None)


def test_an_unknown_code_is_an_error_on_the_field_and_joins_nothing(app, client, make_user, pcn):
    _new_learner(client, make_user)
    refused = post_form(client, URL, {"join_code": "NOPE0000"})
    assert refused.status_code == 400
    assert summary_of(refused).links == ["#join_code"]
    assert "We do not recognise that join code" in refused.text
    # The confirmation with a code nobody has (a tampered form) joins nothing either.
    sent = post_form(client, CONFIRM, {"join_code": "NOPE0000", "leaving": "none"}, page=URL)
    assert sent.status_code == 302
    assert _where(app, "cara@example.org") == (None, None)


def test_a_confirmation_without_its_token_joins_nothing(app, client, make_user, pcn):
    _new_learner(client, make_user)
    sent = client.post(CONFIRM, data={"join_code": _code(app, ORG), "leaving": "none"})
    assert sent.status_code == 400
    assert _where(app, "cara@example.org") == (None, None)


def test_a_stale_confirmation_after_joining_elsewhere_changes_nothing(app, client, make_user, pcn):
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    _new_learner(client, make_user)
    hillside = _code(app, "Hillside PCN")
    assert post_form(client, URL, {"join_code": _code(app, ORG)}).status_code == 200
    # Another tab: she joins Hillside, then confirms the first page's organisation.
    post_form(client, CONFIRM, {"join_code": hillside, "leaving": "none"}, page=URL)
    stale = {"join_code": _code(app, ORG), "leaving": "none"}
    shown = post_form(client, CONFIRM, stale, page=URL, follow_redirects=True)
    assert f"so you did not join {ORG}" in html.unescape(shown.text)
    assert _where(app, "cara@example.org")[0] == "Hillside PCN"


def test_another_organisation_s_team_code_moves_into_that_team_once_confirmed(
    app, client, runner, make_user, pcn
):
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    made = runner.invoke(
        args=["create-team", "Hillside PCN", "Hill Practice", "--join-code", "HILL0001"]
    )
    assert made.exit_code == 0, made.output
    sign_in(client, "asha@example.org")
    asked = post_form(client, URL, {"join_code": "HILL0001"})
    page = html.unescape(asked.text.replace("<strong>", "").replace("</strong>", ""))
    assert "That join code belongs to Hillside PCN, for its team Hill Practice" in page
    assert "you will join the team Hill Practice" in page
    assert _where(app, "asha@example.org")[0] == ORG  # nothing moved yet
    with app.app_context():
        riverside = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
    form = {"join_code": "HILL0001", "leaving": str(riverside)}
    done = post_form(client, CONFIRM, form, page=URL, follow_redirects=True)
    assert "You have joined Hillside PCN, in the team Hill Practice" in html.unescape(done.text)
    organisation, team = _where(app, "asha@example.org")
    with app.app_context():
        assert organisation == "Hillside PCN"
        assert db.session().get(Team, team).name == "Hill Practice"
