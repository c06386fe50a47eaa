"""A supervisor's decision on a page opened before the learner's latest self-assessment, in
Chromium, at 1280 and 320 px: refused, saying what changed, and the page shown again with
the later self-assessment first and marked; accessible and no wider than the window."""

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.conftest import sign_in
from tests.web.test_practice import ask, name_supervisor, self_assess, the_request

NEVER = "Actually I have never done this in practice, please do not confirm."


def shot(page, name: str) -> None:
    folder = os.environ.get("ISSUE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_decision_on_a_page_opened_before_a_new_self_assessment_is_shown_again(
    app, page, live_server, make_user
):
    make_user(email="learner@example.org", profession="link-worker", org="Riverside PCN",
              full_name="Lee Learner")  # fmt: skip
    make_user(email="sue@example.org", org="Riverside PCN", full_name="Sue Supervisor")
    name_supervisor(app, "sue@example.org")
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    self_assess(learner, "4", "after", "Done it with two people at their first meeting.")
    ask(learner, app)
    url = f"{live_server}/supervise/requests/{the_request(app)}"
    browser_sign_in(page, live_server, "sue@example.org")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.get_by_label("Yes, I confirm their practice").check()
        page.get_by_label("Comments (optional)").fill("Seen at two first meetings.")
        self_assess(learner, "1", "after", f"{NEVER} ({width})")
        page.get_by_role("button", name="Save decision").click()

        summary = page.locator(".nhsuk-error-summary")
        expect(summary).to_contain_text("Lee Learner has given a new self-assessment")
        expect(summary).to_contain_text("Your decision was not recorded")
        expect(page.get_by_text(f"{NEVER} ({width})")).to_be_visible()
        expect(page.get_by_label("Comments (optional)")).to_have_value(
            "Seen at two first meetings."
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        shot(page, f"supervise-page-changed-{width}")
        page.goto(url)  # read again: the later self-assessments first, newest first
        later = page.locator("p", has=page.locator(".nhsuk-tag", has_text="After the request"))
        expect(later.first).to_contain_text("1 of 5, not confident")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        shot(page, f"supervise-request-later-{width}")
