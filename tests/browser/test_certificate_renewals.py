"""A renewed module's certificate page in Chromium: the latest certificate, the earlier one
listed with its verify page and PDF, accessible with and without JavaScript."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible_without_javascript, browser_sign_in
from tests.conftest import sign_in
from tests.web.journeys import pass_module, renew, user_id
from tests.web.test_html_valid import nu_errors


def shot(page, name: str) -> None:
    """Save a full-page screenshot where ISSUE_SHOTS points, to look at by eye."""
    folder = os.environ.get("ISSUE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_certificate_page_lists_the_earlier_certificate(
    app, browser, no_js_page, live_server, make_user, tmp_path
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    page = no_js_page
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    helper = app.test_client()
    sign_in(helper, email)
    first = pass_module(app, helper, email, module)
    latest = renew(app, helper, user_id(app, email), module)

    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/certificate/")
    expect(page.get_by_role("heading", name="Earlier certificates for this module")).to_be_visible()
    expect(page.get_by_text(latest).first).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "certificate-with-earlier")
    assert nu_errors({"certificate": page.content()}, tmp_path) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == (f"linkwise-certificate-{module.slug}-{first}.pdf")
    page.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate confirmed")
