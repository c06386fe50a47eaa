"""The administrators' Organisations page: every organisation with its join code, link,
learners and managers; creating one (a name another has, in any case, refused; a double
click creates one); making one of its learners a manager, after a confirmation page."""

import re

from sqlalchemy import func, select, update

from app import db
from app.models import AuditEvent, Organisation, User
from app.models_teams import TeamManager
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.statements import statements
from tests.web.test_quiz_concurrency import at_once, tab
from tests.web.test_statement_counts import TARGET

ORG = "Riverside PCN"
LIST = "/admin/organisations/"


def _admin(app, make_user, email="admin@example.org"):
    admin = app.test_client()
    sign_in(admin, make_user(email, role="admin", full_name="Ada Admin"))
    return admin


def _org_id(app, name=ORG) -> int:
    with app.app_context():
        return db.session().scalar(select(Organisation.id).where(Organisation.name == name))


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def test_the_list_shows_each_organisations_code_link_learners_and_managers(app, make_user):
    make_user("sam@example.org", org=ORG)
    make_user("kim@example.org", org=ORG, full_name="Kim Learner")
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    make_user("other@example.org", org="Hillside PCN")
    admin = _admin(app, make_user)
    with app.app_context():
        code = db.session().scalar(select(Organisation.join_code).where(Organisation.name == ORG))
    with statements(app) as run:
        page = admin.get(LIST)
    assert page.status_code == 200
    assert len(run) <= TARGET, list(run)
    row = re.search(
        r"<tr[^>]*>\s*<td[^>]*><div[^>]*><a[^>]*>Riverside PCN</a>.*?</tr>", page.text, re.S
    ).group(0)
    assert f"<code>{code}</code>" in row
    assert f'/join/{code}">' in row  # the join link, as managers see it
    assert ">2<" in row  # two learners: the manager is not one
    assert "Mo Manager" in row and "mo@<wbr>example.org" in row
    assert "Hillside PCN" in page.text
    assert 'href="/admin/organisations/"' in admin.get("/admin/audit").text  # in the navigation


def test_the_list_pages_past_twenty_five(app, make_user):
    with app.app_context():
        from app.services import account_admin

        for n in range(27):
            account_admin.create_organisation(f"Practice {n:02d}")
    admin = _admin(app, make_user)
    first, last = admin.get(LIST).text, admin.get(LIST + "?page=9").text
    assert "Practice 00" in first and "Practice 26" not in first
    assert "page 1 of 2" in first
    assert "Practice 26" in last and "page 2 of 2" in last


def test_creating_an_organisation_shows_its_code_and_is_audited(app, make_user):
    admin = _admin(app, make_user)
    made = post_form(admin, LIST, {"name": "  Elm Tree Surgery "})
    assert made.status_code == 302
    with app.app_context():
        org = db.session().scalar(
            select(Organisation).where(Organisation.name == "Elm Tree Surgery")
        )
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "organisation.created")
        )
        assert (event.actor_id, event.via) == (
            db.session().scalar(select(User.id).where(User.email == "admin@example.org")),
            "web",
        )
    assert made.location.endswith(f"/admin/organisations/{org.id}")
    page = admin.get(made.location).text
    assert f"Its join code is {org.join_code}" in page
    assert f"/join/{org.join_code}" in page


def test_an_empty_invalid_or_taken_name_is_refused_with_the_name_kept(app, make_user):
    make_user("sam@example.org", org=ORG)
    admin = _admin(app, make_user)
    for name, said in (
        ("   ", "Enter the organisation&#39;s name"),
        ("Bad\tname", "Organisation name must be on one line"),
        ("riverside   pcn", "There is already an organisation called Riverside PCN"),
    ):
        refused = post_form(admin, LIST, {"name": name})
        assert refused.status_code == 400, name
        assert summary_of(refused).links == ["#name"]
        assert said in refused.text, name
        if name.strip():
            assert f'value="{name}"' in refused.text
    assert _count(app, Organisation) == 1


