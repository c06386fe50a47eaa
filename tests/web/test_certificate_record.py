"""An issued certificate is the record: content or account edits never change what it says.

The certificate page, its PDF, the public check and a check of its signed credential
each show what the certificate recorded when it was issued, as the credential signed it.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import db
from app.domain.dates import day
from app.models import Certificate
from app.models_credentials import Credential
from tests.conftest import post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests edit its files."""
    return course_files.copy_course(tmp_path)


def section(html: str, start: str, end: str) -> str:
    """Return the part of a page from `start` to the next `end`."""
    found = html.index(start)
    return html[found : html.index(end, found)]


def everything_shown(client, module, code: str, token: str) -> dict[str, str]:
    """Return what each place that shows the certificate says of it now."""
    anonymous = client.application.test_client()
    page = client.get(f"/modules/{module.slug}/certificate/").text
    check = post_form(anonymous, "/credentials/check", {"credential": token}).text
    return {
        "page": section(page, '<dl class="nhsuk-summary-list"', "</dl>"),
        "title": section(page, "<title>", "</title>"),
        "pdf": pdf_text(client.get(f"/modules/{module.slug}/certificate.pdf").data),
        "public": section(anonymous.get(f"/certificates/{code}").text, "<h1>", "</dl>"),
        "public json": anonymous.get(f"/credentials/verify/{code}").text,
        "credential check": section(check, '<div id="result">', "</dl>"),
    }


def earn(app, client, make_user, module, **details) -> tuple[str, str]:
    """Sign in a learner with these details, pass the module; return (code, credential)."""
    email = make_user()
    sign_in(client, email)
    if details:
        assert post_form(client, "/account/details", details).status_code == 302
    code = pass_module(app, client, email, module)
    return code, client.get(f"/modules/{module.slug}/credential.jwt").text


def test_editing_the_module_and_its_competencies_never_changes_an_issued_certificate(
    app, client, make_user, module, course
):
    code, token = earn(app, client, make_user, module)
    competency = module.competency_codes[0]
    with app.app_context():
        name = app.extensions["linkwise.catalogue"].competency(competency).name
    before = everything_shown(client, module, code, token)
    assert module.title in before["pdf"] and f"{module.cpd_minutes} minutes" in before["page"]
    assert module.learning_outcomes[0][:40] in before["pdf"] and name in before["pdf"]

    module_file = course / "content" / "modules" / module.slug / "module.md"
    course_files.edit(module_file, f"title: {module.title}", "title: A renamed module")
    course_files.edit(
        module_file, f"cpd_minutes: {module.cpd_minutes}", f"cpd_minutes: {module.cpd_minutes + 60}"
    )
    course_files.edit(module_file, module.learning_outcomes[0], "Recite a brand new outcome")
    frameworks = (course / "competencies").glob("*.yaml")
    framework = next(p for p in frameworks if f"code: {competency}" in p.read_text())
    course_files.edit(framework, f"name: {name}", "name: A renamed competency")
    course_files.reload(app)
    with app.app_context():
        assert app.extensions["linkwise.catalogue"].module(module.slug).title == "A renamed module"

    after = everything_shown(client, module, code, token)
    for place, shown in before.items():
        assert after[place] == shown, place
    for new in ("A renamed module", "brand new outcome", "A renamed competency"):
        assert new not in " ".join(after.values())


def test_a_frameworks_new_validity_never_changes_an_issued_certificates_valid_until(
    app, client, make_user, module, course
):
    code, token = earn(app, client, make_user, module)  # a practice nurse: the referrer framework
    with app.app_context():
        recorded = db.session().scalar(
            select(Credential.valid_until)
            .join(Certificate, Certificate.id == Credential.certificate_id)
            .where(Certificate.code == code)
        )
    until = day(recorded)
    before = everything_shown(client, module, code, token)
    # The PDF prints its facts' labels in a row, then their values.
    assert "Valid until" in before["pdf"] and until in before["pdf"]
    assert until in before["page"] and until in before["public"]

    framework = course / "competencies" / "referrer.yaml"
    for old, new in (("valid_for: 3y\n", "valid_for: 1y\n"), ("valid_for: 1y\n", "")):
        course_files.edit(framework, old, new)
        course_files.reload(app)
        after = everything_shown(client, module, code, token)
        for place, shown in before.items():
            assert after[place] == shown, (old, place)


