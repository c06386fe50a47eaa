"""After a revocation, every label says what the evidence shows.

An entry of the learning record that stands for a certificate alone (an earlier one, of a
module renewed since) says "Certificate revoked" once that certificate is revoked, on the
page, in the CSV and in the PDF, with no completed date: it no longer claims a completion.
When a module's latest certificate is revoked while an earlier one stands, the module stays
completed through that earlier certificate (services/passes.py), and every page that says the
latest was revoked names the earlier one, its code and date, through which it stays completed.
"""

import csv
import io
import re
from datetime import date

import pytest

from app.content import catalogue
from app.domain.dates import uk_today
from tests.conftest import sign_in
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, renew, user_id
from tests.web.test_html_valid import nu_errors
from tests.web.test_record_renewals import renewed_after


@pytest.fixture
def module(app):
    """Return the first module that has an end-of-module quiz."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def revoke(runner, code: str) -> None:
    """Revoke a certificate's credential, as an administrator does."""
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output


def words_of(fragment: str) -> str:
    """Return an HTML fragment's words as read: a link's or code's tags dropped, any other's
    a space, and spaces collapsed."""
    inline = re.sub(r"</?(a|code|span)\b[^>]*>", "", fragment)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def day(value: date) -> str:
    return value.strftime("%-d %B %Y")


def earlier_entry(page: str) -> list[str]:
    """Return the words of each cell of the first table's one entry for an earlier certificate."""
    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    (entry,) = [row for row in body.split("</tr>") if "Earlier certificate:" in row]
    return [words_of(cell) for cell in re.split(r"<t[hd]\b[^>]*>", entry)[1:]]


def csv_entries(client, module) -> list[dict[str, str]]:
    """Return the module's rows of the learning record CSV (its own, then earlier), by column."""
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == module.title]


def pdf_entries(client, module) -> list[str]:
    """Return the text of each of the module's entries in the record PDF, in order."""
    text = " ".join(pdf_text(client.get("/my/record.pdf").data).split())
    return [part.split(" Reflective account")[0] for part in text.split(module.title)[1:]]


@pytest.fixture
def earlier_revoked(app, client, runner, make_user, module):
    """A learner who passed 200 days ago, renewed since, and lost the first certificate.

    Returns (the first certificate's code, its day, the renewal's code).
    """
    first, latest, first_on = renewed_after(app, client, make_user(), module, days=200)
    revoke(runner, first)
    return first, first_on, latest


def test_a_revoked_earlier_certificates_entry_says_certificate_revoked_on_the_page(
    client, earlier_revoked, tmp_path
):
    first, first_on, _ = earlier_revoked
    page = client.get("/my/record").text
    _, status, _, completed, _, cpd, certificate = earlier_entry(page)
    assert status == "Certificate revoked"
    # No completed date: the day it was issued says which certificate it was.
    assert completed == "Not counted" and cpd == "Not counted: certificate revoked"
    assert certificate.startswith(f"Issued on {day(first_on)}. Revoked on"), certificate
    assert "it no longer counts as evidence" in certificate and first in certificate
    assert nu_errors({"record": page}, tmp_path) == []


def test_a_revoked_earlier_certificates_entry_says_certificate_revoked_in_the_csv(
    client, earlier_revoked, module
):
    own, earlier = csv_entries(client, module)
    assert (own["status"], own["which certificate"]) == ("Completed", "latest")
    assert earlier["status"] == "Certificate revoked"
    assert earlier["completed"] == "" and earlier["CPD time (module's estimate, minutes)"] == "0"
    assert earlier["which certificate"] == "earlier, revoked"
    assert earlier_revoked[0] in earlier["certificate"] and "(revoked " in earlier["certificate"]


def test_a_revoked_earlier_certificates_entry_says_certificate_revoked_in_the_pdf(
    client, earlier_revoked, module
):
    first, first_on, _ = earlier_revoked
    own, earlier = pdf_entries(client, module)
    assert own.lstrip().startswith("Completed:"), own
    assert earlier.lstrip().startswith("An earlier certificate:"), earlier
    assert "Certificate revoked: started" in earlier and "Completed" not in earlier, earlier
    assert f"certificate issued {first_on.day} " in earlier and "completed" not in earlier
    assert f"Certificate {first} was revoked on" in earlier


