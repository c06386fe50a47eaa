"""Open Badges 3.0 credentials: issued with each certificate, fixed once signed, verifiable."""

import base64
import dataclasses
import io
import json
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.domain import status_list
from app.models import AuditEvent, Certificate, User
from app.models_credentials import Credential, IssuerKey
from app.services import credential_claims
from tests.conftest import csrf_token, post_form, sign_in
from tests.credential_verifier import tampered, verify
from tests.domain.test_certificates import pdf_text
from tests.web import revoking
from tests.web.confirmations import decided_request
from tests.web.journeys import pass_module

BASE = "http://localhost"


@pytest.fixture
def module(app):
    """Return the first module with a quiz and competencies."""
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment and m.competency_codes)


@pytest.fixture
def earned(app, client, make_user, module):
    """Return (client, certificate code, downloaded credential) for a learner who passed."""
    email = make_user()
    sign_in(client, email)
    code = pass_module(app, client, email, module)
    response = client.get(f"/modules/{module.slug}/credential.jwt")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    assert "attachment" in response.headers["Content-Disposition"]
    return client, code, response.text


def over_client(app):
    """Return a `get` for the verifier that fetches through a fresh test client."""
    anonymous = app.test_client()

    def get(url: str):
        assert url.startswith(BASE), url
        response = anonymous.get(url.removeprefix(BASE))
        return response.status_code, response.data

    return get