def test_a_certificate_without_a_credential_claims_no_validity(app, client, make_user, module):
    earn(app, client, make_user, module)
    with app.app_context():
        db.session().execute(Credential.__table__.delete())
        db.session().commit()
    page = client.get(f"/modules/{module.slug}/certificate/").text
    summary = section(page, '<dl class="nhsuk-summary-list"', "</dl>")
    assert "Not recorded: no credential has been issued with it" in summary
    assert "Valid until" not in pdf_text(client.get(f"/modules/{module.slug}/certificate.pdf").data)


def test_the_certificate_page_says_when_its_credential_has_no_end_or_has_expired(
    app, client, make_user, module
):
    earn(app, client, make_user, module)
    url = f"/modules/{module.slug}/certificate/"
    for until, says in (
        (None, "No end date"),
        (datetime(2020, 3, 1, tzinfo=UTC), "1 March 2020: it has expired"),
    ):
        with app.app_context():
            db.session().execute(Credential.__table__.update().values(valid_until=until))
            db.session().commit()
        summary = section(client.get(url).text, '<dl class="nhsuk-summary-list"', "</dl>")
        assert says in summary and "stops counting" not in summary, until


def test_editing_the_account_never_changes_an_issued_certificate_or_its_check(
    app, client, make_user, module
):
    code, token = earn(
        app,
        client,
        make_user,
        module,
        full_name="Sam Learner",
        profession="practice-nurse",
        registration_number="NMC 12A3456B",
    )
    before = everything_shown(client, module, code, token)
    assert "NMC 12A3456B" in before["page"] and "NMC 12A3456B" in before["pdf"]
    # The check of a pasted credential shows what the credential itself says.
    assert "NMC 12A3456B" in before["credential check"]
    assert "Sam Learner" in before["credential check"]

    changed = {"full_name": "Alex Other", "profession": "gp", "registration_number": "GMC 7654321"}
    assert post_form(client, "/account/details", changed).status_code == 302

    after = everything_shown(client, module, code, token)
    for place, shown in before.items():
        assert after[place] == shown, place
    for new in ("Alex Other", "GMC 7654321", ">GP"):
        assert new not in " ".join(after.values())
    # The account page itself does show the new name: only the certificate keeps the old.
    assert "Alex Other" in client.get("/account/").text


def test_the_certificate_records_what_it_certifies_when_issued(app, client, make_user, module):
    code, _ = earn(app, client, make_user, module, full_name="Sam Learner", profession="gp")
    with app.app_context():
        row = db.session().scalar(select(Certificate).where(Certificate.code == code))
        competencies = [
            [c, app.extensions["linkwise.catalogue"].competency(c).name]
            for c in module.competency_codes
        ]
    assert (row.holder_name, row.holder_profession, row.holder_registration_number) == (
        "Sam Learner",
        "gp",
        None,
    )
    assert (row.module_title, row.cpd_minutes) == (module.title, module.cpd_minutes)
    assert row.learning_outcomes == list(module.learning_outcomes)
    assert row.competencies == competencies


def test_a_credential_issued_later_says_what_the_certificate_recorded(
    app, client, make_user, module, course
):
    from tests.web.test_credentials import payload

    code, _ = earn(app, client, make_user, module)
    with app.app_context():
        db.session().execute(Credential.__table__.delete())
        db.session().commit()
    module_file = course / "content" / "modules" / module.slug / "module.md"
    course_files.edit(module_file, f"title: {module.title}", "title: A renamed module")
    course_files.reload(app)
    changed = {"full_name": "Alex Other", "profession": "gp", "registration_number": ""}
    assert post_form(client, "/account/details", changed).status_code == 302

    result = app.test_cli_runner().invoke(args=["issue-credentials"])
    assert result.output.strip() == "issued 1 credential"
    claims = payload(client.get(f"/modules/{module.slug}/credential.jwt").text)
    subject = claims["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Sam Learner"
    assert subject["achievement"]["name"] == module.title
    assert subject["achievement"]["creditsAvailable"] == round(module.cpd_minutes / 60, 2)
    assert code in claims["description"]


def test_the_account_details_page_says_certificates_keep_the_name_they_were_issued_to(
    client, make_user
):
    sign_in(client, make_user())
    page = client.get("/account/details").text
    hint = section(page, 'id="full_name-hint"', "</div>")
    assert "A certificate you already hold keeps the name it was issued to." in hint