def test_a_double_click_creates_one_organisation(app, make_user):
    admin = _admin(app, make_user)
    token = csrf_token(admin, LIST)
    other = tab(app, admin)
    sent = at_once(
        [
            lambda c=c: c.post(LIST, data={"csrf_token": token, "name": "Oak Practice"})
            for c in (admin, other)
        ]
    )
    assert sorted(r.status_code for r in sent) == [302, 400]
    assert _count(app, Organisation) == 1
    assert _count(app, AuditEvent, AuditEvent.kind == "organisation.created") == 1


def _page(org: int) -> str:
    return f"/admin/organisations/{org}"


def test_a_learner_of_the_organisation_is_made_its_manager_after_confirming(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    org = _org_id(app)
    with statements(app) as run:
        assert admin.get(_page(org)).status_code == 200
    assert len(run) <= TARGET, list(run)
    shown = post_form(
        admin, _page(org) + "/managers/confirm", {"email": "SAM@example.org"}, page=_page(org)
    )
    assert shown.status_code == 200
    assert "they see every learner of Riverside PCN" in shown.text
    assert "their own learning" in shown.text
    assert _count(app, User, User.role == "manager") == 0  # nothing changed yet
    token = csrf_token(admin, _page(org))
    tabs = (admin, tab(app, admin))
    sent = at_once(
        [
            lambda c=c: c.post(
                _page(org) + "/managers", data={"csrf_token": token, "email": "sam@example.org"}
            )
            for c in tabs
        ]
    )
    # The second is told the person is a manager already and nothing changed: no error.
    assert [r.status_code for r in sent] == [302, 302]
    told = " ".join(c.get(_page(org)).text for c in tabs)
    assert (
        "Sam Learner (sam@example.org) is already a manager of Riverside PCN: nothing was changed."
    ) in told
    assert "Sam Learner is now a manager of Riverside PCN." in told
    assert "There is a problem" not in told
    assert _count(app, User, User.role == "manager") == 1
    with app.app_context():
        events = (
            db.session().scalars(select(AuditEvent).where(AuditEvent.kind == "role.changed")).all()
        )
    assert [(e.via, e.detail["old"], e.detail["new"]) for e in events] == [
        ("web", "learner", "manager")
    ]
    assert events[0].actor_id is not None
    listed = admin.get(_page(org)).text  # among the managers now
    assert "Sam Learner</div></td>" in listed and "sam@<wbr>example.org" in listed


def test_the_wrong_person_is_refused_with_a_clear_message(app, make_user):
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    make_user("other@example.org", org="Hillside PCN")
    make_user("loner@example.org")
    make_user("tess@example.org", role="trainer", org=ORG)
    admin = _admin(app, make_user)
    org = _org_id(app)
    for email, said in (
        ("", "Enter the email address of the person to make a manager"),
        ("nope@example.org", "No account has the email address nope@example.org"),
        ("other@example.org", "other@example.org is in another organisation, not Riverside PCN"),
        ("loner@example.org", "loner@example.org is in no organisation, not Riverside PCN"),
        ("tess@example.org", "tess@example.org is a trainer"),
    ):
        for step in ("/managers/confirm", "/managers"):
            refused = post_form(admin, _page(org) + step, {"email": email}, page=_page(org))
            assert refused.status_code == 400, (email, step)
            assert summary_of(refused).links == ["#email"]
            assert said in refused.text, (email, step)
            assert f'value="{email}"' in refused.text
    # A manager typed into the form is an error there; the same sent on from the
    # confirmation (a second click, after another administrator) is told nothing changed.
    said = "Mo Manager (mo@example.org) is already a manager of Riverside PCN"
    confirm = _page(org) + "/managers/confirm"
    refused = post_form(admin, confirm, {"email": "mo@example.org"}, page=_page(org))
    assert refused.status_code == 400 and summary_of(refused).links == ["#email"]
    assert said in refused.text
    again = post_form(admin, _page(org) + "/managers", {"email": "mo@example.org"}, page=_page(org))
    assert again.status_code == 302
    assert f"{said}: nothing was changed." in admin.get(_page(org)).text
    assert _count(app, AuditEvent, AuditEvent.kind == "role.changed") == 0


def test_an_unknown_organisation_is_not_found(app, make_user):
    make_user("sam@example.org", org=ORG)
    admin = _admin(app, make_user)
    assert admin.get(_page(_org_id(app))).status_code == 200
    assert admin.get(_page(999)).status_code == 404
    token = csrf_token(admin, LIST)
    sent = admin.post(_page(999) + "/managers", data={"csrf_token": token, "email": "a@b.org"})
    assert sent.status_code == 404


def test_a_manager_is_stepped_back_to_learner_once_of_two_clicks(app, make_user):
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    make_user("hal@example.org", role="manager", org="Hillside PCN", full_name="Hal Manager")
    admin = _admin(app, make_user)
    org = _org_id(app)
    steps = _page(org) + "/managers/step-back"
    shown = post_form(admin, steps + "/confirm", {"email": "mo@example.org"}, page=_page(org))
    assert shown.status_code == 200
    assert "they count among its learners again" in shown.text
    assert "made a manager again, they manage the whole of Riverside PCN" in shown.text
    assert _count(app, User, User.role == "manager") == 2  # nothing changed yet
    token, tabs = csrf_token(admin, _page(org)), (admin, tab(app, admin))
    sent = at_once(
        [lambda c=c: c.post(steps, data={"csrf_token": token, "email": "mo@example.org"})
         for c in tabs]
    )  # fmt: skip
    assert [r.status_code for r in sent] == [302, 302]
    told = " ".join(c.get(_page(org)).text for c in tabs)  # each tab's message
    assert "Mo Manager is now a learner of Riverside PCN, no longer its manager." in told
    assert "That person is not a manager of Riverside PCN (any more): nothing changed." in told
    # Another organisation's manager, through this one's page: nothing changes.
    post_form(admin, steps, {"email": "hal@example.org"}, page=_page(org))
    with app.app_context():
        roles = dict(db.session().execute(select(User.email, User.role)).all())
        events = (
            db.session().scalars(select(AuditEvent).where(AuditEvent.kind == "role.changed")).all()
        )
    assert (roles["mo@example.org"], roles["hal@example.org"]) == ("learner", "manager")
    assert [(e.via, e.detail["old"], e.detail["new"]) for e in events] == [
        ("web", "manager", "learner")
    ]


def test_a_manager_stepped_back_is_no_longer_confined_when_made_a_manager_again(
    app, runner, make_user
):
    make_user("lead@example.org", role="manager", org=ORG, full_name="Lee Lead")
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    for args in (
        ["create-team", ORG, "Elm Practice"],
        ["create-team", ORG, "Oak Practice"],
        ["set-manager-teams", "mo@example.org", ORG, "Oak Practice", "Elm Practice"],
    ):
        assert runner.invoke(args=args).exit_code == 0
    admin, org = _admin(app, make_user), _org_id(app)
    stepped = post_form(
        admin, _page(org) + "/managers/step-back", {"email": "mo@example.org"}, page=_page(org)
    )
    assert stepped.status_code == 302
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "role.changed"))
    assert (event.detail["new"], event.detail["confined_to"]) == (
        "learner",
        "Elm Practice, Oak Practice",
    )
    assert _count(app, TeamManager) == 0
    # Made a manager again (the command line, as the page does): the whole organisation.
    assert runner.invoke(args=["set-role", "mo@example.org", "manager"]).exit_code == 0
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    assert "mo@example.org · Manages the whole organisation" in lead.get("/manage/managers").text


