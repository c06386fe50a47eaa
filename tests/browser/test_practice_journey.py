"""Practice confirmation in Chromium: a learner without JavaScript, a supervisor, a manager."""

import os
from pathlib import Path

from playwright.sync_api import expect

from app.services import accounts, supervisors
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.web.test_my_competencies import pass_quiz
from tests.web.test_practice import name_supervisor

CODE = "SPLW-1.4"


def shot(page, name: str) -> None:
    """Save a full-page screenshot where ISSUE_SHOTS points, to look at by eye."""
    folder = os.environ.get("ISSUE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_learner_asks_supervisor_returns_then_confirms_and_manager_filters(
    app, browser, page, no_js_page, live_server, make_user, mailbox
):
    make_user(email="lee@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Lee Learner")  # fmt: skip
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    name_supervisor(app, "sue@example.org")
    with app.app_context():
        from app.content import catalogue

        module = catalogue().modules[0]
    learner = app.test_client()
    from tests.conftest import sign_in

    sign_in(learner, "lee@example.org")
    pass_quiz(app, learner, "lee@example.org", module)

    # The learner, with JavaScript off.
    browser_sign_in(no_js_page, live_server, "lee@example.org")
    no_js_page.goto(live_server + "/my/competencies")
    shot(no_js_page, "learner-profile")
    assert_accessible_without_javascript(no_js_page, browser)
    no_js_page.get_by_role("link", name=f"Your evidence and self-assessment for {CODE}").click()
    no_js_page.get_by_role("button", name="Save self-assessment").click()
    expect(no_js_page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible_without_javascript(no_js_page, browser)
    no_js_page.get_by_label("4: Confident").check()
    no_js_page.get_by_label("After").check()
    no_js_page.get_by_label("Reflection or an example").fill("Started with what matters to her.")
    no_js_page.get_by_role("button", name="Save self-assessment").click()
    expect(no_js_page.get_by_text("Your self-assessment has been saved.")).to_be_visible()
    no_js_page.get_by_label("Sue Supervisor").check()
    no_js_page.get_by_role("button", name="Ask for confirmation").click()
    expect(no_js_page.get_by_text("Waiting for a decision")).to_be_visible()
    shot(no_js_page, "learner-competency")
    assert_accessible_without_javascript(no_js_page, browser)

    # The supervisor.
    browser_sign_in(page, live_server, "sue@example.org")
    page.goto(live_server + "/supervise/")
    assert_accessible(page)
    shot(page, "supervisor-queue")
    page.get_by_role("link", name="Lee Learner").first.click()
    expect(page.get_by_text("Started with what matters to her.")).to_be_visible()
    expect(page.locator("#validity")).to_contain_text("your confirmation counts for 3 years")
    shot(page, "supervisor-request")
    page.get_by_label("Not yet: return it with an action plan").check()
    page.get_by_role("button", name="Save decision").click()
    expect(
        page.get_by_text("Enter an action plan for the learner to work on").first
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Action plan").fill("Let me observe one first meeting.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("You returned Lee Learner's request to confirm")).to_be_visible()
    assert "returned your request" in mailbox.last("lee@example.org")["Subject"]

    no_js_page.goto(live_server + f"/my/competencies/{CODE}")
    expect(no_js_page.get_by_text("Let me observe one first meeting.")).to_be_visible()
    no_js_page.get_by_label("Sue Supervisor").check()
    no_js_page.get_by_role("button", name="Ask for confirmation").click()
    expect(no_js_page.get_by_text("Waiting for a decision")).to_be_visible()
    page.goto(live_server + "/supervise/")
    page.get_by_role("link", name="Lee Learner").first.click()
    # The decision page has loaded (axe on a page mid-navigation finds no document).
    expect(page.get_by_label("Yes, I confirm their practice")).to_be_visible()
    shot(page, "supervisor-request")
    assert_accessible(page)
    page.get_by_label("Yes, I confirm their practice").check()
    page.get_by_label("Comments (optional)").fill("Seen at two first meetings.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("They have been told by email.")).to_be_visible()
    no_js_page.goto(live_server + f"/my/competencies/{CODE}")
    expect(no_js_page.get_by_text("Confirmed", exact=True).first).to_be_visible()
    shot(no_js_page, "learner-confirmed")

    # The manager.
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "manager@example.org")
    page.goto(live_server + "/manage/?framework=splw")
    shot(page, "manager-grid")
    assert_accessible(page)
    page.get_by_label("Showing learners with").select_option("awaiting")
    page.get_by_role("button", name="Apply").click()
    expect(
        page.get_by_text("These figures count the 0 learners your filters select")
    ).to_be_visible()
    assert_accessible(page)


def test_a_decision_on_an_erased_learners_request_is_refused_plainly(
    app, browser, page, no_js_page, live_server, make_user, runner
):
    from tests.conftest import sign_in
    from tests.web.test_practice import ask, the_request

    make_user(email="learner@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Lee Learner")  # fmt: skip
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    ask(learner, app)
    request_id = the_request(app)

    # Sue opens the request with JavaScript off; the learner is erased before she decides.
    browser_sign_in(no_js_page, live_server, "sue@example.org")
    no_js_page.goto(f"{live_server}/supervise/requests/{request_id}")
    no_js_page.get_by_label("Yes, I confirm their practice").check()
    erased = runner.invoke(args=["erase-user", "learner@example.org", "--yes"])
    assert erased.exit_code == 0, erased.output
    no_js_page.get_by_role("button", name="Save decision").click()
    expect(no_js_page.get_by_text("This request was closed before you decided")).to_be_visible()
    expect(no_js_page.get_by_text("when the learner's account was erased")).to_be_visible()
    assert_accessible_without_javascript(no_js_page, browser)
    shot(no_js_page, "supervisor-request-closed-by-erasure")

    browser_sign_in(page, live_server, "sue@example.org")
    page.goto(f"{live_server}/supervise/")
    expect(page.get_by_text("No requests are waiting for you.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server}/supervise/requests/{request_id}")
    expect(page.get_by_text("when the learner's account was erased")).to_be_visible()
    assert_accessible(page)

    # Sue opens another request; she is no longer named a supervisor before she decides.
    make_user(email="kim@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Kim Learner")  # fmt: skip
    kim = app.test_client()
    sign_in(kim, "kim@example.org")
    ask(kim, app)
    page.goto(f"{live_server}/supervise/requests/{the_request(app)}")
    page.get_by_label("Yes, I confirm their practice").check()
    with app.app_context():
        sue = accounts.user_by_email("sue@example.org").id
        supervisors.set_supervisor(None, sue, False, via="cli")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your decision was not recorded")
    expect(page.get_by_text("You are no longer a supervisor at Riverside PCN")).to_be_visible()
    assert_accessible(page)
    shot(page, "supervisor-decision-after-removal")
