"""Credentials from the running app, checked by verifiers that share no code with the issuer.

Linkwise signs with joserfc. Two verifiers check what it issues, each fetching the
issuer's public key and the signed status list over HTTP from a live server:
tests/credential_verifier.py (PyJWT, decoding the bitstring itself) and openbadgeslib's
OB3Verifier, an Open Badges 3.0 library of its own.
"""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from joserfc.jwk import ECKey
from jwt.algorithms import ECAlgorithm
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from sqlalchemy import select, update

from app import db
from app.content import catalogue
from app.issuer_keys import signing_key
from app.models import Certificate
from app.models_credentials import Credential
from app.services import credential_claims, credential_revocations, credentials
from tests.conftest import sign_in
from tests.credential_verifier import tampered, verify
from tests.web.journeys import pass_module


def http_get(url: str) -> tuple[int, bytes]:
    """Fetch a URL over real HTTP, as a verifier would."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def library_verdict(token: str) -> str:
    """Return openbadgeslib's verdict: "valid", or the reason it refused the credential."""
    header = json.loads(_b64(token.split(".")[0]))
    status, body = http_get(header["kid"])
    assert status == 200
    pem = ECAlgorithm.from_jwk(body.decode()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        OB3Verifier(pem).verify(token, check_status=True, download=lambda url: http_get(url)[1])
    except OB3VerificationError as error:
        return str(error)
    return "valid"


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def issued(app, live_server, make_user):
    """Return (token, certificate code) of a credential the live app issued."""
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment and m.competency_codes)
    email = make_user()
    client = app.test_client()
    sign_in(client, email)
    code = pass_module(app, client, email, module)
    token = client.get(f"/modules/{module.slug}/credential.jwt").text
    return token, code


def test_a_fresh_credential_verifies_with_both_independent_verifiers(live_server, issued):
    token, _ = issued
    verdict = verify(token, http_get, base_url=live_server)
    assert verdict.status == "valid", verdict.reasons
    assert verdict.claims["issuer"]["id"] == f"{live_server}/credentials/issuer"
    # The clinical review, as the certificate states it, inside Open Badges' own terms.
    description = verdict.claims["credentialSubject"]["achievement"]["description"]
    assert "Clinical review of the content: Not yet reviewed by a named independent" in description
    assert library_verdict(token) == "valid"


@pytest.mark.parametrize(
    "field",
    ["name", "score", "outcome", "validFrom"],
)
def test_changing_any_one_field_fails_both_verifiers(live_server, issued, field):
    token, _ = issued
    changes = {
        "name": lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Al Other"),
        "score": lambda c: c["credentialSubject"]["result"][0].update(value="99"),
        "outcome": lambda c: c["credentialSubject"]["achievement"].update(description="Surgery"),
        "validFrom": lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
    }
    forged = tampered(token, changes[field])
    assert verify(forged, http_get, base_url=live_server).status == "invalid"
    assert "signature" in library_verdict(forged).lower()


def test_a_revoked_credential_is_reported_revoked_by_both(app, live_server, issued):
    token, code = issued
    with app.app_context():
        assert credential_revocations.revoke(code, "Issued in error").outcome == "revoked"
    assert verify(token, http_get, base_url=live_server).status == "revoked"
    assert "status 'revocation' is set" in library_verdict(token)
    status, body = http_get(f"{live_server}/credentials/verify/{code}")
    assert json.loads(body)["status"] == "revoked"


def test_an_expired_credential_is_reported_expired_by_both(app, live_server, issued, monkeypatch):
    token, code = issued
    # A framework that declares a validity of one year, and a certificate two years old.
    monkeypatch.setattr(
        credential_claims,
        "valid_until",
        lambda achievement, profession, issued_at: issued_at + timedelta(days=365),
    )
    with app.app_context():
        session = db.session()
        certificate = session.scalar(select(Certificate).where(Certificate.code == code))
        session.execute(Credential.__table__.delete())
        session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.id)
            .values(issued_at=certificate.issued_at - timedelta(days=730))
        )
        session.commit()
        assert credentials.issue_missing() == 1
        old = session.scalar(select(Credential.jwt))
    assert old != token
    assert verify(old, http_get, base_url=live_server).status == "expired"
    assert "expired" in library_verdict(old).lower()
    status, body = http_get(f"{live_server}/credentials/verify/{code}")
    assert json.loads(body)["status"] == "expired"
    status, page = http_get(f"{live_server}/certificates/{code}")
    assert status == 200 and b"Certificate expired" in page


def rotate(app, *, keep_retired: bool) -> None:
    """Sign from now on with a new key; keep the old one as retired, or drop it."""
    with app.app_context():
        old = signing_key().key.as_pem(private=True).decode()
    app.config["ISSUER_KEY"] = ECKey.generate_key("P-256", private=True).as_pem(private=True)
    app.config["ISSUER_RETIRED_KEYS"] = [old] if keep_retired else None
    app.extensions.pop("linkwise.issuer_key", None)
    app.extensions.pop("linkwise.retired_issuer_keys", None)


def test_after_a_key_rotation_old_and_new_credentials_verify_and_revoke(
    app, live_server, issued, make_user
):
    old_token, old_code = issued
    rotate(app, keep_retired=True)
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment and m.competency_codes)
    email = make_user("second@example.org")
    client = app.test_client()
    sign_in(client, email)
    pass_module(app, client, email, module)
    new_token = client.get(f"/modules/{module.slug}/credential.jwt").text
    assert (
        json.loads(_b64(new_token.split(".")[0]))["kid"]
        != json.loads(_b64(old_token.split(".")[0]))["kid"]
    )
    for token in (old_token, new_token):
        assert verify(token, http_get, base_url=live_server).status == "valid"
        assert library_verdict(token) == "valid"
    with app.app_context():
        credential_revocations.revoke(old_code, "Issued in error")
    assert verify(old_token, http_get, base_url=live_server).status == "revoked"
    assert "status 'revocation' is set" in library_verdict(old_token)
    assert library_verdict(new_token) == "valid"


def test_without_the_retired_key_old_credentials_fail_closed_on_status(app, live_server, issued):
    token, _ = issued
    rotate(app, keep_retired=False)
    verdict = verify(token, http_get, base_url=live_server)
    assert verdict.status == "invalid" and "status list answered 404" in verdict.reasons[0]
    assert library_verdict(token) != "valid"
