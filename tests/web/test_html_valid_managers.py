"""The team, assignment, compliance, drill-down and unsubscribe pages are valid HTML (Nu), and a
learner's My learning and account pages warning that the mail server refuses her address."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from app.models_teams import Team
from tests.conftest import DEMO_PASSWORD, confirm_professional, post_form, sign_in
from tests.web.journeys import path_of
from tests.web.test_html_valid import nu_errors


def collect_pages(app, pcn, runner, mailbox) -> dict[str, str]:
    """Render every new page, with data and with errors."""
    for args in (
        ["create-org", "Hillside PCN", "--join-code", "HILL0000"],
        ["create-team", "Hillside PCN", "Hill Practice", "--join-code", "HILL0001"],
    ):
        assert runner.invoke(args=args).exit_code == 0, args
    with app.app_context():
        elm = db.session().scalar(select(Team.id).where(Team.name == "Elm Practice"))
        from app.content import catalogue

        slugs = [m.slug for m in catalogue().modules[:2]]
    lead = app.test_client()
    sign_in(lead, "lead@example.org")
    due = date.today() + timedelta(days=10)
    form = {
        "modules": slugs,
        "who": "team",
        "team": str(elm),
        "renew": "36",
        "due-day": str(due.day),
        "due-month": str(due.month),
        "due-year": str(due.year),
    }
    post_form(lead, "/manage/assignments", form)
    post_form(lead, "/manage/assignments", {**form, "team": "everyone"})  # the whole organisation
    # The compliance and drill-down pages warn of it, and her own My learning and account.
    mailbox.refuse("asha@example.org")
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    practice = app.test_client()
    sign_in(practice, "pm@example.org")
    pages = {
        "assignments-confined": practice.get("/manage/assignments").text,
        "teams": lead.get("/manage/teams").text,
        "managers": lead.get("/manage/managers").text,
        "teams-errors": post_form(lead, "/manage/teams", {"name": ""}).text,
        "team": lead.get(f"/manage/teams/{elm}").text,
        "team-errors": post_form(
            lead, f"/manage/teams/{elm}/place", {"email": "x"}, page=f"/manage/teams/{elm}"
        ).text,
        "assignments": lead.get("/manage/assignments").text,
        "assignments-errors": post_form(lead, "/manage/assignments", {"who": "learners"}).text,
        "compliance": lead.get("/manage/compliance").text,
        "compliance-none": lead.get("/manage/compliance?status=expired").text,
        "drill-down": lead.get(f"/manage/learners/{pcn['asha']}").text,
        "remove": lead.get(f"/manage/learners/{pcn['asha']}/remove").text,
        "team-name": lead.get(f"/manage/teams/{elm}/name").text,
        "team-name-errors": post_form(
            lead, f"/manage/teams/{elm}/name", {"name": "=x", "was": "Elm Practice"}
        ).text,
        "join-code": lead.get("/manage/join-code").text,
        "team-join-code": lead.get(f"/manage/teams/{elm}/join-code").text,
        "team-delete-refused": lead.get(f"/manage/teams/{elm}/delete").text,
        "team-delete-refused-errors": post_form(
            lead, f"/manage/teams/{elm}/delete", {"was": "Elm Practice"}, page="/manage/teams"
        ).text,
    }
    post_form(lead, "/manage/teams", {"name": "Ash Practice"})
    with app.app_context():
        ash = db.session().scalar(select(func.max(Team.id)))
    pages["team-delete"] = lead.get(f"/manage/teams/{ash}/delete").text
    assert "Delete this team?" in pages["team-delete"]
    assert "Replace this join code?" in pages["join-code"]
    pages["join-code-already"] = post_form(
        lead, "/manage/join-code", {"was": "OLD12345"}, follow_redirects=True
    ).text
    assert "was already replaced" in pages["join-code-already"]
    with app.app_context():
        from app.models_assignments import Assignment

        first = db.session().scalar(select(func.min(Assignment.id)))
    pages["withdraw"] = lead.get(f"/manage/assignments/{first}/withdraw").text
    assert "Withdraw this assignment?" in pages["withdraw"]
    assert "There is a problem" in pages["assignments-errors"]
    assert "Set by your organisation" in pages["assignments-confined"]
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    pages["my-learning-assigned"] = learner.get("/modules/").text
    pages["account-emails-refused"] = learner.get("/account/").text
    admin = administrator(app)
    pages["admin-emails-refused"] = admin.get("/admin/emails-refused/").text
    assert "Asha Elm" in pages["admin-emails-refused"]
    for name in ("my-learning-assigned", "account-emails-refused"):
        assert "We cannot email you" in pages[name], name  # her address is refused
    pages["my-team"] = learner.get("/my/team").text
    pages["my-team-errors"] = post_form(learner, "/my/team", {"join_code": "NOPE"}).text
    pages["leave"] = learner.get("/account/organisation/leave").text
    pages["my-team-elsewhere"] = post_form(learner, "/my/team", {"join_code": "HILL0001"}).text
    pages["organisation-move"] = post_form(
        learner, "/account/organisation", {"join_code": "HILL0000"}
    ).text
    assert "Move to Hillside PCN?" in pages["organisation-move"]
    pages["organisation-move-team"] = post_form(
        learner, "/account/organisation", {"join_code": "HILL0001"}
    ).text
    assert "for its team" in pages["organisation-move-team"]
    pages["organisation-join-team"] = post_form(
        learner, "/account/organisation", {"join_code": "OAK22222"}
    ).text
    assert "Join Oak Practice?" in pages["organisation-join-team"]
    pages["join-link-errors"] = learner.get("/join/NOPE2345").text  # a join link's bad code
    assert "There is a problem" in pages["join-link-errors"]
    visitor = app.test_client()
    confirm_professional(visitor)
    pages["sign-in-join-link"] = visitor.get("/sign-in?next=/join/OAK22222").text
    pages["register-join-link"] = visitor.get("/register?join_code=OAK22222").text
    assert 'value="OAK22222"' in pages["register-join-link"]
    assert "Leave Riverside PCN?" in pages["leave"]
    assert "Reminder emails to 1 learner could not" in pages["compliance"]
    assert "Reminder emails to Asha Elm could not" in pages["drill-down"]
    mailbox.clear()  # her address takes mail again
    runner.invoke(args=["send-reminders"])
    pages["admin-emails-refused-none"] = admin.get("/admin/emails-refused/").text
    assert "No one’s emails are being refused now." in pages["admin-emails-refused-none"]
    link = path_of(mailbox.link("asha@example.org", "/unsubscribe/"))
    pages["unsubscribe"] = app.test_client().get(link).text
    pages["unsubscribed"] = app.test_client().post(link).text
    remove = f"/manage/learners/{pcn['ben']}/remove"
    post_form(lead, remove, {})
    pages["removed"] = lead.get(remove).text  # the back button after removing him
    assert "Ben Oak is no longer in your organisation" in pages["removed"]
    return pages


def administrator(app):
    """Return a client signed in as an administrator."""
    from app.services import account_admin

    with app.app_context():
        account_admin.create_user(
            email="admin@example.org",
            full_name="Ada Admin",
            password=DEMO_PASSWORD,
            profession="gp",
            role="admin",
            organisation_name=None,
        )
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    return admin


def test_the_managers_new_pages_are_valid_html(app, pcn, runner, mailbox, tmp_path, database_url):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    errors = nu_errors(collect_pages(app, pcn, runner, mailbox), tmp_path)
    assert errors == [], "\n".join(errors)
