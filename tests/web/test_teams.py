"""Teams: join codes, placing learners, team managers confined to their teams, leavers."""

import html
import json

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import AuditEvent, User
from app.models_teams import Leaver, Team, TeamMember
from app.services import data_rights, manage, teams
from tests.conftest import post_form, sign_in
from tests.web.pcn import ORG


def test_a_practice_manager_sees_only_their_practice(app, client, pcn):
    sign_in(client, "pm@example.org")
    page = client.get("/manage/").text
    assert "Asha Elm" in page and "Ben Oak" not in page
    assert "1 learner;" in page
    assert client.get(f"/manage/learners/{pcn['asha']}").status_code == 200
    for url in (
        f"/manage/learners/{pcn['ben']}",
        f"/manage/learners/{pcn['ben']}/remove",
    ):
        assert client.get(url).status_code == 404, url
    token_page = f"/manage/learners/{pcn['asha']}"
    for url, data in (
        (f"/manage/learners/{pcn['ben']}/extra-attempt", {"quiz_id": "x", "reason": "r"}),
        (f"/manage/learners/{pcn['ben']}/remove", {}),
    ):
        assert post_form(client, url, data, page=token_page).status_code == 404, url
    export = client.get("/manage/export.csv").text
    assert "Asha Elm" in export and "Ben Oak" not in export
    teams_page = client.get("/manage/teams").text
    assert "Elm Practice" in teams_page and "Oak Practice" not in teams_page
    assert "Add a team" not in teams_page
    with app.app_context():
        oak = db.session().scalar(select(Team.id).where(Team.name == "Oak Practice"))
    assert client.get(f"/manage/teams/{oak}").status_code == 404
    assert post_form(client, "/manage/teams", {"name": "Mine"}, page=token_page).status_code == 404


def test_the_organisation_manager_sees_every_practice(app, client, pcn):
    sign_in(client, "lead@example.org")
    page = client.get("/manage/").text
    assert "Asha Elm" in page and "Ben Oak" in page
    teams_page = client.get("/manage/teams").text
    assert "Elm Practice" in teams_page and "OAK22222" in teams_page


