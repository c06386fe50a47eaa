"""A learner looks after their account in Chromium: reset a forgotten password from the
email, edit their details, change their email from the link sent to the new address, join
and leave an organisation, read and download their learning record and certificate, download
their data, and delete the account. Every page passes axe-core and the Nu HTML checker."""

import csv
import io
import re
import subprocess
import zipfile
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Organisation
from app.services import recovery
from tests.browser.conftest import assert_accessible
from tests.conftest import sign_in
from tests.web.journeys import pass_module
from tests.web.test_html_valid import nu_errors

NEW_PASSWORD = "harbour lantern violet 2026"
NEW_EMAIL = "robin.okafor@example.org"


class Checked:
    """Check each page a learner reaches with axe-core now, and keep it for the Nu checker."""

    def __init__(self, page):
        self.page = page
        self.pages: dict[str, str] = {}

    def __call__(self, name: str) -> None:
        assert_accessible(self.page)
        self.pages[name] = self.page.content()

    def assert_valid_html(self, folder) -> None:
        """Fail with the Nu HTML checker's errors on every page kept."""
        errors = nu_errors(self.pages, folder)
        assert errors == [], "\n".join(errors)


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(path, prefix) -> list:
    """Render a PDF to PNG pages beside it (as a person would look at it); return them."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "*.png"))


def test_reset_edit_record_download_and_delete(
    app, page, live_server, make_user, mailbox, tmp_path, monkeypatch
):
    email = make_user(full_name="Robin Reid")
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    helper = app.test_client()
    sign_in(helper, email)
    pass_module(app, helper, email, module)  # a certificate to find in the record

    make_user(email="other@example.org", org="Riverside PCN")  # an organisation to join
    with app.app_context():
        join_code = db.session().scalar(select(Organisation.join_code))
    checked = Checked(page)

    # Forgotten password: the link comes by email, read from the SMTP server.
    page.goto(live_server + "/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    checked("forgot-password")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send the email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    checked("forgot-password-sent")
    link = mailbox.link(email, "/reset-password/")
    assert link.startswith(live_server)  # built from the base URL
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill("Summer2024!!")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("too easy to guess").first).to_be_visible()
    checked("reset-password")

    def used_a_moment_ago(*args, **kwargs):  # as when another tab's use of the link won
        raise recovery.LinkJustUsed

    with monkeypatch.context() as patch:
        patch.setattr(recovery, "reset_password", used_a_moment_ago)
        page.get_by_label("New password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Save new password").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("This link has just been used")
        checked("reset-link-just-used")
    page.goto(link)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    assert helper.get("/account/").status_code == 302  # the other session has ended
    page.goto(link)  # the link works once
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Choose a new password")

    # Account details.
    page.goto(live_server + "/account/")
    checked("account-after-reset")
    page.get_by_role("link", name="Change name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your details")
    checked("account-details")
    page.get_by_label("Full name").fill("Robin Reid-Okafor")
    page.get_by_label("GP").check()
    page.get_by_label("Professional registration number (optional)").fill("GMC 7012345")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details have been saved")).to_be_visible()
    expect(page.get_by_text("GMC 7012345")).to_be_visible()

    # A new email address counts only once its owner follows the link sent to it.
    page.get_by_role("link", name="Change email address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your email address")
    checked("account-email")
    page.get_by_label("New email address").fill(NEW_EMAIL)
    page.get_by_label("Your current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(mailbox.link(NEW_EMAIL, "/account/email/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your new email address")
    checked("account-email-confirm")
    page.get_by_role("button", name="Use this email address").click()
    expect(page.get_by_text(f"Your email address is now {NEW_EMAIL}")).to_be_visible()

    # Join an organisation by its code, then leave it.
    page.get_by_role("link", name="Change organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation")
    page.get_by_label("Join code").fill(join_code)
    page.get_by_role("button", name="Join").click()
    # Nothing changes until the page naming the organisation is confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Riverside PCN?")
    checked("account-organisation-join")
    page.get_by_role("button", name="Confirm and join Riverside PCN").click()
    expect(page.get_by_text("You have joined Riverside PCN")).to_be_visible()
    page.get_by_role("link", name="Change organisation").click()
    expect(page.get_by_role("link", name="Leave Riverside PCN")).to_be_visible()
    checked("account-organisation")
    # Leaving asks first, saying what changes and what stays.
    page.get_by_role("link", name="Leave Riverside PCN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Riverside PCN?")
    checked("account-leave")
    page.get_by_role("button", name="Leave Riverside PCN").click()
    expect(page.get_by_text("You have left Riverside PCN")).to_be_visible()

    # The learning record, on screen, as a PDF and as CSV.
    page.goto(live_server + "/modules/")
    page.get_by_role("link", name="Your learning record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning record")
    expect(page.get_by_role("link", name=re.compile("^View"))).to_be_visible()
    checked("learning-record")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your learning record (PDF)").click()
    pdf = tmp_path / "record.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "Robin Reid-Okafor" in text and module.title in text
    assert pdf_pages(pdf, tmp_path / "record")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download your learning record .CSV")).click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8"))))
    assert any(module.title in row for row in rows[1:])

    # The certificate is one click from the module page; its PDF is one page, then the
    # reflective account under the NMC's headings.
    page.goto(f"{live_server}/modules/{module.slug}/")
    page.get_by_role("link", name="View your CPD certificate").click()
    expect(page.get_by_role("heading", name="Your CPD certificate")).to_be_visible()
    expect(page.get_by_role("heading", name="Your reflective account")).to_be_visible()
    checked("certificate-from-module")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    certificate = tmp_path / "certificate.pdf"
    download.value.save_as(certificate)
    assert len(pdf_pages(certificate, tmp_path / "certificate")) == 2
    reflection = pdf_text(certificate).split("\f")[1]
    assert "What happened" in reflection and "the Code" in reflection

    # Everything held about the learner.
    page.goto(live_server + "/account/")
    page.get_by_role("link", name="Download everything we hold about you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    checked("account-data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    archive = tmp_path / "data.zip"
    download.value.save_as(archive)
    assert "linkwise-data.json" in zipfile.ZipFile(archive).namelist()
    assert NEW_EMAIL in zipfile.ZipFile(archive).read("linkwise-data.json").decode()

    # And away.
    page.goto(live_server + "/account/")
    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    checked("account-delete")
    page.get_by_label("Your current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    checked("account-deleted")
    assert sign_in(app.test_client(), NEW_EMAIL, NEW_PASSWORD).status_code == 401
    checked.assert_valid_html(tmp_path)


def test_an_administrator_reads_the_audit_log(page, live_server, make_user):
    make_user(email="admin@example.org", role="admin")
    page.goto(live_server + "/sign-in")
    if "confirm" in page.url:
        page.get_by_role("button", name="I am a healthcare professional").click()
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    from tests.conftest import DEMO_PASSWORD

    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Audit log").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_role("cell", name="sign_in.failure")).to_be_visible()
    page.get_by_label("Event", exact=True).select_option("sign_in.failure")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="sign_in.success")).to_have_count(0)
    assert_accessible(page)
    assert urlsplit(page.url).query.startswith("kind=sign_in.failure")
    page.get_by_label("From", exact=True).fill("2027-01-01")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    reversed_dates = "To date must be the same as or after the From date"
    expect(page.get_by_role("link", name=reversed_dates)).to_be_visible()
    page.get_by_role("link", name=reversed_dates).click()
    expect(page.get_by_label("To", exact=True)).to_be_focused()
    assert_accessible(page)


def test_an_administrator_finds_whose_emails_are_refused_from_the_more_menu(
    app, page, live_server, make_user
):
    from tests.browser.conftest import browser_sign_in
    from tests.web.test_admin_emails_refused import refuse

    make_user(email="admin@example.org", role="admin")
    make_user(email="asha@example.org", org="Riverside PCN", full_name="Asha Elm")
    refuse(app, "asha@example.org", days_ago=2)
    browser_sign_in(page, live_server, "admin@example.org")
    page.get_by_role("button", name="More").click()
    page.get_by_role("link", name="Emails refused").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails refused")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Asha Elm")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Recipient address rejected")
    assert_accessible(page)
