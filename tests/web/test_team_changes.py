"""Renaming and deleting teams, and the rule every team name keeps."""

import html
from datetime import date

from sqlalchemy import func, select

from app import db
from app.models import AuditEvent
from app.models_assignments import AssignmentWithdrawal
from app.models_teams import Leaver, Team
from tests.conftest import post_form, sign_in
from tests.web.error_summary import summary_of
from tests.web.pcn import ORG

TEAMS = "/manage/teams"


def _team(app, name: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Team.id).where(Team.name == name))


def _lead(app):
    client = app.test_client()
    sign_in(client, "lead@example.org")
    return client


def _text(response) -> str:
    return html.unescape(response.text)


def test_a_team_name_is_refused_unless_letters_numbers_and_the_marks_listed(app, runner, pcn):
    lead = _lead(app)
    for name, message in [
        ("<script>alert(1)</script>", "must only include letters, numbers, spaces, hyphens"),
        ('=HYPERLINK("x")', "must only include letters"),
        ("@SUM(1)", "must only include letters"),
        ("+44 Practice", "must only include letters"),
        ("- Elm", "must start with a letter or a number"),
        ("Elm\tPractice", "must be on one line"),
        ("Elm\nPractice", "must be on one line"),
        ("Elm 🌳", "Remove 🌳"),
        ("elm practice", "There is already a team called Elm Practice"),
        ("  ELM   PRACTICE ", "There is already a team called Elm Practice"),
    ]:
        response = post_form(lead, TEAMS, {"name": name})
        assert response.status_code == 400, name
        assert message in _text(response), name
        summary_of(response)
        result = runner.invoke(args=["create-team", "--", ORG, name])
        assert result.exit_code != 0 and message in result.output, name
    made = post_form(lead, TEAMS, {"name": "  St John’s (North) & Co.  Surgery "})
    assert made.status_code == 302
    assert _team(app, "St John’s (North) & Co. Surgery") is not None


def test_an_existing_name_the_rule_now_refuses_still_shows(app, pcn):
    elm = _team(app, "Elm Practice")
    with app.app_context():
        db.session().get(Team, elm).name = "<b>Elm</b> =1+1"
        db.session().commit()
    lead = _lead(app)
    for url in (TEAMS, f"{TEAMS}/{elm}", f"{TEAMS}/{elm}/name"):
        page = lead.get(url)
        assert page.status_code == 200 and "&lt;b&gt;Elm&lt;/b&gt; =1+1" in page.text, url


def test_a_manager_of_the_organisation_renames_a_team_once(app, pcn):
    lead, elm = _lead(app), _team(app, "Elm Practice")
    url = f"{TEAMS}/{elm}/name"
    assert "Change name" in lead.get(f"{TEAMS}/{elm}").text
    form = {"name": " Elm  Street Surgery ", "was": "Elm Practice"}
    done = post_form(lead, url, form, follow_redirects=True)
    assert "The team is now called Elm Street Surgery." in _text(done)
    again = post_form(lead, url, form, follow_redirects=True)  # a double click
    assert "already called Elm Street Surgery: nothing was changed" in _text(again)
    clash = post_form(lead, url, {"name": "oak practice", "was": "Elm Street Surgery"})
    assert clash.status_code == 400
    assert "There is already a team called Oak Practice" in _text(clash)
    summary_of(clash)
    refused = post_form(lead, url, {"name": "=cmd", "was": "Elm Street Surgery"})
    assert refused.status_code == 400 and "must only include letters" in _text(refused)
    # Another tab still showing the old name: nothing changes, and the name now is told.
    stale = post_form(lead, url, {"name": "Elm North", "was": "Elm Practice"})
    assert stale.status_code == 400
    assert "was renamed Elm Street Surgery since you opened this page" in _text(stale)
    # Only its case: the same team, so allowed.
    case = post_form(lead, url, {"name": "ELM street surgery", "was": "Elm Street Surgery"})
    assert case.status_code == 302
    with app.app_context():
        events = (
            db.session()
            .scalars(
                select(AuditEvent).where(AuditEvent.kind == "team.renamed").order_by(AuditEvent.id)
            )
            .all()
        )
        assert [(e.detail["was"], e.detail["team"]) for e in events] == [
            ("Elm Practice", "Elm Street Surgery"),
            ("Elm Street Surgery", "ELM street surgery"),
        ]


def test_a_manager_confined_to_teams_neither_renames_nor_deletes(app, client, pcn):
    elm = _team(app, "Elm Practice")
    assert "Delete team" in _lead(app).get(f"{TEAMS}/{elm}").text  # the organisation's may
    sign_in(client, "pm@example.org")
    assert "Change name" not in client.get(f"{TEAMS}/{elm}").text
    for path in ("name", "delete"):
        assert client.get(f"{TEAMS}/{elm}/{path}").status_code == 404
        sent = post_form(
            client, f"{TEAMS}/{elm}/{path}", {"name": "X", "was": "Elm Practice"}, page=TEAMS
        )
        assert sent.status_code == 404
    assert _team(app, "Elm Practice") == elm


def test_a_team_with_learners_or_a_confined_manager_is_not_deleted(app, pcn):
    lead, elm = _lead(app), _team(app, "Elm Practice")
    url = f"{TEAMS}/{elm}/delete"
    page = _text(lead.get(url))
    assert "You cannot delete this team yet" in page
    assert "while it has 1 learner and a manager confined to it" in page
    assert "move its learners to another team" in page and "Delete team</button>" not in page
    sent = post_form(lead, url, {"was": "Elm Practice"}, page=TEAMS)
    assert sent.status_code == 400
    summary_of(sent)
    assert _team(app, "Elm Practice") == elm


