"""Manager and learner actions sent two or more times at once (threads sharing the cookies and
CSRF token, as a double click does) change once and audit once; a repeat that finds the work
done changes nothing, writes no audit row and says so."""

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, Organisation, User
from app.models_practice import Supervisor
from app.models_teams import Leaver, Team, TeamManager, TeamMember
from tests.conftest import DEMO_PASSWORD, csrf_token, post_form, sign_in
from tests.web.test_quiz_concurrency import at_once, tab

SENDS = 4


def _audited(app, kind: str) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == kind))


def _team(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def _user(app, email: str) -> int:
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def _at_once(app, client, url: str, data: dict, *, page: str, times: int = SENDS) -> list[int]:
    """POST the same form `times` times at once from tabs of the client; return the codes."""
    token = csrf_token(client, page)
    sends = []
    for _ in range(times):
        other = tab(app, client)
        sends.append(lambda t=other: t.post(url, data={"csrf_token": token, **data}).status_code)
    return at_once(sends)


def _shown(client, url: str) -> str:
    return client.get(url).text


def test_removing_a_learner_at_once_removes_once_and_a_repeat_says_already(app, client, pcn):
    sign_in(client, "lead@example.org")
    url = f"/manage/learners/{pcn['asha']}/remove"
    codes = _at_once(app, client, url, {}, page=url)
    assert 500 not in codes and codes.count(302) == SENDS, codes
    with app.app_context():
        assert db.session().scalar(select(func.count(Leaver.id))) == 1
    assert _audited(app, "learner.removed") == 1
    leavers = _shown(client, "/manage/teams").split("<h2>Leavers</h2>", 1)[1]
    assert leavers.count("Asha Elm") == 1
    again = post_form(client, url, {}, page="/manage/teams")
    assert again.status_code == 302 and again.location.endswith("/manage/teams")
    shown = _shown(client, "/manage/teams")
    assert "Asha Elm was already removed from your organisation on" in shown
    assert "nothing was changed" in shown
    assert _audited(app, "learner.removed") == 1
    # Someone the manager never saw is still not found, before or after.
    assert (
        post_form(client, "/manage/learners/999999/remove", {}, page="/manage/teams").status_code
        == 404
    )


def test_a_removal_of_someone_who_left_on_their_own_says_so(app, client, pcn):
    asha = app.test_client()
    sign_in(asha, "asha@example.org")
    with app.app_context():
        org = db.session().scalar(select(User.organisation_id).where(User.id == pcn["asha"]))
    leave = "/account/organisation/leave"
    assert post_form(asha, leave, {"organisation": str(org)}).status_code == 302
    sign_in(client, "lead@example.org")
    url = f"/manage/learners/{pcn['asha']}/remove"
    assert post_form(client, url, {}, page="/manage/teams").status_code == 302
    assert "Asha Elm left your organisation on" in _shown(client, "/manage/teams")
    assert _audited(app, "learner.removed") == 0


def test_joining_an_organisation_at_once_joins_once_and_rejoining_changes_nothing(
    app, client, pcn, make_user
):
    make_user(email="new@example.org", full_name="Nia New")
    with app.app_context():
        code = db.session().scalar(
            select(Organisation.join_code).where(Organisation.name == "Riverside PCN")
        )
    sign_in(client, "new@example.org")
    page = "/account/organisation"
    confirm = {"join_code": code, "leaving": "none"}  # the check page's form
    codes = _at_once(app, client, "/account/organisation/move", confirm, page=page)
    assert 500 not in codes, codes
    assert _audited(app, "organisation.joined") == 1
    again = post_form(client, page, {"join_code": code})
    assert again.status_code == 302
    assert "You are already a member of Riverside PCN: nothing was changed" in _shown(client, page)
    assert _audited(app, "organisation.joined") == 1


def test_joining_a_team_at_once_joins_once_and_rejoining_changes_nothing(
    app, client, pcn, make_user
):
    make_user(email="new@example.org", full_name="Nia New", org="Riverside PCN")
    sign_in(client, "new@example.org")
    page = "/my/team"
    codes = _at_once(app, client, page, {"join_code": "ELM11111"}, page=page)
    assert 500 not in codes, codes
    assert _audited(app, "team.joined") == 1
    with app.app_context():
        member = db.session().get(TeamMember, _user(app, "new@example.org"))
        assert member.team_id == _team(app, "Elm Practice")
    again = post_form(client, page, {"join_code": "ELM11111"})
    assert again.status_code == 302
    assert "You are already in Elm Practice: nothing was changed" in _shown(client, page)
    assert _audited(app, "team.joined") == 1


def test_placing_a_learner_at_once_places_once_and_a_repeat_says_already(
    app, client, pcn, make_user
):
    make_user(email="eve@example.org", org="Riverside PCN", full_name="Eve Unplaced")
    sign_in(client, "lead@example.org")
    url = f"/manage/teams/{_team(app, 'Oak Practice')}"
    before = _audited(app, "team.placed")  # the set-up's placings
    codes = _at_once(app, client, f"{url}/place", {"email": "eve@example.org"}, page=url)
    assert codes == [302] * SENDS, codes  # a learner in no team: no 500
    assert _audited(app, "team.placed") == before + 1
    again = post_form(client, f"{url}/place", {"email": "eve@example.org"}, page=url)
    assert again.status_code == 302
    assert "Eve Unplaced is already in this team: nothing was changed" in _shown(client, url)
    assert _audited(app, "team.placed") == before + 1


def test_confining_a_manager_at_once_saves_once_and_the_same_teams_again_change_nothing(
    app, client, pcn
):
    sign_in(client, "lead@example.org")
    pm = _user(app, "pm@example.org")
    url = f"/manage/managers/{pm}/teams"
    oak = str(_team(app, "Oak Practice"))
    codes = _at_once(app, client, url, {"teams": oak}, page="/manage/managers", times=3)
    assert codes == [302] * 3, codes
    assert _audited(app, "manager.teams") == 2  # the set-up's (on the command line), and one
    with app.app_context():
        confined = db.session().scalars(
            select(TeamManager.team_id).where(TeamManager.user_id == pm)
        )
        assert list(confined) == [int(oak)]
    again = post_form(client, url, {"teams": oak}, page="/manage/managers")
    assert again.status_code == 302
    shown = _shown(client, "/manage/managers")
    assert "Pat Practice already manages these teams: nothing was changed" in shown
    assert _audited(app, "manager.teams") == 2


def test_naming_and_unnaming_a_supervisor_at_once_change_once(app, client, pcn):
    sign_in(client, "lead@example.org")
    page = f"/manage/learners/{pcn['ben']}"
    url = f"{page}/supervisor"  # the question's form, confirmed (`?named=` asks the question)
    codes = _at_once(app, client, url, {"named": "yes", "confirmed": "yes"},
                     page=f"{url}?named=yes", times=7)  # fmt: skip
    assert codes == [302] * 7, codes  # the UNIQUE supervisor.user_id gave 500s
    assert _audited(app, "supervisor.named") == 1
    again = post_form(client, url, {"named": "yes", "confirmed": "yes"}, page=page)
    assert again.status_code == 302
    assert "Ben Oak is already a supervisor of your organisation: nothing was changed" in (
        _shown(client, page)
    )
    codes = _at_once(app, client, url, {"named": "no", "confirmed": "yes"}, page=f"{url}?named=no")
    assert codes == [302] * SENDS, codes
    assert _audited(app, "supervisor.removed") == 1
    with app.app_context():
        assert db.session().get(Supervisor, pcn["ben"]) is None
    again = post_form(client, url, {"named": "no", "confirmed": "yes"}, page=page)
    assert "Ben Oak is not a supervisor of your organisation: nothing was changed" in _shown(
        client, page
    )
    assert _audited(app, "supervisor.removed") == 1


def test_deleting_an_account_at_once_erases_once(app, client, pcn):
    sign_in(client, "asha@example.org")
    page = "/account/delete"
    codes = _at_once(app, client, page, {"current_password": DEMO_PASSWORD}, page=page)
    assert 500 not in codes, codes
    assert _audited(app, "account.erased") == 1
    with app.app_context():
        assert db.session().scalar(select(func.count(Leaver.id))) == 1


def test_adding_a_team_at_once_adds_one_and_refuses_the_others_plainly(app, client, pcn):
    sign_in(client, "lead@example.org")
    url = "/manage/teams"
    codes = _at_once(app, client, url, {"name": "Double Team 2"}, page=url)
    assert sorted(codes) == [302] + [400] * (SENDS - 1), codes  # the UNIQUE name gave 500s
    with app.app_context():
        named = select(func.count(Team.id)).where(Team.name == "Double Team 2")
        assert db.session().scalar(named) == 1
    assert _audited(app, "team.created") == 3  # the set-up's two, and this one
    again = post_form(client, url, {"name": "Double Team 2"})
    assert again.status_code == 400
    assert "There is already a team called Double Team 2" in again.text
