"""Credentials in Chromium with JavaScript off: a learner downloads theirs, anyone checks it,
an administrator revokes it. Every page passes axe-core and the Nu HTML checker."""

from pathlib import Path

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible_without_javascript, browser_sign_in
from tests.browser.quiz_steps import shot
from tests.conftest import sign_in
from tests.credential_verifier import tampered, verify
from tests.credentials.test_independent_verification import http_get
from tests.web.journeys import pass_module
from tests.web.test_html_valid import nu_errors


def look(page, browser, pages, name):
    """Check the page with axe, keep its HTML for the Nu checker, and a screenshot."""
    assert_accessible_without_javascript(page, browser)
    pages[name] = page.content()
    shot(page, name)


def test_download_check_and_revoke_a_credential_without_javascript(
    app, browser, no_js_page, live_server, make_user, tmp_path
):
    page, pages = no_js_page, {}
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    helper = app.test_client()
    sign_in(helper, email)
    code = pass_module(app, helper, email, module)

    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/certificate/")
    look(page, browser, pages, "certificate-page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your credential (Open Badges, .jwt)").click()
    assert download.value.suggested_filename == f"linkwise-credential-{module.slug}.jwt"
    token = Path(download.value.path()).read_text()
    assert verify(token, http_get, base_url=live_server).status == "valid"

    page.goto(f"{live_server}/certificates/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate confirmed")
    expect(page.get_by_text("Valid (Open Badges 3.0, signed by Linkwise)")).to_be_visible()
    look(page, browser, pages, "verify-valid")

    page.get_by_role("link", name="check that the file itself is genuine and unchanged").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a credential")
    look(page, browser, pages, "check-empty")
    page.get_by_role("button", name="Check credential").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    look(page, browser, pages, "check-error")
    page.get_by_role("textbox", name="Or paste the credential").fill(token)
    page.get_by_role("button", name="Check credential").click()
    expect(page.get_by_role("heading", name="Result: Valid")).to_be_visible()
    look(page, browser, pages, "check-valid")
    altered = tampered(token, lambda c: c["credentialSubject"]["result"][0].update(value="0"))
    page.get_by_role("textbox", name="Or paste the credential").fill(altered)
    page.get_by_role("button", name="Check credential").click()
    expect(
        page.get_by_role("heading", name="Result: Altered or not issued by Linkwise")
    ).to_be_visible()
    look(page, browser, pages, "check-altered")

    admin = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    admin_page = admin.new_page()
    browser_sign_in(admin_page, live_server, make_user("admin@example.org", role="admin"))
    admin_page.get_by_role("link", name="Credentials").click()
    admin_page.get_by_label("Certificate code").fill(code.lower())
    admin_page.get_by_role("button", name="Find").click()
    expect(admin_page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    look(admin_page, browser, pages, "admin-credential")
    admin_page.get_by_role("button", name="Continue to revoke").click()
    expect(admin_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    look(admin_page, browser, pages, "admin-revoke-error")
    admin_page.get_by_label("Why are you revoking this credential?").fill(
        "Completed by someone else on this account"
    )
    admin_page.get_by_role("button", name="Continue to revoke").click()
    # Asked first: the holder, module, code and reason, then the button that revokes.
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Revoke this credential?")
    expect(admin_page.get_by_text("Completed by someone else on this account")).to_be_visible()
    look(admin_page, browser, pages, "admin-revoke-confirm")
    admin_page.get_by_role("button", name="Revoke credential").click()
    expect(
        admin_page.get_by_text(f"The credential of certificate {code} is revoked.")
    ).to_be_visible()
    look(admin_page, browser, pages, "admin-revoked")
    admin.close()

    page.goto(f"{live_server}/certificates/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate revoked")
    look(page, browser, pages, "verify-revoked")
    assert verify(token, http_get, base_url=live_server).status == "revoked"

    # The learner's own pages agree with the quiz: the module is no longer completed (its
    # screens stay read, its quiz is to pass again) and the certificate says it was revoked.
    page.goto(f"{live_server}/modules/")
    entry = page.locator(".nhsuk-task-list__item", has_text=module.title)
    expect(entry.locator(".nhsuk-tag")).to_have_text("In progress")
    expect(entry).not_to_contain_text("100% complete")
    certificates = page.locator("ul", has_text="your CPD certificate")
    expect(certificates).to_contain_text(f"{module.title}: your CPD certificate")
    expect(certificates).to_contain_text("it no longer counts as evidence")
    look(page, browser, pages, "my-learning-revoked")
    page.goto(f"{live_server}/modules/{module.slug}/")
    expect(page.get_by_text("Your CPD certificate for this module was revoked on")).to_be_visible()
    expect(page.get_by_role("link", name="Continue module")).to_be_visible()
    look(page, browser, pages, "module-revoked")

    errors = nu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