REVIEW = (
    "Clinical review of the content: Not yet reviewed by a named independent clinician "
    "when the module's quiz was taken."
)


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_passing_issues_one_signed_open_badge_with_the_modules_outcomes_and_codes(
    app, earned, module
):
    _, code, token = earned
    claims = payload(token)
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == claims["issuer"]["id"] == f"{BASE}/credentials/issuer"
    subject = claims["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Sam Learner"
    achievement = subject["achievement"]
    assert achievement["name"] == module.title
    for outcome in module.learning_outcomes:
        assert outcome in achievement["description"]
    assert [a["targetCode"] for a in achievement["alignment"]] == list(module.competency_codes)
    assert all(a["targetUrl"].startswith("urn:uuid:") for a in achievement["alignment"])
    assert achievement["creditsAvailable"] == round(module.cpd_minutes / 60, 2)
    # The clinical review as the certificate, its PDF and public page state it.
    assert achievement["description"].endswith(REVIEW)
    assert subject["result"][0]["value"] == "100"
    assert "knowledge" in claims["evidence"][0]["description"]
    assert claims["credentialStatus"]["type"] == "BitstringStatusListEntry"
    # A practice nurse's framework (referrer.yaml) keeps evidence for 3 years, and none of
    # this module's competencies has a shorter validity of its own: so the credential lasts
    # 3 years, as its certificate says.
    valid_from, valid_until = (
        datetime.fromisoformat(claims[k].replace("Z", "+00:00"))
        for k in ("validFrom", "validUntil")
    )
    assert (valid_until - valid_from).days in (3 * 365, 3 * 365 + 1)
    assert code in claims["description"]
    with app.app_context():
        assert db.session().scalar(select(func.count(Credential.id))) == 1
        assert db.session().scalar(select(func.count(IssuerKey.thumbprint))) == 1


def test_an_independent_verifier_accepts_it_and_rejects_one_changed_field(app, earned):
    _, _, token = earned
    verdict = verify(token, over_client(app), base_url=BASE)
    assert verdict.status == "valid", verdict.reasons

    def rename(claims):
        claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"

    forged = verify(tampered(token, rename), over_client(app), base_url=BASE)
    assert forged.status == "invalid" and "signature" in forged.reasons[0]


def test_the_stored_credential_never_changes_after_a_rename(app, earned, module):
    client, _, token = earned
    with app.app_context():
        db.session().execute(User.__table__.update().values(full_name="Sam Renamed"))
        db.session().commit()
    again = client.get(f"/modules/{module.slug}/credential.jwt").text
    assert again == token
    assert payload(again)["credentialSubject"]["identifier"][0]["identityHash"] == "Sam Learner"


def test_issuer_profile_keys_and_status_list_are_served(app, earned):
    anonymous = app.test_client()
    profile = anonymous.get("/credentials/issuer")
    assert profile.mimetype == "application/ld+json"
    assert (
        profile.json["type"] == ["Profile"] and "/credentials/keys" in profile.json["description"]
    )
    keys = anonymous.get("/credentials/keys").json["keys"]
    assert len(keys) == 1 and "d" not in keys[0]  # never the private part
    assert anonymous.get("/credentials/keys/not-a-key").status_code == 404
    kid = keys[0]["kid"]
    assert anonymous.get(f"/credentials/status/{kid}/1").mimetype == "application/vc+jwt"
    assert anonymous.get(f"/credentials/status/{kid}/2").status_code == 404
    assert anonymous.get("/credentials/status/not-a-key/1").status_code == 404
    module_slug = payload(earned[2])["credentialSubject"]["achievement"]["id"].rsplit("/", 1)[1]
    assert anonymous.get(f"/credentials/achievements/{module_slug}").json["type"] == ["Achievement"]


def test_only_the_holder_downloads_the_credential(app, earned, make_user, module):
    other = app.test_client()
    sign_in(other, make_user("other@example.org"))
    assert other.get(f"/modules/{module.slug}/credential.jwt").status_code == 404
    assert app.test_client().get(f"/modules/{module.slug}/credential.jwt").status_code in (
        302,
        401,
    )


def admin_client(app, make_user):
    """Return a client signed in as an administrator."""
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.org", role="admin"))
    return admin


def test_admin_revokes_with_a_reason_once_and_every_check_then_says_revoked(
    app, earned, make_user, module
):
    learner, code, token = earned
    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code.lower()}"
    # The first step only asks: its button says so, and the confirmation page's revokes.
    assert "Continue to revoke" in admin.get(page).text
    assert "Revoke credential" not in admin.get(page).text
    for step in ("/revoke/confirm", "/revoke"):
        url = f"/admin/credentials/{code}{step}"
        blank = post_form(admin, url, {"reason": " "}, page=page)
        assert blank.status_code == 400, step
        assert "Enter why you are revoking this credential" in blank.text
    shown = revoking.confirmation(admin, code, "Sat by a colleague", page=page)
    for _ in range(2):  # a double click on the confirmation page revokes once
        done = revoking.confirmed(admin, shown)
        assert done.status_code == 302
    after = admin.get(page).text
    assert "Sat by a colleague" in after and "Continue to revoke" not in after
    with app.app_context():
        events = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.kind == "credential.revoked"))
            .all()
        )
        assert [e.detail["reason"] for e in events] == ["Sat by a colleague"]
    anonymous = app.test_client()
    public = anonymous.get(f"/certificates/{code}")
    assert public.status_code == 410 and "Certificate revoked" in public.text
    assert "Sat by a colleague" not in public.text  # the reason is for administrators
    by_code = anonymous.get(f"/credentials/verify/{code}").json
    assert by_code["status"] == "revoked"
    assert by_code["name"] is None  # as on the public page: a revoked code names nobody
    assert "Sam Learner" not in public.text
    assert anonymous.post("/credentials/verify", data=token).json["status"] == "revoked"
    assert verify(token, over_client(app), base_url=BASE).status == "revoked"
    own_page = learner.get(f"/modules/{module.slug}/certificate/").text
    assert "Linkwise revoked your credential" in own_page and "credential.jwt" not in own_page
    # The learner's own pages claim no more than the revoked certificate now shows.
    assert "Certificate revoked" in own_page and "Valid until" not in own_page
    assert "certificate.pdf" not in own_page
    pdf = learner.get(f"/modules/{module.slug}/certificate.pdf")
    assert pdf.status_code == 410 and pdf.mimetype == "text/html"
    assert "Certificate revoked" in pdf.text
    record = learner.get("/my/record").text
    assert "Revoked on" in record and f"/modules/{module.slug}/certificate.pdf" not in record
    record_pdf = learner.get("/my/record.pdf")
    assert record_pdf.status_code == 200
    assert f"Certificate {code} was revoked on" in " ".join(pdf_text(record_pdf.data).split())