def test_a_learner_joins_a_team_by_its_code(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")  # in no organisation yet
    sign_in(client, "cara@example.org")
    refused = post_form(client, "/my/team", {"join_code": "NOPE0000"})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text and 'href="#join_code"' in refused.text
    asked = post_form(client, "/my/team", {"join_code": "elm1-1111"})
    assert asked.status_code == 200  # the team's organisation too: she confirms it first
    assert "Elm Practice" in asked.text and _member(app) is None
    confirm = {"join_code": "ELM11111", "leaving": "none"}
    joined = post_form(client, "/account/organisation/move", confirm, page="/my/team")
    assert joined.status_code == 302
    assert "You are in" in client.get("/my/team").text
    with app.app_context():
        cara = db.session().scalar(select(User).where(User.email == "cara@example.org"))
        assert cara.organisation.name == ORG
        assert teams.team_of(cara.id).name == "Elm Practice"


def _member(app):
    with app.app_context():
        cara = db.session().scalar(select(User).where(User.email == "cara@example.org"))
        return cara.organisation_id


def test_an_empty_team_code_asks_for_one(app, client, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    sign_in(client, "cara@example.org")
    for empty in ("", "   ", " - "):
        response = post_form(client, "/my/team", {"join_code": empty})
        assert response.status_code == 400
        assert response.text.count("Enter the team code") == 2  # in the summary and inline
        assert 'href="#join_code"' in response.text
        assert "We do not recognise" not in response.text


def test_a_team_code_of_another_organisation_is_refused(app, client, make_user, pcn):
    make_user(email="dan@example.org", org="Hillside PCN")
    sign_in(client, "dan@example.org")
    response = post_form(client, "/my/team", {"join_code": "ELM11111"})
    assert response.status_code == 400 and "another organisation" in response.text


def test_a_manager_places_a_learner_of_the_organisation_only(app, client, make_user, pcn):
    make_user(email="eve@example.org", org=ORG, full_name="Eve Unplaced")
    make_user(email="far@example.org", org="Hillside PCN", full_name="Far Away")
    sign_in(client, "pm@example.org")
    with app.app_context():
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
    url = f"/manage/teams/{elm}"
    refused = post_form(client, f"{url}/place", {"email": "far@example.org"}, page=url)
    assert refused.status_code == 400 and "no learner with that email" in refused.text
    # A practice manager cannot take a learner out of a practice they do not manage.
    taken = post_form(client, f"{url}/place", {"email": "ben@example.org"}, page=url)
    assert taken.status_code == 400
    placed = post_form(client, f"{url}/place", {"email": "eve@example.org"}, page=url)
    assert placed.status_code == 302
    assert "Eve Unplaced" in client.get(url).text
    assert "Eve Unplaced" in client.get("/manage/").text


def test_placing_with_no_email_asks_for_one(app, client, pcn):
    sign_in(client, "pm@example.org")
    with app.app_context():
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
    url = f"/manage/teams/{elm}"
    for empty in ("", "   "):
        response = post_form(client, f"{url}/place", {"email": empty}, page=url)
        assert response.status_code == 400
        page = html.unescape(response.text)
        assert page.count("Enter the learner's email address") == 2  # summary, inline
        assert 'href="#email"' in response.text
        assert "no learner with that email" not in response.text


def test_placing_by_what_is_not_an_email_address_says_its_format_is_wrong(
    app, client, make_user, pcn
):
    """Not "There is no learner": the address was mistyped. An address pasted with the
    person's name around it, as Outlook and NHSmail copy it, is read for its address."""
    make_user(email="eve@example.org", org=ORG, full_name="Eve Unplaced")
    sign_in(client, "pm@example.org")
    with app.app_context():
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
    url = f"/manage/teams/{elm}"
    for typed in ("not-an-email", "eve@", "eve example.org"):
        response = post_form(client, f"{url}/place", {"email": typed}, page=url)
        assert response.status_code == 400, typed
        page = html.unescape(response.text)
        said = "Enter the learner's email address in the correct format, like name@example.org"
        assert page.count(said) == 2, typed  # summary, inline
        assert 'href="#email"' in response.text and "no learner with that email" not in page
        assert f'value="{typed}"' in page, typed
    pasted = '"Unplaced, Eve (ELM PRACTICE)" <EVE@example.org>'
    placed = post_form(client, f"{url}/place", {"email": pasted}, page=url)
    assert placed.status_code == 302
    assert "Eve Unplaced" in client.get(url).text


def test_a_leaver_leaves_the_figures_but_keeps_their_record(app, client, pcn):
    sign_in(client, "lead@example.org")
    url = f"/manage/learners/{pcn['asha']}/remove"
    assert "keeps their account" in client.get(url).text
    assert post_form(client, url, {}).status_code == 302
    assert "Asha Elm" not in client.get("/manage/").text
    assert client.get(f"/manage/learners/{pcn['asha']}").status_code == 404
    assert "Asha Elm" in client.get("/manage/teams").text  # the list of leavers
    with app.app_context():
        assert manage.summary(teams.Scope(_org_id()), catalogue()).learners == 1
        leaver = db.session().scalar(select(Leaver))
        assert leaver.team_name == "Elm Practice"
        assert db.session().get(TeamMember, pcn["asha"]) is None
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "learner.removed"))
        assert event.subject_id == pcn["asha"]
    client.get("/sign-out")
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    assert learner.get("/my/record").status_code == 200


def test_data_export_names_the_team_and_erasure_takes_the_learner_out(app, pcn):
    with app.app_context():
        from app.services import data_rights, erasure

        asha = db.session().get(User, pcn["asha"])
        data = data_rights.export_data(asha, catalogue())
        assert data["team"] == "Elm Practice"
        pm = db.session().scalar(select(User).where(User.email == "pm@example.org"))
        assert data_rights.export_data(pm, catalogue())["teams_managed"] == ["Elm Practice"]
        erasure.erase(pm.id)
        assert teams.scope_of(pm.id, pm.organisation_id).whole_organisation
        erasure.erase(pcn["asha"])
        # Ben is the one learner left; Asha's team place went with her.
        assert manage.summary(teams.Scope(_org_id()), catalogue()).learners == 1
        assert teams.team_of(pcn["asha"]) is None
    json.dumps(data)


def _org_id() -> int:
    from app.models import Organisation

    return db.session().scalar(select(Organisation.id).where(Organisation.name == ORG))


