"""A renewal pass earns a certificate of its own; the earlier one stays exactly as issued.

A learner holds a certificate for each passing attempt at a module's quiz. The certificate
page shows the latest and lists the earlier ones; each keeps its code, PDF, verify page,
signed credential and reflective account.
"""

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Certificate
from app.models_credentials import Credential
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, renew, user_id

EMAIL = "learner@example.org"


@pytest.fixture
def module(app):
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


def stored(app, code: str) -> dict:
    """Return everything stored of a certificate and its credential, by code."""
    with app.app_context():
        certificate = db.session().scalar(select(Certificate).where(Certificate.code == code))
        credential = db.session().scalar(
            select(Credential).where(Credential.certificate_id == certificate.id)
        )
        return {
            **{c.name: getattr(certificate, c.name) for c in Certificate.__table__.columns},
            "credential": {c.name: getattr(credential, c.name) for c in Credential.__table__.c},
        }


@pytest.fixture
def renewed(app, client, make_user, module):
    """A learner who passed the module, wrote a reflection, then passed it again: both codes."""
    make_user()
    sign_in(client, EMAIL)
    first = pass_module(app, client, EMAIL, module)
    page = f"/modules/{module.slug}/certificate/"
    post_form(client, page, {"certificate": first, "learned": "First time round."})
    before = stored(app, first)
    latest = renew(app, client, user_id(app, EMAIL), module)
    return first, latest, before


def test_a_second_pass_earns_its_own_certificate_and_leaves_the_first_as_issued(
    app, renewed, module
):
    first, latest, before = renewed
    assert latest and latest != first
    assert stored(app, first) == before
    renewal = stored(app, latest)
    assert renewal["attempt_id"] != before["attempt_id"]
    assert (
        renewal["credential"]["jwt"] and renewal["credential"]["jwt"] != before["credential"]["jwt"]
    )
    # The renewal's reflective account starts empty: the first keeps its own.
    assert renewal["reflective_account"] == {}
    assert before["reflective_account"]["learned"] == "First time round."


def test_the_page_shows_the_latest_and_lists_the_earlier_with_their_pdfs(client, renewed, module):
    first, latest, _ = renewed
    page = client.get(f"/modules/{module.slug}/certificate/").text
    shown = page[: page.index("Earlier certificates for this module")]
    assert latest in shown and first not in shown
    earlier = page[page.index("Earlier certificates for this module") :]
    assert first in earlier and f"/certificates/{first}" in earlier
    assert "First time round." not in page
    latest_pdf = client.get(f"/modules/{module.slug}/certificate.pdf")
    assert latest_pdf.status_code == 200 and latest in pdf_text(latest_pdf.data)
    first_pdf = client.get(f"/modules/{module.slug}/certificates/{first}.pdf")
    assert first_pdf.status_code == 200
    assert first in pdf_text(first_pdf.data) and "First time round." in pdf_text(first_pdf.data)
    anonymous = client.application.test_client()
    for code in (first, latest):
        assert anonymous.get(f"/certificates/{code}").status_code == 200
        assert json.loads(anonymous.get(f"/credentials/verify/{code}").text)["status"] == "valid"


def test_another_learners_earlier_certificate_is_not_found(app, client, make_user, renewed, module):
    first, _, _ = renewed
    other = make_user(email="other@example.org")
    sign_in(client, other)
    assert client.get(f"/modules/{module.slug}/certificates/{first}.pdf").status_code == 404


def test_a_reflection_drawn_for_the_earlier_certificate_is_not_saved_to_the_renewal(
    app, client, renewed, module
):
    first, latest, before = renewed
    page = f"/modules/{module.slug}/certificate/"
    response = post_form(client, page, {"certificate": first, "learned": "Typed on the old tab."})
    assert response.status_code == 409
    assert "A new certificate for this module was issued" in response.text
    assert stored(app, latest)["reflective_account"] == {}
    assert stored(app, first) == before
    assert post_form(client, page, {"certificate": latest, "learned": "Now."}).status_code == 302
    assert stored(app, latest)["reflective_account"] == {"learned": "Now."}


def test_the_data_export_holds_every_certificate_and_credential(client, renewed, module):
    first, latest, _ = renewed
    archive = zipfile.ZipFile(io.BytesIO(post_form(client, "/account/data", {}).data))
    data = json.loads(archive.read("linkwise-data.json"))
    assert [c["code"] for c in data["certificates"]] == [first, latest]
    assert {c["certificate"] for c in data["credentials"]} == {first, latest}
    names = set(archive.namelist())
    assert {
        f"certificates/{module.slug}.pdf",
        f"certificates/{module.slug}-{first}.pdf",
        f"credentials/{module.slug}.jwt",
        f"credentials/{module.slug}-{first}.jwt",
    } <= names
    assert latest in pdf_text(archive.read(f"certificates/{module.slug}.pdf"))
    assert first in pdf_text(archive.read(f"certificates/{module.slug}-{first}.pdf"))


def test_erasure_withdraws_every_certificate(app, client, renewed):
    first, latest, _ = renewed
    response = post_form(client, "/account/delete", {"current_password": DEMO_PASSWORD})
    assert response.status_code == 302
    anonymous = client.application.test_client()
    for code in (first, latest):
        public = anonymous.get(f"/certificates/{code}")
        assert public.status_code == 410 and "Certificate withdrawn" in public.text
        assert stored(app, code)["withdrawn_at"] is not None
        assert stored(app, code)["credential"]["revoked_at"] is not None


def counted_attempts(app, learner: int) -> set[int]:
    """Return the learner's passes that count (services/passes.py: COUNTED)."""
    from app.models import Attempt
    from app.services import passes

    with app.app_context():
        return set(
            db.session().scalars(
                select(Attempt.id).where(Attempt.user_id == learner, passes.COUNTED)
            )
        )


@pytest.mark.parametrize("revoked", ["first", "latest"])
def test_revoking_one_certificate_withdraws_its_own_pass_only(app, runner, renewed, revoked):
    first, latest, _ = renewed
    learner = user_id(app, EMAIL)
    code = first if revoked == "first" else latest
    assert counted_attempts(app, learner) == {
        stored(app, first)["attempt_id"],
        stored(app, latest)["attempt_id"],
    }
    result = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert result.exit_code == 0, result.output
    kept = latest if revoked == "first" else first
    assert counted_attempts(app, learner) == {stored(app, kept)["attempt_id"]}


def test_the_learning_record_lists_both_certificates_latest_first(client, renewed):
    first, latest, _ = renewed
    record = client.get("/my/record.csv").text
    assert latest in record and first in record and record.index(latest) < record.index(first)
