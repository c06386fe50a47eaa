"""A certificate whose module has left the course stays its holder's, from what it recorded.

The holder's page, its PDF, its credential and the reflective account all work without the
module; nothing points to a module to study next; another learner still finds nothing.
"""

import csv
import html
import io
import re

import pytest
from sqlalchemy import select

from app import db
from app.domain import open_badges
from app.domain.dates import uk_today  # the day the record dates things by
from app.models import Certificate
from tests.conftest import post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.test_credentials import payload
from tests.web.test_html_valid import nu_errors

REFLECTION = {"learned": "How to make a referral that the link worker can act on."}


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests remove a module from it."""
    return course_files.copy_course(tmp_path / "copy")


@pytest.fixture(name="holder")
def holder_of_a_removed_module(app, client, make_user, module, course):
    """Sign in a learner who passed the first module, then take it out of the course.

    Returns the certificate's code.
    """
    email = make_user()
    sign_in(client, email)
    code = pass_module(app, client, email, module)
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    with app.app_context():
        assert app.extensions["linkwise.catalogue"].module(module.slug) is None
    return code


def test_the_holder_still_sees_the_certificate_of_a_module_no_longer_in_the_course(
    app, client, module, holder, tmp_path
):
    url = f"/modules/{module.slug}/certificate/"
    response = client.get(url)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "This module is no longer in the course" in page
    for recorded in (module.title, holder, f"{module.cpd_minutes} minutes", "Sam Learner"):
        assert recorded in page
    # Nothing to study next, and the way back is the learning record.
    assert "Next:" not in page and "You have completed every module" not in page
    back = page.split('class="nhsuk-back-link', 1)[1].split("</a>", 1)[0]
    assert 'href="/my/record"' in back and "Your learning record" in back
    assert f'href="/modules/{module.slug}/"' not in page
    pdf = client.get(f"/modules/{module.slug}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert module.title in text and holder in text and "Sam Learner" in text
    credential = client.get(f"/modules/{module.slug}/credential.jwt")
    assert credential.status_code == 200 and credential.text.count(".") == 2
    assert nu_errors({"certificate": response.text}, tmp_path) == []


def test_a_credentials_achievement_still_answers_once_its_module_has_left_the_course(
    app, client, make_user, module, course
):
    sign_in(client, make_user())
    pass_module(app, client, "learner@example.org", module)
    signed = payload(client.get(f"/modules/{module.slug}/credential.jwt").text)
    achievement = signed["credentialSubject"]["achievement"]
    anonymous = app.test_client()
    live = anonymous.get(achievement["id"])
    assert live.status_code == 200 and "no longer" not in live.text
    course_files.remove_first_module(course, module)
    course_files.reload(app)

    gone = anonymous.get(achievement["id"])
    assert gone.status_code == 200
    assert (gone.mimetype, gone.headers["Access-Control-Allow-Origin"]) == (
        live.mimetype,
        live.headers["Access-Control-Allow-Origin"],
    )
    found = gone.json
    # As the credential recorded it, saying the module is no longer offered: without the
    # clinical review of the credential's own certificate, which describes no module.
    signed_review = "\n\nClinical review of the content: "
    assert signed_review in achievement["description"]
    kept = achievement["description"].rsplit(signed_review, 1)[0]
    assert found["description"] == f"{kept}\n\n{open_badges.NO_LONGER_OFFERED}"
    assert "Linkwise no longer offers this module" in found["description"]
    assert {**found, "description": ""} == {**live.json, "description": ""}
    assert anonymous.get("/credentials/achievements/never-a-module").status_code == 404


def test_the_reflective_account_of_a_removed_module_is_still_written_and_printed(
    app, client, module, holder
):
    url = f"/modules/{module.slug}/certificate/"
    saved = post_form(client, url, REFLECTION)
    assert saved.status_code == 302 and saved.location.endswith(url)
    page = html.unescape(client.get(url).text)
    assert REFLECTION["learned"] in page
    assert "Your reflective account has been saved" in page
    assert REFLECTION["learned"] in pdf_text(
        client.get(f"/modules/{module.slug}/certificate.pdf").data
    )
    with app.app_context():
        stored = db.session().scalar(
            select(Certificate.reflective_account).where(Certificate.code == holder)
        )
    assert stored["learned"] == REFLECTION["learned"]


def test_the_record_links_a_removed_modules_certificate_to_its_holders_page(client, module, holder):
    page = client.get("/my/record").text
    row = page.split(f"{module.title}<br>", 1)[1].split("</tr>", 1)[0]
    assert "No longer in the course" in row
    assert f'href="/modules/{module.slug}/certificate/"' in row
    assert f'href="/modules/{module.slug}/certificate.pdf"' in row
    assert "Reflection: not written" in row


def test_another_learner_finds_nothing_of_a_removed_modules_certificate(
    app, client, make_user, module, holder
):
    other = app.test_client()
    sign_in(other, make_user(email="other@example.org"))
    base = f"/modules/{module.slug}"
    for path in ("/certificate/", "/certificate.pdf", "/credential.jwt"):
        assert other.get(base + path).status_code == 404, path
    assert post_form(other, f"{base}/certificate/", REFLECTION).status_code == 404
    with app.app_context():
        stored = db.session().scalar(
            select(Certificate.reflective_account).where(Certificate.code == holder)
        )
    assert not any(stored.values())
    # A module that never existed, and has no certificate, is not found either.
    for path in ("/certificate/", "/certificate.pdf", "/credential.jwt"):
        assert client.get(f"/modules/never-a-module{path}").status_code == 404, path
    assert post_form(client, "/modules/never-a-module/certificate/", REFLECTION).status_code == 404


def test_a_revoked_certificate_of_a_removed_module_answers_410_for_its_pdf(
    client, runner, module, holder
):
    result = runner.invoke(args=["revoke-credential", holder, "--reason", "Sat by a colleague"])
    assert result.exit_code == 0, result.output
    pdf = client.get(f"/modules/{module.slug}/certificate.pdf")
    assert pdf.status_code == 410
    assert "Certificate revoked" in pdf.text and "no longer in the course" in pdf.text
    row = client.get("/my/record").text.split(f"{module.title}<br>", 1)[1].split("</tr>", 1)[0]
    assert "Revoked on" in row and f'href="/modules/{module.slug}/certificate/"' in row


def test_a_revoked_certificate_of_a_removed_module_says_certificate_revoked_on_the_record(
    client, runner, module, holder, tmp_path
):
    result = runner.invoke(args=["revoke-credential", holder, "--reason", "Sat by a colleague"])
    assert result.exit_code == 0, result.output
    issued = uk_today()
    page = client.get("/my/record").text
    row = page.split(f"{module.title}<br>", 1)[1].split("</tr>", 1)[0]
    cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row.split("<td")[1:]]
    status, _, completed, _, cpd, certificate = cells
    assert status.endswith("Certificate revoked"), status
    assert "Completed" not in row
    assert completed.endswith("Not counted") and cpd.endswith("Not counted: certificate revoked")
    assert f"Issued on {issued:%-d %B %Y}. Revoked on" in certificate
    assert nu_errors({"record": page}, tmp_path) == []


def test_a_revoked_certificate_of_a_removed_module_says_certificate_revoked_in_the_csv(
    client, runner, module, holder
):
    result = runner.invoke(args=["revoke-credential", holder, "--reason", "Sat by a colleague"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    (entry,) = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == module.title]
    assert (entry["status"], entry["completed"]) == ("Certificate revoked", "")
    assert (entry["CPD time (module's estimate, minutes)"], entry["which certificate"]) == (
        "0",
        "latest, revoked",
    )


def test_a_revoked_certificate_of_a_removed_module_says_certificate_revoked_in_the_pdf(
    client, runner, module, holder
):
    result = runner.invoke(args=["revoke-credential", holder, "--reason", "Sat by a colleague"])
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(client.get("/my/record.pdf").data).split())
    entry = text.split(module.title, 1)[1]
    assert entry.lstrip().startswith("Certificate revoked: started"), entry[:200]
    assert "Completed" not in entry and "completed" not in entry.split("Reflective")[0]
    assert f"certificate issued {uk_today().day} " in entry
    assert f"Certificate {holder} was revoked on" in entry