def test_the_managers_view_says_certificate_revoked_of_a_revoked_earlier_one(
    app, client, runner, module, pcn
):
    learner = app.test_client()
    first, _, first_on = renewed_after(app, learner, "asha@example.org", module, days=200)
    revoke(runner, first)
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    table = page.split('id="modules"', 1)[1]
    _, progress, completed, _, certificate = earlier_entry(table)
    assert (progress, completed) == ("Certificate revoked", "")
    assert certificate.startswith(f"{first}, issued on {day(first_on)}, revoked on"), certificate


@pytest.fixture
def latest_revoked(app, client, runner, make_user, module):
    """A learner who passed, renewed, and lost the renewal's certificate: the first stands.

    Returns (the first certificate's code, the renewal's code).
    """
    email = make_user()
    sign_in(client, email)
    first = pass_module(app, client, email, module)
    latest = renew(app, client, user_id(app, email), module)
    revoke(runner, latest)
    return first, latest


def still_completed_through(code: str) -> str:
    return f"Your earlier certificate {code}, issued on {day(uk_today())}, still stands"


def test_the_module_page_names_the_earlier_certificate_it_stays_completed_through(
    client, latest_revoked, module, tmp_path
):
    first, _ = latest_revoked
    page = client.get(f"/modules/{module.slug}/").text
    said = words_of(page)
    assert f"Your latest CPD certificate for this module was revoked on {day(uk_today())}" in said
    assert still_completed_through(first) + ": you have still completed this module" in said
    assert "Review module" in said
    assert nu_errors({"module": page}, tmp_path) == []


def test_the_certificate_page_names_the_earlier_certificate_it_stays_completed_through(
    client, latest_revoked, module, tmp_path
):
    first, latest = latest_revoked
    page = client.get(f"/modules/{module.slug}/certificate/").text
    callout = words_of(page.split("nhsuk-warning-callout", 1)[1].split("</div>", 1)[0])
    assert "Certificate revoked" in callout and "no longer counts as evidence" in callout
    assert (
        f"Your earlier certificate for this module, {first}, issued on {day(uk_today())}, "
        "still stands: you have still completed this module through it." in callout
    )
    assert latest in words_of(page)
    # The download of the revoked certificate answers with the same page.
    gone = client.get(f"/modules/{module.slug}/certificate.pdf")
    assert gone.status_code == 410 and first in words_of(gone.text)
    assert nu_errors({"certificate": page}, tmp_path) == []


def test_my_learning_names_the_earlier_certificate_it_stays_completed_through(
    client, latest_revoked, module
):
    first, _ = latest_revoked
    page = words_of(client.get("/modules/").text)
    listed = page.split("Your certificates", 1)[1]
    assert f"{module.title}: your CPD certificate Revoked on {day(uk_today())}" in listed
    assert still_completed_through(first) + ": you have still completed this module" in listed


def test_the_record_names_the_earlier_certificate_it_stays_completed_through(
    client, latest_revoked, module
):
    first, latest = latest_revoked
    row = words_of(
        client.get("/my/record").text.split(f">{module.title}</a></th>", 1)[1].split("</tr>")[0]
    )
    assert row.startswith(f"Completed {day(uk_today())}"), row
    assert (
        f"The module stays completed through the earlier certificate {first}, issued on "
        f"{day(uk_today())}, which still stands." in row
    )
    own = pdf_entries(client, module)[0]
    assert f"Certificate {latest} was revoked on" in own
    assert f"The module stays completed through the earlier certificate {first}, issued" in own


def test_a_module_whose_only_certificate_is_revoked_names_no_earlier_one(
    app, client, runner, make_user, module
):
    email = make_user()
    sign_in(client, email)
    revoke(runner, pass_module(app, client, email, module))
    for url in (f"/modules/{module.slug}/", f"/modules/{module.slug}/certificate/", "/modules/"):
        assert "still stands" not in words_of(client.get(url).text), url
    assert "stays completed" not in words_of(client.get("/my/record").text)


def test_the_managers_view_names_the_earlier_certificate_it_stays_completed_through(
    app, client, runner, module, pcn
):
    learner = app.test_client()
    sign_in(learner, "asha@example.org")
    first = pass_module(app, learner, "asha@example.org", module)
    revoke(runner, renew(app, learner, pcn["asha"], module))
    sign_in(client, "lead@example.org")
    page = client.get(f"/manage/learners/{pcn['asha']}").text
    table = page.split('id="modules"', 1)[1].split("</table>", 1)[0]
    row = words_of(table.split(f">{module.title}", 1)[1].split("</tr>", 1)[0])
    assert row.startswith(f"Completed {day(uk_today())}"), row
    assert (
        f"The module stays completed through the earlier certificate {first}, issued on "
        f"{day(uk_today())}, which still stands." in row
    )
