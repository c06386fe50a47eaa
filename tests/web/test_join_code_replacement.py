"""Managers see their organisation's join code and replace a join code that has leaked.

A manager of the whole organisation sees the organisation's code and link (a confined manager
sees neither: the code joins the organisation outside their teams); any manager who sees a
team replaces its code from its page. A replacement asks first, is a POST with its CSRF token,
happens once however often the form is sent, is audited, and the old code is then one no one
has."""

import html

from sqlalchemy import select

from app import db
from app.models import AuditEvent, Organisation
from app.models_teams import Team
from tests.conftest import post_form, sign_in
from tests.web.pcn import ORG
from tests.web.test_double_submits import SENDS, _at_once, _audited

CONFIRM = "/manage/join-code"


def _organisation_code(app) -> str:
    with app.app_context():
        return db.session().scalar(select(Organisation.join_code).where(Organisation.name == ORG))


def _team(app, name: str) -> tuple[int, str]:
    with app.app_context():
        return tuple(
            db.session().execute(select(Team.id, Team.join_code).where(Team.name == name)).one()
        )


def _signed_in(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


def _text(response) -> str:
    return html.unescape(response.text)


def _refused_when_typed_and_linked(app, make_user, code: str) -> None:
    make_user(email="cara@example.org", full_name="Cara New")  # in no organisation
    cara = _signed_in(app, "cara@example.org")
    typed = post_form(cara, "/account/organisation", {"join_code": code})
    linked = cara.get(f"/join/{code}")
    for response in (typed, linked):
        assert response.status_code == 400 and "recognise" in _text(response), code


def test_only_managers_of_the_whole_organisation_see_its_code_and_link(app, pcn):
    code = _organisation_code(app)
    link = app.config["BASE_URL"] + "/join/" + code
    teams = _text(_signed_in(app, "lead@example.org").get("/manage/teams"))
    assert (
        f"Join code: <code>{code}</code>. A learner who registers or joins with it joins" in teams
    )
    assert f"joins {ORG}, in no team" in teams
    assert f'<a class="lw-join-link" data-lw-copy="{ORG}" href="{link}">{link}</a>' in teams
    assert f'href="{CONFIRM}"' in teams
    pm = _signed_in(app, "pm@example.org")  # confined to Elm Practice
    confined = pm.get("/manage/teams").text
    assert code not in confined and CONFIRM not in confined and "ELM11111" in confined
    assert pm.get(CONFIRM).status_code == 404
    refused = post_form(pm, CONFIRM, {"was": code}, page="/manage/teams")
    assert refused.status_code == 404 and _organisation_code(app) == code
    learner = _signed_in(app, "asha@example.org")
    assert code not in learner.get("/account/organisation").text
    assert learner.get(CONFIRM).status_code == 404


def test_the_organisation_code_is_replaced_once_and_the_old_one_refused(app, make_user, pcn):
    old = _organisation_code(app)
    lead = _signed_in(app, "lead@example.org")
    asked = _text(lead.get(CONFIRM))
    assert "Replace this join code?" in asked and f"<code>{old}</code>" in asked
    assert "stop working at once" in asked and "already in your organisation stay in it" in asked
    assert f'name="was" value="{old}"' in asked
    unsent = lead.post(CONFIRM, data={"was": old})  # no CSRF token
    assert unsent.status_code == 400 and _organisation_code(app) == old
    codes = _at_once(app, lead, CONFIRM, {"was": old}, page=CONFIRM)  # a double click
    assert codes == [302] * SENDS, codes
    new = _organisation_code(app)
    assert new != old and len(new) == 8
    assert _audited(app, "organisation.code_replaced") == 1
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "organisation.code_replaced")
        )
        assert event.detail["was"] == old and event.detail["code"] == new
    shown = _text(lead.get("/manage/teams"))
    assert f"Join code: <code>{new}</code>" in shown and old not in shown.split("</h1>", 1)[1]
    again = post_form(lead, CONFIRM, {"was": old}, follow_redirects=True)  # the back button
    assert f"was already replaced: its join code is {new}. Nothing was changed." in _text(again)
    assert _organisation_code(app) == new and _audited(app, "organisation.code_replaced") == 1
    assert post_form(lead, CONFIRM, {"was": ""}).status_code == 400  # a forged form
    _refused_when_typed_and_linked(app, make_user, old)
    cara = _signed_in(app, "cara@example.org")
    assert f"Join {ORG}?" in _text(cara.get(f"/join/{new}"))


def test_a_confined_manager_replaces_their_teams_code_and_no_one_elses(app, runner, make_user, pcn):
    elm, _ = _team(app, "Elm Practice")
    oak, oak_code = _team(app, "Oak Practice")
    for args in (
        ["create-org", "Hillside PCN", "--join-code", "HILL0000"],
        ["create-team", "Hillside PCN", "Birch", "--join-code", "BIRCH333"],
    ):
        made = runner.invoke(args=args)
        assert made.exit_code == 0, made.output
    birch, _ = _team(app, "Birch")
    pm = _signed_in(app, "pm@example.org")
    page = f"/manage/teams/{elm}"
    assert f'href="{page}/join-code"' in pm.get(page).text
    for team in (oak, birch):  # another team of the organisation; another organisation's
        assert pm.get(f"/manage/teams/{team}/join-code").status_code == 404
        sent = post_form(pm, f"/manage/teams/{team}/join-code", {"was": "OAK22222"}, page=page)
        assert sent.status_code == 404
    lead = _signed_in(app, "lead@example.org")
    assert lead.get(f"/manage/teams/{birch}/join-code").status_code == 404
    birch_sent = post_form(lead, f"/manage/teams/{birch}/join-code", {"was": "BIRCH333"}, page=page)
    assert birch_sent.status_code == 404
    assert _team(app, "Oak Practice")[1] == oak_code and _team(app, "Birch")[1] == "BIRCH333"
    asked = _text(pm.get(f"{page}/join-code"))
    assert "<code>ELM11111</code>" in asked and "already in the team stay in it" in asked
    assert pm.post(f"{page}/join-code", data={"was": "ELM11111"}).status_code == 400  # no token
    codes = _at_once(app, pm, f"{page}/join-code", {"was": "ELM11111"}, page=page)
    assert codes == [302] * SENDS, codes
    new = _team(app, "Elm Practice")[1]
    assert new != "ELM11111" and new != _organisation_code(app)
    assert _audited(app, "team.code_replaced") == 1
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "team.code_replaced")
        )
        assert (event.detail["team_id"], event.detail["was"], event.detail["code"]) == (
            elm,
            "ELM11111",
            new,
        )
    again = _text(post_form(pm, f"{page}/join-code", {"was": "ELM11111"}, follow_redirects=True))
    assert (
        "The join code ELM11111 of Elm Practice was already replaced: its join code is " + new
        in again
    )
    assert f"Join code: <code>{new}</code>" in again and "Asha Elm" in again  # she stays
    assert _team(app, "Elm Practice")[1] == new and _audited(app, "team.code_replaced") == 1
    _refused_when_typed_and_linked(app, make_user, "ELM11111")
