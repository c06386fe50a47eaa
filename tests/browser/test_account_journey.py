"""A learner looks after their account in Chromium: reset a forgotten password from the
email, edit their details, read and download their learning record, download their data,
and delete the account. Every page passes axe-core."""

import re
import subprocess
import zipfile
from urllib.parse import urlsplit

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import sign_in
from tests.web.journeys import pass_module

NEW_PASSWORD = "harbour lantern violet 2026"


def test_reset_edit_record_download_and_delete(
    app, page, live_server, make_user, mailbox, tmp_path
):
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    helper = app.test_client()
    sign_in(helper, email)
    pass_module(app, helper, email, module)  # a certificate to find in the record

    # Forgotten password: the link comes by email, read from the SMTP server.
    page.goto(live_server + "/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    screenshot(page, "forgot-password")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send the email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    link = mailbox.link(email, "/reset-password/")
    assert link.startswith(live_server)  # built from the base URL
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill("Summer2024!!")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("too easy to guess").first).to_be_visible()
    screenshot(page, "reset-password")
    assert_accessible(page)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    assert helper.get("/account/").status_code == 302  # the other session has ended

    # Account details.
    page.goto(live_server + "/account/")
    assert_accessible(page)
    page.get_by_role("link", name="Change name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your details")
    assert_accessible(page)
    page.get_by_label("Full name").fill("Robin Reid-Okafor")
    page.get_by_label("GP").check()
    page.get_by_label("Professional registration number (optional)").fill("GMC 7012345")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details have been saved")).to_be_visible()
    expect(page.get_by_text("GMC 7012345")).to_be_visible()
    page.get_by_role("link", name="Change organisation").click()
    assert_accessible(page)
    page.goto(live_server + "/account/email")
    assert_accessible(page)

    # The learning record, on screen and as a PDF.
    page.goto(live_server + "/modules/")
    page.get_by_role("link", name="Your learning record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning record")
    expect(page.get_by_role("link", name=re.compile("^View"))).to_be_visible()
    screenshot(page, "learning-record")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your learning record (PDF)").click()
    pdf = tmp_path / "record.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    assert b"Robin Reid-Okafor" in text and module.title.encode() in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "record")], check=True)
    assert list(tmp_path.glob("record*.png"))

    # The certificate is one click from the module page.
    page.goto(f"{live_server}/modules/{module.slug}/")
    page.get_by_role("link", name="View your CPD certificate").click()
    expect(page.get_by_role("heading", name="Your CPD certificate")).to_be_visible()
    expect(page.get_by_role("heading", name="Your reflective account")).to_be_visible()
    assert_accessible(page)

    # Everything held about the learner.
    page.goto(live_server + "/account/")
    page.get_by_role("link", name="Download everything we hold about you").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    archive = tmp_path / "data.zip"
    download.value.save_as(archive)
    assert "linkwise-data.json" in zipfile.ZipFile(archive).namelist()

    # And away.
    page.goto(live_server + "/account/")
    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    screenshot(page, "account-delete")
    assert_accessible(page)
    page.get_by_label("Your current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert_accessible(page)


def test_an_administrator_reads_the_audit_log(page, live_server, make_user):
    make_user(email="admin@example.org", role="admin")
    page.goto(live_server + "/sign-in")
    if "confirm" in page.url:
        page.get_by_role("button", name="I am a healthcare professional").click()
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    from tests.conftest import DEMO_PASSWORD

    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_role("cell", name="sign_in.failure")).to_be_visible()
    page.get_by_label("Event", exact=True).select_option("sign_in.failure")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="sign_in.success")).to_have_count(0)
    screenshot(page, "audit-log")
    assert_accessible(page)
    assert urlsplit(page.url).query.startswith("kind=sign_in.failure")
