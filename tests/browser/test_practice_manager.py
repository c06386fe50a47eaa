"""A practice manager in Chromium: teams, assigning learning, compliance, a learner's page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from app import db, mail
from app.models_assignments import Assignment
from app.services import reminder_failures
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.web.pcn import make_pcn

EVERYONE = "Everyone in the organisation"  # chosen from the team list: never its default


def assign(page, live_server, module: str, due: date, team: str | None = None) -> None:
    """Assign the module to a team; a manager of one team has no other to choose."""
    page.goto(live_server + "/manage/assignments")
    page.get_by_label(module, exact=True).check()
    page.get_by_label("A team, or a profession within it").check()
    if team:
        page.get_by_label("Team", exact=True).select_option(label=team)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("Renewal").select_option("36")
    page.get_by_role("button", name="Assign").click()


def test_a_practice_manager_assigns_and_checks_compliance(app, page, live_server, pcn):
    browser_sign_in(page, live_server, "pm@example.org")
    page.goto(live_server + "/manage/teams")
    expect(page.get_by_role("link", name="Elm Practice")).to_be_visible()
    expect(page.get_by_text("Oak Practice")).to_have_count(0)
    assert_accessible(page)
    shot(page, "teams")
    page.get_by_role("link", name="Elm Practice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Elm Practice")
    assert_accessible(page)
    shot(page, "team")
    # An empty form: the error summary names each problem and links to its field.
    page.goto(live_server + "/manage/assignments")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    shot(page, "assignments-errors")
    assign(page, live_server, "What is social prescribing?", date.today() + timedelta(days=12))
    expect(page.get_by_text("1 assignment added.")).to_be_visible()
    assert_accessible(page)
    shot(page, "assignments")
    # The mail server refuses Asha's reminders: each page that says so passes axe with it.
    refuse_reminders(app, pcn["asha"])
    page.get_by_role("link", name="Compliance", exact=True).click()
    expect(page.get_by_role("heading", name="Compliance")).to_be_visible()
    expect(page.locator(".lw-compliance tbody tr")).to_have_count(1)
    expect(page.locator(".lw-compliance")).to_contain_text("Due soon")
    expect(page.locator("#reminders-failing")).to_contain_text("Reminder emails to 1 learner")
    expect(page.locator(".lw-compliance")).to_contain_text("Reminder emails failing")
    assert_accessible(page)
    shot(page, "compliance")
    page.locator(".lw-compliance").get_by_role("link", name="Asha Elm").click()
    expect(page.get_by_role("heading", name="Learning assigned to Asha Elm")).to_be_visible()
    expect(page.locator("#reminders-failing")).to_contain_text("Reminder emails to Asha Elm")
    assert_accessible(page)
    shot(page, "drill-down")
    page.goto(live_server + f"/manage/learners/{pcn['ben']}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    # Asha is told herself, at the top of My learning and on her account page.
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "asha@example.org")
    for path, name in (("/modules/", "my-learning-emails-refused"), ("/account/", "account")):
        page.goto(live_server + path)
        expect(page.locator("#emails-refused")).to_contain_text("We cannot email you")
        assert_accessible(page)
        shot(page, name)


def refuse_reminders(app, user_id: int) -> None:
    """Record the mail server refusing the learner's address, as send-reminders does."""
    with app.app_context():
        session = db.session()
        reply = "550 5.1.1 <asha@example.org>: Recipient address rejected: User unknown"
        refused = mail.MailRefused("refused", reply=reply, address=True)
        reminder_failures.record(session, user_id, "reminder", refused)
        session.commit()


def test_assigning_and_compliance_work_without_javascript(
    app, browser, no_js_page, live_server, pcn
):
    page = no_js_page
    browser_sign_in(page, live_server, "lead@example.org")
    # A due date already past is refused, in the error pattern, without JavaScript too.
    assign(page, live_server, "How the system works", date.today() - timedelta(days=3), EVERYONE)
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("must be today or in the future").first).to_be_visible()
    assign(page, live_server, "How the system works", date.today(), EVERYONE)
    expect(page.get_by_text("1 assignment added.")).to_be_visible()
    # Three days pass.
    with app.app_context():
        session = db.session()
        session.execute(update(Assignment).values(due_on=date.today() - timedelta(days=3)))
        session.commit()
    page.goto(live_server + "/manage/compliance")
    page.get_by_label("Learners with a module").select_option("overdue")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".lw-compliance tbody tr")).to_have_count(2)
    assert_accessible_without_javascript(page, browser)
    shot(page, "compliance-overdue-no-js")
    page.goto(live_server + "/manage/assignments")
    assert_accessible_without_javascript(page, browser)
    page.goto(live_server + "/manage/managers")
    page.get_by_label("Oak Practice").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Manages Elm Practice, Oak Practice")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "managers-no-js")


def test_a_learner_sees_what_is_assigned_and_joins_a_team(app, page, live_server, make_user, pcn):
    make_user(email="cara@example.org", full_name="Cara New")
    browser_sign_in(page, live_server, "lead@example.org")
    due = date.today() + timedelta(days=12)
    assign(page, live_server, "What is social prescribing?", due, EVERYONE)
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "cara@example.org")
    page.goto(live_server + "/my/team")
    page.get_by_label("Team code").fill("ELM11111")
    page.get_by_role("button", name="Join team").click()
    page.get_by_role("button", name="Confirm and join Riverside PCN").click()
    expect(
        page.get_by_text("You have joined Riverside PCN, in the team Elm Practice")
    ).to_be_visible()
    page.goto(live_server + "/my/team")
    assert_accessible(page)
    shot(page, "my-team")
    page.goto(live_server + "/modules/")
    expect(page.get_by_role("heading", name="Assigned to you")).to_be_visible()
    expect(page.get_by_text("Assigned to you, due")).to_be_visible()
    assert_accessible(page)
    shot(page, "my-learning-assigned")


@pytest.fixture
def pcn(app, runner, make_user):
    """The PCN of two practices the web tests use (tests/web/pcn.py)."""
    return make_pcn(app, runner, make_user)