def test_a_learner_stepped_back_before_confinement_was_let_go_manages_everything_when_made_one(
    app, runner, make_user
):
    make_user("lead@example.org", role="manager", org=ORG, full_name="Lee Lead")
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    for args in (
        ["create-team", ORG, "Elm Practice"],
        ["set-manager-teams", "mo@example.org", ORG, "Elm Practice"],
    ):
        assert runner.invoke(args=args).exit_code == 0
    with app.app_context():  # stepped back as before: the role changed, the teams kept
        mo = update(User).where(User.email == "mo@example.org")
        db.session().execute(mo.values(role="learner"))
        db.session().commit()
    admin, org = _admin(app, make_user), _org_id(app)
    made = post_form(admin, _page(org) + "/managers", {"email": "mo@example.org"}, page=_page(org))
    assert made.status_code == 302
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "role.changed"))
    assert (event.detail["new"], event.detail["confined_to"]) == ("manager", "Elm Practice")
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    assert "mo@example.org · Manages the whole organisation" in lead.get("/manage/managers").text


def test_an_organisation_name_a_spreadsheet_would_read_as_a_formula_is_refused(app, make_user):
    admin = _admin(app, make_user)
    for name in ("=cmd()", "+44 Practice", "-Riverside", "@Home Surgery"):
        refused = post_form(admin, LIST, {"name": name})
        assert refused.status_code == 400, name
        assert summary_of(refused).links == ["#name"]
        assert "Organisation name must start with a letter or a number" in refused.text, name
        assert f'value="{name}"' in refused.text
    assert post_form(admin, LIST, {"name": "3 Rivers PCN"}).status_code == 302
    assert _count(app, Organisation) == 1


