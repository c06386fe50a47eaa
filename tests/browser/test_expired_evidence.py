"""Expired evidence in Chromium: the learning record says each certificate has expired, and
My competencies points to the renewals and the manager's learner page says they are open;
accessible with JavaScript off."""

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible_without_javascript, browser_sign_in
from tests.browser.test_certificate_renewals import shot
from tests.web.pcn import make_pcn
from tests.web.test_expired_evidence_next_steps import as_the_qa_left_it
from tests.web.test_html_valid import nu_errors


def test_expired_evidence_reads_as_expired_and_points_to_the_renewals(
    app, browser, no_js_page, live_server, make_user, runner, tmp_path
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    page = no_js_page
    learners = make_pcn(app, runner, make_user)
    with app.app_context():
        passed = [m for m in catalogue().modules if m.assessment][:4]
    as_the_qa_left_it(app, app.test_client(), runner, "asha@example.org", passed)

    browser_sign_in(page, live_server, "asha@example.org")
    page.goto(f"{live_server}/my/record")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=passed[0].title))
    expect(row.get_by_role("cell").first).to_have_text("Certificate expired")
    expect(row.get_by_text("the learning it records is due again")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "record-expired-certificates")
    pages = {"record": page.content()}

    page.goto(f"{live_server}/my/competencies")
    renew = page.get_by_role("link", name=f"Renew {passed[0].title}", exact=True)
    expect(renew).to_be_visible()
    expect(page.get_by_text("no quiz left can give more")).to_have_count(0)
    assert_accessible_without_javascript(page, browser)
    shot(page, "competencies-expired-evidence")
    pages["competencies"] = page.content()
    renew.click()
    expect(page.locator("#renewal")).to_contain_text("Renew this module")

    page.context.clear_cookies()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(f"{live_server}/manage/learners/{learners['asha']}")
    renewal = f"{passed[0].title}: passed; passing its quiz again would renew"
    expect(page.get_by_role("listitem").filter(has_text=renewal)).to_be_visible()
    expect(page.get_by_text("What to do next")).to_have_count(0)
    expect(page.get_by_role("cell", name="Certificate expired")).to_have_count(len(passed))
    assert_accessible_without_javascript(page, browser)
    shot(page, "manager-learner-expired-evidence")
    pages["manager's learner"] = page.content()
    assert nu_errors(pages, tmp_path) == []