def test_other_roles_cannot_see_or_revoke(app, earned, make_user):
    _, code, _ = earned
    manager = app.test_client()
    sign_in(manager, make_user("m@example.org", role="manager", org="Example PCN"))
    assert manager.get("/admin/credentials/").status_code == 404
    token = csrf_token(manager, "/account/")
    response = manager.post(
        f"/admin/credentials/{code}/revoke", data={"csrf_token": token, "reason": "x"}
    )
    assert response.status_code == 404
    assert app.test_client().get(f"/credentials/verify/{code}").json["status"] == "valid"


def test_json_verification_and_the_paste_check_report_valid_altered_and_unknown(app, earned):
    _, code, token = earned
    anonymous = app.test_client()
    found = anonymous.get(f"/credentials/verify/{code}")
    assert found.json["status"] == "valid" and found.json["name"] == "Sam Learner"
    assert found.headers["Access-Control-Allow-Origin"] == "*"
    assert anonymous.get("/credentials/verify/LW-AAAA-BBBB-CCCC-DDDD").status_code == 404
    assert anonymous.post("/credentials/verify", json={"credential": token}).json["status"] == (
        "valid"
    )

    def raise_score(claims):
        claims["credentialSubject"]["result"][0]["value"] = "100!"

    altered = tampered(token, raise_score)
    assert anonymous.post("/credentials/verify", data=altered).json["status"] == "altered"
    assert anonymous.post("/credentials/verify", data="hello").json["status"] == "unreadable"
    # `curl --data-binary @file` sends the token typed as a form, whose fields are read first.
    as_form = {"content_type": "application/x-www-form-urlencoded"}
    for body in (token, f"{token}\n", f"credential={token}"):
        sent = anonymous.post("/credentials/verify", data=body, **as_form)
        assert sent.json["status"] == "valid", body[:12]
    assert anonymous.post("/credentials/verify", data=altered, **as_form).json["status"] == (
        "altered"
    )
    page = post_form(anonymous, "/credentials/check", {"credential": altered})
    assert page.status_code == 200 and "Result: Altered or not issued by Linkwise" in page.text
    good = post_form(anonymous, "/credentials/check", {"credential": f"  {token}\n"})
    assert "Result: Valid" in good.text and "Sam Learner" in good.text
    # What the certificate shows and what its CPD time is (domain/certificate_scope.py).
    assert "It does not show competence in practice." in good.text
    assert "estimate of its reading, activities and reflection together" in good.text
    empty = post_form(anonymous, "/credentials/check", {"credential": ""})
    assert empty.status_code == 400
    assert "Choose the credential file, or paste what it contains" in empty.text


def test_revoke_credential_command_is_audited_and_says_when_already_done(app, earned):
    _, code, _ = earned
    runner = app.test_cli_runner()
    first = runner.invoke(args=["revoke-credential", code, "--reason", "Issued in error"])
    assert first.exit_code == 0 and "revoked the credential" in first.output
    second = runner.invoke(args=["revoke-credential", code, "--reason", "Again"])
    assert "already revoked" in second.output
    missing = runner.invoke(args=["revoke-credential", "LW-AAAA-BBBB-CCCC-DDDD", "--reason", "x"])
    assert missing.exit_code != 0 and "no credential" in missing.output
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "credential.revoked")
        )
        assert event.via == "cli" and event.detail["reason"] == "Issued in error"


def test_data_export_holds_the_credential_and_erasure_revokes_and_forgets_it(app, earned, module):
    client, code, token = earned
    with app.app_context():
        user = db.session().scalar(select(User))
        from app.content import catalogue as installed
        from app.services import data_rights, erasure

        archive = zipfile.ZipFile(
            io.BytesIO(data_rights.export_archive(user.id, installed(), actor_id=None))
        )
        held = json.loads(archive.read("linkwise-data.json"))["credentials"]
        assert held[0]["credential"] == token and held[0]["certificate"] == code
        assert archive.read(f"credentials/{module.slug}.jwt").decode() == token
        erasure.erase(user.id)
        row = db.session().scalar(select(Credential))
        assert row.jwt == "" and row.revoked_at is not None
    assert verify(token, over_client(app), base_url=BASE).status == "revoked"
    assert app.test_client().get(f"/credentials/verify/{code}").json["name"] is None