def test_seed_demo_practices_makes_a_pcn_of_practices_once(app, runner):
    from app.models_assignments import Assignment
    from app.services.demo import DEMO_ORGANISATION

    for args in (["--learners", "30", "--practices"], ["--practices"]):
        result = runner.invoke(args=["seed-demo", *args])
        assert result.exit_code == 0, result.output
    assert "practice.manager@example.org" in result.output
    with app.app_context():
        session = db.session()
        assert len(session.scalars(select(Team)).all()) == 3
        assert len(session.scalars(select(TeamMember)).all()) == 31  # and Lee Learner
        assert len(session.scalars(select(Assignment)).all()) == 4
        # Made by the command line, as its teams and accounts are: no visitor on the web.
        made = session.execute(
            select(
                AuditEvent.via, AuditEvent.actor_id, AuditEvent.detail["os_user"].as_string()
            ).where(AuditEvent.kind == "assignment.added")
        ).all()
        assert len(made) == 3 and {(via, actor) for via, actor, _ in made} == {("cli", None)}
        assert all(os_user for *_, os_user in made)
        manager = session.scalar(select(User).where(User.email == "practice.manager@example.org"))
        scope = teams.scope_of(manager.id, manager.organisation_id)
        assert manager.organisation.name == DEMO_ORGANISATION
        assert manager_count(scope) == 11  # the first of three practices


def manager_count(scope) -> int:
    return manage.summary(scope, catalogue()).learners


def test_leaving_the_organisation_oneself_leaves_the_team(app, client, pcn):
    sign_in(client, "asha@example.org")
    with app.app_context():
        org = db.session().get(User, pcn["asha"]).organisation_id
    leave = {"organisation": str(org)}
    assert post_form(client, "/account/organisation/leave", leave, page="/account/organisation")
    with app.app_context():
        assert teams.team_of(pcn["asha"]) is None
    assert "You are not in a team yet" in client.get("/my/team").text


def test_a_leaving_whose_team_was_not_recorded_says_so(app, client, pcn):
    """As migration 0031 rebuilds a leaving from the audit log: the team left is unknown."""
    asha = app.test_client()
    sign_in(asha, "asha@example.org")
    with app.app_context():
        org = db.session().get(User, pcn["asha"]).organisation_id
    left = post_form(asha, "/account/organisation/leave", {"organisation": str(org)})
    assert left.status_code == 302
    with app.app_context():
        row = db.session().scalar(select(Leaver))
        row.team_name, row.team_recorded = None, False
        db.session().commit()
        data = data_rights.export_data(db.session().get(User, pcn["asha"]), catalogue())
    assert [(o["team"], o["team_recorded"]) for o in data["organisations_left"]] == [(None, False)]
    sign_in(client, "lead@example.org")
    leavers = client.get("/manage/teams").text.split("<h2>Leavers</h2>", 1)[1]
    assert "Asha Elm" in leavers and "Not recorded" in leavers and "No team" not in leavers
    practice = app.test_client()
    sign_in(practice, "pm@example.org")  # manages Elm Practice only: not known to be theirs
    assert "Asha Elm" not in practice.get("/manage/teams").text


def test_registering_with_a_team_code_starts_in_the_team(app, client, mailbox, pcn):
    from tests.web.test_register import finish, register

    assert register(client, join_code="elm1 1111").status_code == 200
    finish(client, mailbox)
    with app.app_context():
        priya = db.session().scalar(select(User).where(User.email == "priya.shah@example.org"))
        assert priya.organisation.name == ORG
        assert teams.team_of(priya.id).name == "Elm Practice"


def test_a_manager_of_the_whole_organisation_sets_another_managers_teams(app, client, pcn):
    with app.app_context():
        oak = db.session().scalar(select(Team.id).where(Team.name == "Oak Practice"))
        ids = dict(db.session().execute(select(User.email, User.id)).all())
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    assert practice.get("/manage/managers").status_code == 404
    sign_in(client, "lead@example.org")
    page = client.get("/manage/managers").text
    assert "Pat Practice" in page and "Manages Elm Practice" in page
    url = f"/manage/managers/{ids['pm@example.org']}/teams"
    assert post_form(client, url, {"teams": [str(oak)]}, page="/manage/managers").status_code == 302
    said = html.unescape(client.get("/manage/managers").text)
    assert (
        "Pat Practice's teams have been saved. "
        "They now see only the learners of the team Oak Practice."
    ) in said
    dashboard = practice.get("/manage/").text
    assert "Ben Oak" in dashboard and "Asha Elm" not in dashboard
    own = f"/manage/managers/{ids['lead@example.org']}/teams"
    assert post_form(client, own, {"teams": [str(oak)]}, page="/manage/managers").status_code == 404
    # Nothing ticked: the whole organisation again, once confirmed.
    asked = post_form(client, url, {}, page="/manage/managers")
    assert (
        asked.status_code == 200 and "Let Pat Practice manage the whole organisation?" in asked.text
    )
    assert post_form(client, url, {"whole": "yes"}, page="/manage/managers").status_code == 302
    assert "Asha Elm" in practice.get("/manage/").text