def test_the_managers_table_says_what_each_manager_manages_and_stepping_back_what_goes(
    app, runner, make_user
):
    """A practice manager confined to one team reads as such, beside one who manages the
    whole organisation; the step-back page names the team they stop managing."""
    make_user("lead@example.org", role="manager", org=ORG, full_name="Lee Lead")
    make_user("priya@example.org", role="manager", org=ORG, full_name="Priya Patel")
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    for args in (
        ["create-team", ORG, "Elm Street Surgery"],
        ["create-team", ORG, "Oak Lane Practice"],
        ["set-manager-teams", "priya@example.org", ORG, "Elm Street Surgery"],
        ["set-manager-teams", "mo@example.org", ORG, "Oak Lane Practice", "Elm Street Surgery"],
    ):
        assert runner.invoke(args=args).exit_code == 0
    admin, org = _admin(app, make_user), _org_id(app)
    with statements(app) as run:
        page = admin.get(_page(org)).text
    assert len(run) <= TARGET, list(run)
    table = page.split("<h2>Managers</h2>", 1)[1].split("</table>", 1)[0]
    assert '<th class="nhsuk-table__header" scope="col">Manages</th>' in table

    def row(name: str) -> str:
        return re.sub(r"\s+", " ", table.split(f">{name}<", 1)[1].split("</tr>", 1)[0])

    assert "The whole organisation" in row("Lee Lead")
    assert "Only Elm Street Surgery" in row("Priya Patel")
    assert "Only Elm Street Surgery, Oak Lane Practice" in row("Mo Manager")
    assert table.count("The whole organisation") == 1
    # The list of organisations says the same of each manager confined to teams.
    listed = re.sub(r"\s+", " ", admin.get(LIST).text)
    assert "Priya Patel</span><br>priya@<wbr>example.org<br>" in listed
    assert '<span class="lw-user-text">Only Elm Street Surgery</span>' in listed
    asked = post_form(
        admin,
        _page(org) + "/managers/step-back/confirm",
        {"email": "priya@example.org"},
        page=_page(org),
    ).text
    said = re.sub(r"\s+", " ", asked)
    assert "Priya Patel (priya@example.org) manages only Elm Street Surgery" in said
    assert "they stop managing Elm Street Surgery and no longer see its learners" in said
    whole = post_form(
        admin,
        _page(org) + "/managers/step-back/confirm",
        {"email": "lead@example.org"},
        page=_page(org),
    ).text
    said = re.sub(r"\s+", " ", whole)
    assert "Lee Lead (lead@example.org) manages the whole of Riverside PCN" in said
    assert "stop managing" not in said
