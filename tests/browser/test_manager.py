"""The demo manager looks at their organisation in Chromium: grid, charts, drill-down, CSV."""

from playwright.sync_api import expect

from app.domain.dates import uk_today
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.web.test_manage import add_learners


def test_manager_filters_drills_down_and_downloads(app, page, live_server, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    add_learners(app, "Riverside PCN", 30)
    browser_sign_in(page, live_server, "manager@example.org")
    page.get_by_role("link", name="Your organisation").first.click()
    expect(page.get_by_role("heading", name="Riverside PCN")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Sort by").select_option("-name")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".lw-grid tbody tr").first).to_contain_text("Learner 029")
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("page 2 of 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Learner 004").click()
    expect(page.get_by_role("heading", level=1, name="Learner 004")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server + "/manage/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every learner and competency (CSV)").click()
    today = uk_today().isoformat()  # the UK day, as every date the manager reads
    assert download.value.suggested_filename == f"linkwise-competencies-riverside-pcn-{today}.csv"
