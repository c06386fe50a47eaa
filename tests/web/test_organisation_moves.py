"""Moving to another organisation with its join code: a page says what changes first."""

import html

from sqlalchemy import select

from app import db
from app.domain.accounts import EXAMPLE_JOIN_CODE, join_code_problem, new_join_code
from app.models import Organisation, User
from app.models_teams import TeamMember
from app.services.demo import DEMO_JOIN_CODE
from tests.conftest import post_form, sign_in
from tests.web.pcn import ORG

URL = "/account/organisation"
MOVE = "/account/organisation/move"


def _hillside_code(app, make_user) -> str:
    make_user(email="hill@example.org", role="manager", org="Hillside PCN")
    with app.app_context():
        return db.session().scalar(
            select(Organisation.join_code).where(Organisation.name == "Hillside PCN")
        )


def _organisation_of(app, user_id: int) -> str | None:
    with app.app_context():
        user = db.session().get(User, user_id)
        return user.organisation.name if user.organisation else None


def test_another_organisation_s_code_asks_before_moving(app, client, make_user, pcn):
    code = _hillside_code(app, make_user)
    sign_in(client, "asha@example.org")
    check = post_form(client, URL, {"join_code": code})
    assert check.status_code == 200
    page = html.unescape(check.text)
    assert "Move to Hillside PCN?" in page
    assert f"joining it means leaving {ORG}" in html.unescape(
        page.replace("<strong>", "").replace("</strong>", "")
    )
    assert "you will leave your team, Elm Practice" in page
    assert (
        f"{ORG}'s managers will no longer see your progress, quiz results or competency "
        "levels, and Hillside PCN's managers will be able to see them</li>"
    ) in page
    assert f"learning {ORG} assigned to you will no longer apply" in page
    assert "stay yours" in page and "Confirm move to Hillside PCN" in page
    assert _organisation_of(app, pcn["asha"]) == ORG  # nothing moved yet
    with app.app_context():
        org_id = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
    form = {"join_code": code, "leaving": str(org_id)}
    done = post_form(client, MOVE, form, page=URL, follow_redirects=True)
    assert "You have joined Hillside PCN" in html.unescape(done.text)
    assert _organisation_of(app, pcn["asha"]) == "Hillside PCN"
    with app.app_context():
        assert db.session().get(TeamMember, pcn["asha"]) is None
    again = post_form(client, MOVE, form, page=URL, follow_redirects=True)  # a double click
    assert "You are already a member of Hillside PCN: nothing was changed" in html.unescape(
        again.text
    )
    assert _organisation_of(app, pcn["asha"]) == "Hillside PCN"
    # A learner in no organisation has nothing to leave, but still confirms where the code
    # puts them: see test_organisation_join_check.py.


def test_a_stale_confirmation_after_leaving_changes_nothing(app, client, make_user, pcn):
    code = _hillside_code(app, make_user)
    sign_in(client, "asha@example.org")
    assert post_form(client, URL, {"join_code": code}).status_code == 200
    with app.app_context():
        org_id = db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))
    # Another tab: she leaves her organisation, then confirms the move from the first tab.
    left = post_form(client, "/account/organisation/leave", {"organisation": str(org_id)})
    assert left.status_code == 302
    form = {"join_code": code, "leaving": str(org_id)}
    stale = post_form(client, MOVE, form, page=URL, follow_redirects=True)
    assert "so you did not join Hillside PCN" in html.unescape(stale.text)
    assert _organisation_of(app, pcn["asha"]) is None


def db_id(app, email):
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def test_another_organisation_s_team_code_says_how_to_move(app, client, make_user, pcn):
    make_user(email="dan@example.org", org="Hillside PCN")
    sign_in(client, "dan@example.org")
    response = post_form(client, "/my/team", {"join_code": "ELM11111"})
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "Ask your manager to move you" not in page
    assert "first change your organisation: " in page
    assert 'href="/account/organisation"' in page


def test_the_join_code_example_can_never_be_a_real_code(client, signed_in, monkeypatch):
    # It looks like a made code, so it is refused when chosen and never made.
    for typed in (EXAMPLE_JOIN_CODE, EXAMPLE_JOIN_CODE.lower(), " ".join(EXAMPLE_JOIN_CODE)):
        assert join_code_problem(typed) is not None, typed
    drawn = iter(EXAMPLE_JOIN_CODE + "ABCDEFGH")  # the first draw would make the example
    monkeypatch.setattr("app.domain.accounts.secrets.choice", lambda _: next(drawn))
    assert new_join_code() == "ABCDEFGH"
    monkeypatch.undo()
    for url in (URL, "/my/team"):
        page = client.get(url).text
        assert EXAMPLE_JOIN_CODE in page and DEMO_JOIN_CODE not in page, url
        assert "K7PQ2MXA" not in page
