"""An earlier certificate's signed credential downloads on its own, by the certificate's code.

A learner who renewed a module holds a certificate and a credential for each pass. Besides the
latest's download (`/modules/SLUG/credential.jwt`), each is the owner's to download at
`/modules/SLUG/credentials/CODE.jwt`, linked from the certificate page's list of earlier ones.
"""

import pytest
from sqlalchemy import delete, select

from app import db
from app.content import catalogue
from app.domain.dates import day
from app.models import Certificate
from app.models_credentials import Credential
from tests.conftest import sign_in
from tests.credential_verifier import verify
from tests.web.journeys import pass_module, renew, user_id
from tests.web.test_credentials import BASE, over_client, payload
from tests.web.test_html_valid import nu_errors

EMAIL = "learner@example.org"


@pytest.fixture
def module(app):
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def renewed(app, client, make_user, module):
    """A learner who passed the module and then passed it again: (first code, latest code)."""
    make_user()
    sign_in(client, EMAIL)
    first = pass_module(app, client, EMAIL, module)
    latest = renew(app, client, user_id(app, EMAIL), module)
    assert latest != first
    return first, latest


def stored_jwt(app, code: str) -> str:
    """Return the signed credential stored for the certificate with this code."""
    with app.app_context():
        return db.session().scalar(
            select(Credential.jwt)
            .join(Certificate, Certificate.id == Credential.certificate_id)
            .where(Certificate.code == code)
        )


def url(module, code: str) -> str:
    """Return the address of the credential of the learner's certificate with this code."""
    return f"/modules/{module.slug}/credentials/{code}.jwt"


def catalogue_of(app):
    """Return the course as the app has it."""
    with app.app_context():
        return catalogue()


def test_an_earlier_certificates_own_credential_downloads_by_its_code(app, client, renewed, module):
    first, latest = renewed
    response = client.get(url(module, first))
    assert response.status_code == 200
    latest_download = client.get(f"/modules/{module.slug}/credential.jwt")
    assert response.headers["Content-Type"] == latest_download.headers["Content-Type"]
    assert response.mimetype == "application/vc+jwt"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="linkwise-credential-{module.slug}-{first}.jwt"'
    )
    assert response.text == stored_jwt(app, first) != latest_download.text
    # The file names the first certificate and the pass it certifies, not the renewal's.
    claims = payload(response.text)
    assert first in claims["description"] and latest not in claims["description"]
    assert claims["evidence"][0]["name"] == "End-of-module quiz, attempt 1"
    assert payload(latest_download.text)["evidence"][0]["name"] == ("End-of-module quiz, attempt 2")
    assert verify(response.text, over_client(app), base_url=BASE).status == "valid"
    # The code as typed from paper (any case) finds the same certificate.
    typed = client.get(url(module, first.lower()))
    assert typed.text == response.text
    assert f"-{first}.jwt" in typed.headers["Content-Disposition"]
    # The latest certificate is the learner's too, by its code as well.
    assert client.get(url(module, latest)).text == latest_download.text


def test_another_learners_code_an_unknown_code_and_another_module_are_not_found(
    app, client, make_user, renewed, module
):
    first, _ = renewed
    other_module = next(m for m in catalogue_of(app).modules if m.slug != module.slug)
    assert client.get(f"/modules/{other_module.slug}/credentials/{first}.jwt").status_code == 404
    assert client.get(url(module, "LW-AAAA-BBBB-CCCC-DDDD")).status_code == 404
    assert client.get(url(module, "x" * 500)).status_code == 404
    other = app.test_client()
    sign_in(other, make_user("other@example.org"))
    own = pass_module(app, other, "other@example.org", module)
    assert other.get(url(module, first)).status_code == 404
    assert other.get(url(module, own)).status_code == 200
    assert client.get(url(module, own)).status_code == 404


def test_signed_out_it_asks_to_sign_in(app, renewed, module):
    first, _ = renewed
    response = app.test_client().get(url(module, first))
    assert response.status_code == 302 and "/sign-in" in response.location


def test_the_certificate_page_links_each_earlier_certificates_credential(
    app, client, renewed, module
):
    first, latest = renewed
    page = client.get(f"/modules/{module.slug}/certificate/").text
    earlier = page[page.index("Earlier certificates for this module") :]
    with app.app_context():
        issued = db.session().scalar(select(Certificate.issued_at).where(Certificate.code == first))
    assert (
        f'<a href="{url(module, first)}">Download credential (.jwt)<span class="nhsuk-u-visually-'
        f'hidden"> of the certificate of {day(issued)}</span></a>'
    ) in earlier
    # The latest keeps its own button; it is not listed among the earlier ones.
    assert url(module, latest) not in page


def test_a_revoked_earlier_credential_is_not_linked_and_downloads_as_the_latests_does(
    app, client, runner, renewed, module
):
    first, latest = renewed
    for code in (first, latest):
        result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
        assert result.exit_code == 0, result.output
    page = client.get(f"/modules/{module.slug}/certificate/").text
    assert url(module, first) not in page and "credential.jwt" not in page
    # Asked for anyway, neither downloads: each answers 410 with what its public check says,
    # as their PDFs do; every verifier reads a copy kept from before as revoked.
    latest_download = client.get(f"/modules/{module.slug}/credential.jwt")
    earlier_download = client.get(url(module, first))
    assert (latest_download.status_code, earlier_download.status_code) == (410, 410)
    for download, code in ((latest_download, latest), (earlier_download, first)):
        assert download.mimetype == "text/html" and "Certificate revoked" in download.text
        assert code in download.text and stored_jwt(app, code) not in download.text
    assert verify(stored_jwt(app, first), over_client(app), base_url=BASE).status == "revoked"


def test_an_earlier_certificate_issued_without_a_credential_offers_none(
    app, client, renewed, module
):
    first, _ = renewed
    with app.app_context():
        first_id = db.session().scalar(select(Certificate.id).where(Certificate.code == first))
        db.session().execute(delete(Credential).where(Credential.certificate_id == first_id))
        db.session().commit()
    page = client.get(f"/modules/{module.slug}/certificate/").text
    assert url(module, first) not in page and "Not issued" in page
    assert client.get(url(module, first)).status_code == 404


def test_the_certificate_page_with_each_kind_of_earlier_certificate_is_valid_html(
    app, client, runner, renewed, module, database_url, tmp_path
):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    first, _ = renewed
    second = renew(app, client, user_id(app, EMAIL), module)
    renew(app, client, user_id(app, EMAIL), module)  # first and second are now earlier
    result = runner.invoke(args=["revoke-credential", first, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    page = client.get(f"/modules/{module.slug}/certificate/").text
    assert url(module, second) in page and url(module, first) not in page
    assert nu_errors({"certificate": page}, tmp_path) == []
