"""A renewed module's certificate page in Chromium: the latest certificate, the earlier one
listed with its verify page, PDF and credential, accessible with and without JavaScript and
by keyboard."""

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


def tab_to_link(page, href: str, limit: int = 80) -> None:
    """Press Tab until the link to href has focus: it is reachable by keyboard, in order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == href:
            return
    raise AssertionError(f"never reached the link to {href} by Tab")


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

    # The earlier certificate's own credential: named for its certificate, reached by Tab,
    # downloaded with Enter.
    credential = f"/modules/{module.slug}/credentials/{first}.jwt"
    link = page.get_by_role("link", name="Download credential (.jwt) of the certificate of")
    expect(link).to_have_attribute("href", credential)
    expect(link).to_be_visible()
    page.reload()  # Tab from the top of the page, not from the link clicked last
    tab_to_link(page, credential)
    expect(link).to_be_focused()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == (f"linkwise-credential-{module.slug}-{first}.jwt")
    signed = Path(download.value.path()).read_text("utf-8")
    assert (
        signed
        == helper.get(credential).text
        != helper.get(f"/modules/{module.slug}/credential.jwt").text
    )

    page.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate confirmed")


def test_revoked_certificates_say_what_stands_on_the_record_and_the_module_pages(
    app, browser, no_js_page, live_server, make_user, runner, tmp_path
):
    """A revoked earlier certificate's entry, and a revoked latest one with an earlier that
    stands: each page says which certificate is revoked and what still stands."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    page = no_js_page
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        first_module, second_module = [m for m in catalogue().modules if m.assessment][:2]
    helper = app.test_client()
    sign_in(helper, email)
    learner = user_id(app, email)
    # The first module: its earlier certificate revoked, its renewal standing.
    earlier = pass_module(app, helper, email, first_module)
    renew(app, helper, learner, first_module)
    # The second: its renewal revoked, its first certificate standing.
    standing = pass_module(app, helper, email, second_module)
    latest = renew(app, helper, learner, second_module)
    for code in (earlier, latest):
        result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
        assert result.exit_code == 0, result.output

    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/my/record")
    entry = page.get_by_role("row").filter(has_text="Earlier certificate").filter(has_text=earlier)
    expect(entry.get_by_role("cell").first).to_have_text("Certificate revoked")
    expect(page.get_by_text("stays completed through the earlier certificate")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "record-revoked-certificates")
    pages = {"record": page.content()}

    page.goto(f"{live_server}/modules/{second_module.slug}/")
    expect(page.get_by_text(f"Your earlier certificate {standing}")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "module-latest-revoked")
    pages["module"] = page.content()

    page.goto(f"{live_server}/modules/{second_module.slug}/certificate/")
    named = page.get_by_text(f"Your earlier certificate for this module, {standing}")
    expect(named).to_be_visible()
    page.get_by_role("link", name="See your earlier certificates").click()
    expect(page.get_by_role("heading", name="Earlier certificates for this module")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "certificate-latest-revoked")
    pages["certificate"] = page.content()

    page.goto(f"{live_server}/modules/")
    expect(page.get_by_text(f"Your earlier certificate {standing}")).to_be_visible()
    assert_accessible_without_javascript(page, browser)
    shot(page, "my-learning-latest-revoked")
    pages["my learning"] = page.content()
    assert nu_errors(pages, tmp_path) == []
