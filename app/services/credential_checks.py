"""Checking credentials: their state, a pasted credential's signature, what verifiers fetch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import db
from app.domain import open_badges, status_list
from app.domain.certificate_codes import normalise_code
from app.domain.credential_validity import credential_status
from app.issuer_keys import key_by_thumbprint, signing_key
from app.links import absolute_url
from app.models import Certificate, utcnow
from app.models_credentials import Credential, IssuerKey
from app.services.credential_claims import issuer, key_url, status_list_url
from app.services.quizzes import aware

# What each state means to someone checking a credential.
STATES = {
    "valid": "Valid",
    "expired": "Expired",
    "revoked": "Revoked",
    "altered": "Altered or not issued by Linkwise",
    "unreadable": "Not a credential",
}
MAX_TOKEN = 64 * 1024


@dataclass(frozen=True)
class CredentialState:
    """A credential's standing now, and the facts a check may show."""

    status: str  # a key of STATES
    certificate_code: str | None = None
    learner_name: str | None = None
    module_title: str | None = None
    # Read from a pasted credential itself, which its holder shares: never in a check by code.
    registration_number: str | None = None
    cpd_minutes: int | None = None
    completed_at: datetime | None = None
    issued_at: datetime | None = None
    valid_until: datetime | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = None  # for administrators only: never in public answers

    @property
    def revoked(self) -> bool:
        """Return whether the credential was revoked (its certificate no longer stands)."""
        return self.status == "revoked"

    @property
    def label(self) -> str:
        """Return the state in words."""
        return STATES[self.status]

    def as_json(self) -> dict:
        """Return the state for the JSON verification endpoint."""
        stamp = open_badges.timestamp
        return {
            "status": self.status,
            "certificate": self.certificate_code,
            "name": self.learner_name,
            "achievement": self.module_title,
            "validFrom": stamp(self.issued_at) if self.issued_at else None,
            "validUntil": stamp(self.valid_until) if self.valid_until else None,
            "revokedAt": stamp(self.revoked_at) if self.revoked_at else None,
        }


def state_of(code: str, now: datetime | None = None) -> CredentialState | None:
    """Return the state of the credential issued with a certificate, or None if there is none."""
    if len(code) > 64:
        return None
    row = (
        db.session()
        .execute(_RECORDED.where(Certificate.code == normalise_code(code)))
        .one_or_none()
    )
    return _state(row, now or utcnow(), None) if row else None


def state_from(
    credential, code: str, name: str, module_title: str, now: datetime
) -> CredentialState:
    """Return the state of a credential read with its certificate's code, holder and module.

    `credential` is anything with the credential's columns as attributes; the name and
    title are those the certificate recorded when it was issued.
    """
    return _state((credential, code, name, module_title), now, None)


# A credential with what its certificate recorded at issue: code, holder, module title.
_RECORDED = select(
    Credential, Certificate.code, Certificate.holder_name, Certificate.module_title
).join(Certificate, Certificate.id == Credential.certificate_id)


def check_token(text: str, now: datetime | None = None) -> CredentialState:
    """Check a credential someone pasted or posted: its signature first, then its state."""
    # joserfc (and cryptography under it) is imported when first needed: see app/issuer_keys.py.
    from joserfc import jws, jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import JWKRegistry

    token = "".join((text or "").split())
    if not token or len(token) > MAX_TOKEN:
        return CredentialState("unreadable")
    try:
        header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError):
        return CredentialState("unreadable")
    kid = str(header.get("kid", ""))
    stored = db.session().get(IssuerKey, kid.rsplit("/", 1)[-1]) if kid.startswith("http") else None
    if stored is None or kid != key_url(stored.thumbprint):
        return CredentialState("altered")
    try:
        key = JWKRegistry.import_key(stored.public_jwk)
        claims = jwt.decode(token, key, algorithms=[stored.public_jwk["alg"]]).claims
    except (JoseError, ValueError):
        return CredentialState("altered")
    row = (
        db.session()
        .execute(_RECORDED.where(Credential.credential_id == str(claims.get("jti", ""))))
        .one_or_none()
    )
    if row is None:
        return CredentialState("altered")
    return _state(row, now or utcnow(), claims)


def _state(row, now: datetime, claims: dict | None) -> CredentialState:
    """Return a credential's state; with its claims, the facts it states rather than recorded."""
    credential, code, name, title = row
    stated = open_badges.stated(claims) if claims else None
    until = aware(credential.valid_until)
    status = credential_status(aware(credential.revoked_at), until, now)
    erased = credential.revoked_at and not credential.jwt
    if stated is not None:
        name, title = stated.learner_name, stated.module_title
    return CredentialState(
        status=status,
        certificate_code=code,
        # An erased holder's name is gone. Looked up by its code, a revoked credential names
        # nobody, as its public page does; one pasted or posted states its own name.
        learner_name=None if erased or (status == "revoked" and stated is None) else name,
        module_title=title,
        registration_number=None if erased or stated is None else stated.registration_number,
        cpd_minutes=stated.cpd_minutes if stated else None,
        completed_at=stated.completed_at if stated else None,
        issued_at=aware(credential.issued_at),
        valid_until=until,
        revoked_at=aware(credential.revoked_at),
        revoked_reason=credential.revoked_reason,
    )


def status_list_token(number: int, thumbprint: str, now: datetime | None = None) -> str | None:
    """Return status list N signed by the key named; None past the last list or key unknown."""
    key = key_by_thumbprint(thumbprint)
    if key is None:
        return None
    session = db.session()
    last = session.scalar(select(Credential.status_list).order_by(Credential.id.desc()).limit(1))
    if number < 1 or number > max(last or 1, 1):
        return None
    revoked = session.scalars(
        select(Credential.status_index).where(
            Credential.status_list == number, Credential.revoked_at.is_not(None)
        )
    ).all()
    now = now or utcnow()
    url = status_list_url(number, thumbprint)
    document = status_list.status_list_credential(url, issuer().id, revoked, now)
    claims = {**document, "iss": document["issuer"], "jti": url, "nbf": int(now.timestamp())}
    return key.sign(claims, key_url(key.thumbprint))


def issuer_profile() -> dict:
    """Return the issuer's Open Badges Profile, saying where its keys are."""
    who = issuer()
    return {
        "@context": list(open_badges.CONTEXTS),
        "id": who.id,
        "type": ["Profile"],
        "name": who.name,
        "url": who.url,
        "description": "Linkwise issues CPD certificates for healthcare professionals as "
        "Open Badges 3.0 credentials, signed as VC-JWTs. The kid in each credential's header "
        "is the address of the public key that signed it; all of them are listed at "
        + absolute_url("credentials.keys"),
    }


def public_keys() -> dict:
    """Return every key that has signed a credential, and the current one, as a JWK set."""
    current = signing_key().public_jwk()
    stored = db.session().scalars(select(IssuerKey).order_by(IssuerKey.first_used_at)).all()
    keys = {k.thumbprint: k.public_jwk for k in stored}
    keys.setdefault(current["kid"], current)
    return {"keys": list(keys.values())}


def public_key(thumbprint: str) -> dict | None:
    """Return one public key as a JWK, or None if it never signed for Linkwise."""
    return next((k for k in public_keys()["keys"] if k["kid"] == thumbprint), None)