def test_unticking_every_team_asks_before_a_manager_sees_the_whole_organisation(
    app, client, pcn, database_url, tmp_path
):
    """One click on Save with no team ticked no longer widens a manager confined to teams
    to every learner: a page says what they would see, and only its button does it."""
    from tests.web.test_html_valid import nu_errors

    def kinds() -> list[str]:
        with app.app_context():
            return db.session().scalars(select(AuditEvent.kind)).all()

    with app.app_context():
        pm = db.session().scalar(select(User.id).where(User.email == "pm@example.org"))
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    sign_in(client, "lead@example.org")
    before = kinds()
    url = f"/manage/managers/{pm}/teams"
    for _ in range(2):  # asked again, not widened, however often Save is pressed
        asked = post_form(client, url, {}, page="/manage/managers")
        assert asked.status_code == 200
        page = html.unescape(asked.text)
        assert "<h1>Let Pat Practice manage the whole organisation?</h1>" in page
        assert "manages the team Elm Practice now, and sees only the learners in it" in page
        assert f"they see every learner of {ORG}, in every team and in none" in page
        assert 'name="whole" value="yes"' in page and f'action="{url}"' in page
        assert 'href="/manage/managers#manager-' in page  # Cancel, back to their teams
        assert "Ben Oak" not in practice.get("/manage/").text  # still only Elm Practice
    assert kinds() == before  # nothing saved, nothing audited
    if database_url.startswith("sqlite"):
        assert nu_errors({"manager-whole": asked.text}, tmp_path) == []
    done = post_form(client, url, {"whole": "yes"}, page="/manage/managers")
    assert done.status_code == 302
    told = html.unescape(client.get("/manage/managers").text)
    assert (
        f"Pat Practice now manages the whole organisation. They now see every learner of {ORG}, "
        "in a team or not."
    ) in told
    assert "Ben Oak" in practice.get("/manage/").text
    # The confirmation sent again (a second tab, Back): nothing changes, and it says so.
    again = post_form(client, url, {"whole": "yes"}, page="/manage/managers")
    assert again.status_code == 302
    told = html.unescape(client.get("/manage/managers").text)
    assert "Pat Practice already manages the whole organisation: nothing was changed." in told
    assert kinds().count("manager.teams") == before.count("manager.teams") + 1


def test_a_team_not_the_organisation_s_refuses_a_manager_s_teams_instead_of_widening_them(
    app, client, runner, pcn, make_user
):
    # Deleted since the form was shown, or another organisation's: left out, it would have
    # left no team ticked, which means the whole organisation. Nothing changes.
    make_user(email="hill-lead@example.org", role="manager", org="Hill PCN")
    result = runner.invoke(args=["create-team", "Hill PCN", "Hill Practice"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        elsewhere = db.session().scalar(select(Team.id).where(Team.name == "Hill Practice"))
        ids = dict(db.session().execute(select(User.email, User.id)).all())
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    sign_in(client, "lead@example.org")
    url = f"/manage/managers/{ids['pm@example.org']}/teams"
    with app.app_context():
        before = db.session().scalars(select(AuditEvent.kind)).all()
    for gone in (elsewhere, 999999):
        refused = post_form(client, url, {"teams": [str(gone)]}, page="/manage/managers")
        assert refused.status_code == 302
        page = html.unescape(client.get("/manage/managers").text)
        assert "is no longer one of this organisation's: nothing was changed" in page
        dashboard = practice.get("/manage/").text
        assert "Asha Elm" in dashboard and "Ben Oak" not in dashboard  # still Elm Practice
    with app.app_context():
        assert db.session().scalars(select(AuditEvent.kind)).all() == before
