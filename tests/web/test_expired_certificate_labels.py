"""Once a certificate has expired, the learning record says so, as every other page does.

A practice nurse's safeguarding certificate is valid for 1 year (REF-4.1, "Acting on
immediate risk", counts for 1 year); the other modules' for 3. Moved 400 days back, the
safeguarding certificate has expired and the others have not. The record (page, CSV, PDF)
and the manager's learner page say "Certificate expired", with the completed date and the
day it expired, as My learning, the certificate page and its public check say "expired".
Its CPD time still counts: the learning was done (docs/credentials.md).
"""

from datetime import date

import pytest
from lxml import html
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.dates import uk_day, uk_today
from app.domain.pdf import cpd_time_in_words
from app.models import Certificate
from app.models_credentials import Credential
from app.services import quiz_standing
from tests.conftest import sign_in
from tests.web.journeys import pass_module, renew, user_id
from tests.web.renewal_helpers import age
from tests.web.test_expired_evidence_next_steps import as_the_qa_left_it
from tests.web.test_html_valid import nu_errors
from tests.web.test_revoked_certificate_labels import csv_entries, pdf_entries, revoke

SAFEGUARDING = "safeguarding-risk-and-confidentiality"
DUE_AGAIN = "the learning it records is due again"


def day(value: date) -> str:
    return value.strftime("%-d %B %Y")


@pytest.fixture
def modules(app):
    """Return the safeguarding module (1 year for a nurse) and the first module (3 years)."""
    with app.app_context():
        found = catalogue()
        return found.module(SAFEGUARDING), next(m for m in found.modules if m.assessment)


def valid_until(app, code: str) -> date:
    """Return the UK day the certificate's credential stops being valid, as stored."""
    with app.app_context():
        until = db.session().scalar(
            select(Credential.valid_until)
            .join(Certificate, Certificate.id == Credential.certificate_id)
            .where(Certificate.code == code)
        )
    return uk_day(quiz_standing.aware(until))


def issued_on(app, code: str) -> date:
    """Return the UK day the certificate was issued, as stored."""
    with app.app_context():
        issued = db.session().scalar(select(Certificate.issued_at).where(Certificate.code == code))
    return uk_day(quiz_standing.aware(issued))


def passed_400_days_ago(app, client, email, modules) -> dict[str, str]:
    """Sign the learner in, pass both modules, move it all 400 days back; return the codes."""
    sign_in(client, email)
    codes = {module.slug: pass_module(app, client, email, module) for module in modules}
    age(app, user_id(app, email), 400)
    return codes


@pytest.fixture
def lapsed(app, client, make_user, modules):
    """A practice nurse whose safeguarding certificate expired; the other one still valid."""
    return passed_400_days_ago(app, client, make_user(), modules)


def cells(row) -> list[str]:
    return [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]


def module_row(page: str, title: str, *, earlier: bool = False) -> list[str]:
    """Return the words of each cell of the module's own row (or its earlier certificate's)
    in the table of modules: the record's, or the one under the manager's "modules" heading."""
    found = html.fromstring(page)
    (table,) = found.xpath('//table[contains(@class, "lw-record")]') or found.xpath(
        '//h2[@id="modules"]/following::table[1]'
    )
    for row in table.xpath("./tbody/tr"):
        first = " ".join(row.xpath("./th|./td")[0].text_content().split())
        if first.startswith(title) and ("Earlier certificate" in first) == earlier:
            return cells(row)
    raise AssertionError(f"no row for {title}")


def test_the_record_page_says_a_certificate_has_expired_and_still_counts_its_time(
    app, client, lapsed, modules, tmp_path
):
    safeguarding, other = modules
    code = lapsed[safeguarding.slug]
    expired, completed = valid_until(app, code), issued_on(app, code)
    assert expired < uk_today() < valid_until(app, lapsed[other.slug])
    page = client.get("/my/record").text
    _, status, _, completed_cell, _, cpd, certificate = module_row(page, safeguarding.title)
    assert status == "Certificate expired"
    assert completed_cell == day(completed)
    assert cpd == f"{safeguarding.cpd_minutes} min"
    assert certificate.startswith(f"Expired on {day(expired)}: {DUE_AGAIN}."), certificate
    # The certificate is still there to see: its page says the same.
    assert f"View certificate for {safeguarding.title}" in certificate
    _, status, *_, certificate = module_row(page, other.title)
    assert status == "Completed" and "Expired" not in certificate
    # CPD done is done: both modules' time is in the period's total.
    period = page.split("CPD time in the last 3 years")[1].split("</dd>")[0]
    total = safeguarding.cpd_minutes + other.cpd_minutes
    assert f"{total // 60} h {total % 60} min" in period
    assert nu_errors({"record": page}, tmp_path) == []