def test_certificates_earned_before_credentials_get_one_from_the_command(app, earned, module):
    client, code, _ = earned
    with app.app_context():
        db.session().execute(Credential.__table__.delete())
        db.session().commit()
    page = f"/modules/{module.slug}/certificate/"
    assert "issued before Linkwise issued credentials" in client.get(page).text
    assert client.get(f"/modules/{module.slug}/credential.jwt").status_code == 404
    result = app.test_cli_runner().invoke(args=["issue-credentials"])
    assert result.output.strip() == "issued 1 credential"
    token = client.get(f"/modules/{module.slug}/credential.jwt").text
    assert payload(token)["credentialSubject"]["achievement"]["description"].endswith(REVIEW)
    assert app.test_client().get(f"/credentials/verify/{code}").json["status"] == "valid"
    assert "credential.jwt" in client.get(page).text
    again = app.test_cli_runner().invoke(args=["issue-credentials"])
    assert again.output.strip() == "issued 0 credentials"


def test_a_certificate_whose_module_was_removed_gets_no_credential(app, earned):
    with app.app_context():
        db.session().execute(Credential.__table__.delete())
        db.session().execute(Certificate.__table__.update().values(module_slug="removed-module"))
        db.session().commit()
    result = app.test_cli_runner().invoke(args=["issue-credentials"])
    assert result.exit_code == 0 and result.output.strip() == "issued 0 credentials"


def test_a_supervisors_confirmation_before_the_pass_is_evidence_and_a_later_one_is_not(
    app, client, make_user, module
):
    from app.models import Organisation

    email = make_user(org="Riverside PCN")
    sign_in(client, email)
    confirmed_code, later_code = module.competency_codes[0], module.competency_codes[-1]
    with app.app_context():
        session = db.session()
        learner = session.scalar(select(User).where(User.email == email))
        org = session.scalar(select(Organisation.id).where(Organisation.name == "Riverside PCN"))
        for code, when in (
            (confirmed_code, datetime(2026, 1, 5)),
            (later_code, datetime(2099, 1, 1)),
        ):
            decided_request(
                session,
                user_id=learner.id,
                organisation_id=org,
                competency_code=code,
                requested_at=when,
                decided_by_name="Dr Pat Supervisor",
                decided_at=when,
            )
        session.commit()
    pass_module(app, client, email, module)
    token = client.get(f"/modules/{module.slug}/credential.jwt").text
    practice = [
        e for e in payload(token)["evidence"] if e.get("genre") == "Supervisor confirmation"
    ]
    assert [e["name"] for e in practice] == [f"Practice confirmed: {confirmed_code}"]
    assert "Dr Pat Supervisor confirmed" in practice[0]["description"]
    assert verify(token, over_client(app), base_url=BASE).status == "valid"


def test_each_credential_takes_its_own_place_in_the_status_lists(app, make_user, module):
    for email in ("first@example.org", "second@example.org"):
        make_user(email=email)
        learner = app.test_client()
        sign_in(learner, email)
        pass_module(app, learner, email, module)
    with app.app_context():
        rows = (
            db.session()
            .execute(
                select(
                    Credential.id, Credential.status_list, Credential.status_index, Credential.jwt
                )
            )
            .all()
        )
    assert len(rows) == 2
    assert len({(r.status_list, r.status_index) for r in rows}) == 2
    for row in rows:  # the place the signed credential names is the row's own
        assert (row.status_list, row.status_index) == status_list.place(row.id)
        status = payload(row.jwt)["credentialStatus"]
        assert status["statusListIndex"] == str(row.status_index)
        assert status["statusListCredential"].endswith(f"/{row.status_list}")


def test_a_new_credential_describes_the_module_as_the_newest_content_has_it(app, module):
    # Achievement facts are kept per catalogue: a content reload brings a new one, and the
    # next credential describes the module as it now reads.
    with app.app_context():
        first = credential_claims.achievement_facts(module.slug)
        assert credential_claims.achievement_facts(module.slug) is first
        renamed = dataclasses.replace(module, title="Renamed module")
        reloaded = dataclasses.replace(
            catalogue(),
            modules=tuple(renamed if m.slug == module.slug else m for m in catalogue().modules),
        )
        app.extensions["linkwise.catalogue"] = reloaded
        again = credential_claims.achievement_facts(module.slug)
    assert again.title == "Renamed module"
    assert dataclasses.replace(again, title=module.title) == first