def test_an_empty_team_is_deleted_once_and_a_stale_rename_says_so(app, pcn):
    lead = _lead(app)
    assert post_form(lead, TEAMS, {"name": "Ash Practice"}).status_code == 302
    ash = _team(app, "Ash Practice")
    assert "Delete this team?" in lead.get(f"{TEAMS}/{ash}/delete").text
    rename_tab = lead.get(f"{TEAMS}/{ash}/name")
    assert rename_tab.status_code == 200
    form = {"was": "Ash Practice"}
    done = post_form(lead, f"{TEAMS}/{ash}/delete", form, page=TEAMS, follow_redirects=True)
    assert "The team Ash Practice has been deleted." in _text(done)
    assert _team(app, "Ash Practice") is None
    again = post_form(lead, f"{TEAMS}/{ash}/delete", form, page=TEAMS, follow_redirects=True)
    assert again.status_code == 200
    assert "The team Ash Practice was deleted on" in _text(again)
    # The rename tab opened before the deletion, sent now: a clear message, no error page.
    late = post_form(
        lead, f"{TEAMS}/{ash}/name", {"name": "Ash North", "was": "Ash Practice"}, page=TEAMS
    )
    assert late.status_code == 302
    assert "was deleted on" in _text(lead.get(TEAMS))
    with app.app_context():
        assert (
            db.session().scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.kind == "team.deleted")
            )
            == 1
        )
    # A new team never takes the deleted team's id, so the old forms cannot reach it.
    assert post_form(lead, TEAMS, {"name": "Birch Practice"}).status_code == 302
    assert _team(app, "Birch Practice") != ash


def test_history_keeps_a_deleted_team(app, pcn):
    lead, oak = _lead(app), _team(app, "Oak Practice")
    # Ben leaves from Oak; Oak's withdrawn assignment stays on record.
    assert post_form(lead, f"/manage/learners/{pcn['ben']}/remove", {}).status_code == 302
    with app.app_context():
        db.session().add(
            AssignmentWithdrawal(
                assignment_id=999,
                organisation_id=db.session().get(Team, oak).organisation_id,
                module_slug="x",
                target=f"team:{oak}",
                team_id=oak,
                due_on=func.current_date(),
                assigned_at=func.current_timestamp(),
            )
        )
        db.session().commit()
    sent = post_form(lead, f"{TEAMS}/{oak}/delete", {"was": "Oak Practice"}, page=TEAMS)
    assert sent.status_code == 302
    with app.app_context():
        leaver = db.session().scalar(select(Leaver))
        assert (leaver.team_name, leaver.team_id) == ("Oak Practice", None)
        assert db.session().get(AssignmentWithdrawal, 999) is not None
    leavers = lead.get(TEAMS).text.split("<h2>Leavers</h2>", 1)[1]
    assert "Ben Oak" in leavers and "Oak Practice" in leavers


def test_a_renamed_team_s_manager_still_sees_its_leavers(app, pcn):
    lead, elm = _lead(app), _team(app, "Elm Practice")
    assert post_form(lead, f"/manage/learners/{pcn['asha']}/remove", {}).status_code == 302
    form = {"name": "Elm Street", "was": "Elm Practice"}
    assert post_form(lead, f"{TEAMS}/{elm}/name", form).status_code == 302
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    leavers = practice.get(TEAMS).text.split("<h2>Leavers</h2>", 1)[1]
    assert "Asha Elm" in leavers and "Elm Practice" in leavers  # the name it had then


def test_a_confined_manager_is_told_the_learner_is_in_a_team_they_do_not_manage(app, client, pcn):
    sign_in(client, "pm@example.org")
    elm = _team(app, "Elm Practice")
    url = f"{TEAMS}/{elm}"
    refused = post_form(client, f"{url}/place", {"email": "ben@example.org"}, page=url)
    assert refused.status_code == 400
    text = _text(refused)
    assert "That learner is in a team you do not manage" in text
    assert "a manager of the whole organisation" in text
    assert "no learner with that email" not in text


def test_named_learners_not_found_are_all_listed_in_the_manager_s_words(app, pcn):
    from tests.web.test_assignments import URL, count_assignments, due_fields, modules

    form = {"modules": modules(app)[0].slug, "who": "learners", **due_fields(date(2031, 1, 1))}
    emails = "asha@example.org, nobody@example.org zed@example.org\nben@example.org"
    lead = _lead(app)
    whole = _text(post_form(lead, URL, {**form, "emails": emails}))
    assert (
        "No learner in your organisation has these 2 email addresses: "
        "nobody@example.org, zed@example.org"
    ) in whole
    assert "your teams" not in whole
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    confined = _text(post_form(practice, URL, {**form, "emails": emails}))
    assert (
        "No learner in your teams has these 3 email addresses: "
        "ben@example.org, nobody@example.org, zed@example.org"
    ) in confined
    assert count_assignments(app) == 0


def test_a_huge_paste_of_addresses_is_refused_before_it_is_read(app, pcn):
    from tests.web.test_assignments import URL, due_fields, modules

    form = {"modules": modules(app)[0].slug, "who": "learners", **due_fields(date(2031, 1, 1))}
    pasted = "x" * 200_000 + "@example.org"
    response = post_form(_lead(app), URL, {**form, "emails": pasted})
    assert response.status_code == 400
    assert "must be 20,000 characters or fewer" in _text(response)
    assert len(response.text) < 60_000 and "xxxxxxxxxx" not in response.text
    summary_of(response)