def test_the_record_csv_gives_an_expired_certificate_a_status_of_its_own(
    app, client, lapsed, modules
):
    safeguarding, other = modules
    code = lapsed[safeguarding.slug]
    (entry,) = csv_entries(client, safeguarding)
    assert entry["status"] == "Certificate expired"
    assert entry["completed"] == issued_on(app, code).isoformat()
    assert entry["CPD time (module's estimate, minutes)"] == str(safeguarding.cpd_minutes)
    assert entry["certificate"].endswith(f"(expired {valid_until(app, code).isoformat()})")
    assert entry["which certificate"] == "latest, expired"
    (valid,) = csv_entries(client, other)
    assert (valid["status"], valid["which certificate"]) == ("Completed", "latest")
    assert "expired" not in valid["certificate"]


def test_the_record_pdf_says_when_the_certificate_expired(app, client, lapsed, modules):
    safeguarding, _ = modules
    code = lapsed[safeguarding.slug]
    expired, completed = valid_until(app, code), issued_on(app, code)
    (entry,) = pdf_entries(client, safeguarding)
    assert entry.lstrip().startswith("Certificate expired: started"), entry
    assert f"completed {day(completed)}, certificate expired {day(expired)}," in entry
    assert f"Certificate {code} expired on {day(expired)}: {DUE_AGAIN}." in entry
    assert f"CPD time: {safeguarding.cpd_minutes} minutes." in entry


def test_the_managers_learner_page_says_the_certificate_has_expired(
    app, client, make_user, modules, pcn
):
    safeguarding, other = modules
    learner = app.test_client()
    codes = passed_400_days_ago(app, learner, "asha@example.org", modules)
    code = codes[safeguarding.slug]
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    _, progress, completed, _, certificate = module_row(page, safeguarding.title)
    assert progress == "Certificate expired"
    assert completed == day(issued_on(app, code))
    assert certificate == f"{code}, expired on {day(valid_until(app, code))}: {DUE_AGAIN}"
    _, progress, *_, certificate = module_row(page, other.title)
    assert progress == "Completed" and certificate == codes[other.slug]
    # Both modules' time still counts.
    total = cpd_time_in_words(safeguarding.cpd_minutes + other.cpd_minutes)
    said = " ".join(html.fromstring(page).text_content().split())
    assert f"; {total} in the last 3 years." in said


def test_an_earlier_certificate_that_has_expired_says_so_beside_the_renewal(
    app, client, make_user, modules
):
    safeguarding, _ = modules
    email = make_user()
    sign_in(client, email)
    first = pass_module(app, client, email, safeguarding)
    age(app, user_id(app, email), 400)
    latest = renew(app, client, user_id(app, email), safeguarding)
    page = client.get("/my/record").text
    _, status, *_, certificate = module_row(page, safeguarding.title)
    assert status == "Completed" and "Expired" not in certificate
    _, status, _, _, _, cpd, certificate = module_row(page, safeguarding.title, earlier=True)
    assert status == "Certificate expired"
    assert cpd == f"{safeguarding.cpd_minutes} min"
    assert certificate.startswith(f"Expired on {day(valid_until(app, first))}: {DUE_AGAIN}.")
    own, earlier = csv_entries(client, safeguarding)
    assert (own["status"], own["which certificate"]) == ("Completed", "latest")
    assert (earlier["status"], earlier["which certificate"]) == (
        "Certificate expired",
        "earlier, expired",
    )
    assert latest in own["certificate"] and first in earlier["certificate"]


def test_a_module_completed_through_an_expired_earlier_certificate_says_it_expired(
    app, client, runner, make_user, modules
):
    safeguarding, _ = modules
    email = make_user()
    sign_in(client, email)
    first = pass_module(app, client, email, safeguarding)
    age(app, user_id(app, email), 400)
    revoke(runner, renew(app, client, user_id(app, email), safeguarding))
    expired = day(valid_until(app, first))
    page = client.get("/my/record").text
    _, status, _, completed, *_, certificate = module_row(page, safeguarding.title)
    assert status == "Certificate expired" and completed == day(issued_on(app, first))
    assert (
        f"The module stays completed through the earlier certificate {first}, issued on "
        f"{completed}, which still stands. That certificate expired on {expired}: {DUE_AGAIN}."
    ) in certificate
    (own, _) = pdf_entries(client, safeguarding)
    assert f"Certificate {first} expired on {expired}: {DUE_AGAIN}." in own


def test_the_qas_record_says_every_expired_certificate_has_expired(app, client, runner, make_user):
    # Four modules passed, everything moved 1,200 days back and re-rated, as the QA did.
    with app.app_context():
        passed = [m for m in catalogue().modules if m.assessment][:4]
    as_the_qa_left_it(app, client, runner, make_user(), passed)
    page = client.get("/my/record").text
    for module in passed:
        _, status, *_, certificate = module_row(page, module.title)
        assert status == "Certificate expired", module.title
        assert certificate.startswith("Expired on "), certificate
    statuses = {entry["status"] for m in passed for entry in csv_entries(client, m)}
    assert statuses == {"Certificate expired"}
