"""Open Badges 3.0 credentials: issued with each certificate, fixed once signed, verifiable."""

import base64
import json

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import User
from app.models_credentials import Credential, IssuerKey
from tests.conftest import sign_in
from tests.credential_verifier import tampered, verify
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
    assert subject["result"][0]["value"] == "100"
    assert "knowledge" in claims["evidence"][0]["description"]
    assert claims["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert "validUntil" not in claims  # the frameworks declare no validity yet
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
    assert profile.json["type"] == ["Profile"] and profile.json["publicKeys"]
    keys = anonymous.get("/credentials/keys").json["keys"]
    assert len(keys) == 1 and "d" not in keys[0]  # never the private part
    assert anonymous.get("/credentials/keys/not-a-key").status_code == 404
    assert anonymous.get("/credentials/status/1").mimetype == "application/vc+jwt"
    assert anonymous.get("/credentials/status/2").status_code == 404
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
