"""A revoked credential is withdrawn from its learner's downloads, as its PDF is.

Once an administrator revokes a certificate, `/modules/SLUG/certificate.pdf` answered 410
while `/modules/SLUG/credential.jwt` still handed over the signed credential, which reads
as valid to anyone who does not check its status list. Both credential downloads now answer
410 with the certificate's public check. The learner's data export keeps the credential,
marked revoked: it is their data (docs/credentials.md).
"""

import io
import json
import zipfile

from sqlalchemy import select

from app import db
from app.domain.dates import in_utc
from app.models_credentials import Credential
from tests.conftest import post_form
from tests.domain.test_certificates import pdf_text
from tests.web import revoking
from tests.web.statements import statements
from tests.web.test_credentials import admin_client, earned, module  # noqa: F401 (fixtures)

TARGET = 2  # the signed-in user, then the download's own read


def revoke(app, make_user, code: str) -> None:
    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code.lower()}"
    done = revoking.revoke(admin, code, "Sat by a colleague", page=page)
    assert done.status_code == 302


def downloads(slug: str, code: str) -> tuple[str, str]:
    return f"/modules/{slug}/credential.jwt", f"/modules/{slug}/credentials/{code}.jwt"


def test_a_revoked_credential_no_longer_downloads_and_says_why(
    app,
    earned,  # noqa: F811
    make_user,
    module,  # noqa: F811
):
    learner, code, token = earned
    for path in downloads(module.slug, code):
        assert learner.get(path).text == token  # while it stands
    revoke(app, make_user, code)
    pdf = learner.get(f"/modules/{module.slug}/certificate.pdf")
    assert pdf.status_code == 410
    for path in downloads(module.slug, code):
        with statements(app) as run:
            response = learner.get(path)
        assert response.status_code == 410, path
        assert response.mimetype == "text/html" and "attachment" not in str(response.headers)
        assert "Certificate revoked" in response.text and code in response.text
        assert token not in response.text and "Sat by a colleague" not in response.text
        assert len(run) <= TARGET, (path, [" ".join(s.split())[:150] for s in run])
    # Another learner's code is still not found, revoked or not.
    other = f"/modules/{module.slug}/credentials/LW-AAAA-BBBB-CCCC-DDDD.jwt"
    assert learner.get(other).status_code == 404


def test_the_data_export_keeps_a_revoked_credential_marked_revoked(
    app,
    earned,  # noqa: F811
    make_user,
    module,  # noqa: F811
):
    learner, code, token = earned
    revoke(app, make_user, code)
    response = post_form(learner, "/account/data", {})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    held = json.loads(archive.read("linkwise-data.json"))["credentials"]
    assert [(c["certificate"], c["credential"]) for c in held] == [(code, token)]
    with app.app_context():
        revoked_at = db.session().scalar(select(Credential.revoked_at))
    assert held[0]["revoked_at"] == in_utc(revoked_at).isoformat()  # with its offset
    assert archive.read(f"credentials/{module.slug}.jwt").decode() == token
    printed = pdf_text(archive.read(f"certificates/{module.slug}.pdf"))
    assert "Revoked on" in printed
    page = learner.get("/account/data").text
    assert "a revoked one is included and marked as revoked" in page
