"""An Open Badges 3.0 verifier written apart from Linkwise's issuing code, for the tests.

It shares nothing with app/: it signs nothing, uses PyJWT (Linkwise signs with joserfc),
fetches the issuer's key and the status list over HTTP through the `get` it is given, and
decodes the Bitstring Status List itself (GZIP, base64url, multibase "u", bit 0 first).
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import jwt
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
Get = Callable[[str], tuple[int, bytes]]


@dataclass
class Verdict:
    """What the verifier concluded, and why."""

    status: str  # valid / expired / revoked / invalid
    reasons: list[str] = field(default_factory=list)
    claims: dict = field(default_factory=dict)


def _public_key(jwk: dict):
    text = json.dumps(jwk)
    return ECAlgorithm.from_jwk(text) if jwk["kty"] == "EC" else RSAAlgorithm.from_jwk(text)


def verify_signed(token: str, get: Get, *, expected_issuer_prefix: str) -> dict:
    """Return the claims of a VC-JWT after checking its signature against the fetched key."""
    header = jwt.get_unverified_header(token)
    kid = header["kid"]
    if not kid.startswith(expected_issuer_prefix):
        raise ValueError(f"key {kid} is not under the issuer's address")
    status, body = get(kid)
    if status != 200:
        raise ValueError(f"key {kid} answered {status}")
    key = _public_key(json.loads(body))
    # Expiry is judged below, from validUntil, so that an expired credential says so.
    return jwt.decode(
        token, key, algorithms=[header["alg"]], options={"verify_exp": False, "verify_aud": False}
    )


def bit_is_set(encoded_list: str, index: int) -> bool:
    """Read one bit of a Bitstring Status List's encodedList."""
    assert encoded_list.startswith("u"), "multibase base64url must start with u"
    raw = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert len(bits) * 8 >= 131_072, "a status list has at least 131,072 entries"
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


def verify(token: str, get: Get, *, base_url: str, now: float | None = None) -> Verdict:
    """Verify an Open Badges 3.0 credential issued under base_url, as a relying party would."""
    try:
        claims = verify_signed(token, get, expected_issuer_prefix=base_url)
    except Exception as error:  # noqa: BLE001 - any failure means "do not trust it"
        return Verdict("invalid", [f"signature: {error}"])
    reasons = []
    if claims.get("@context", [None])[:2] != [VC2_CONTEXT, OB3_CONTEXT]:
        reasons.append("contexts")
    if "OpenBadgeCredential" not in claims.get("type", []):
        reasons.append("type")
    if claims.get("iss") != claims.get("issuer", {}).get("id"):
        reasons.append("iss differs from issuer.id")
    if "AchievementSubject" not in claims.get("credentialSubject", {}).get("type", []):
        reasons.append("subject type")
    if reasons:
        return Verdict("invalid", reasons, claims)
    entry = claims["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    status, body = get(entry["statusListCredential"])
    if status != 200:
        return Verdict("invalid", [f"status list answered {status}"], claims)
    listed = verify_signed(body.decode(), get, expected_issuer_prefix=base_url)
    if listed["issuer"] != claims["issuer"]["id"]:
        return Verdict("invalid", ["status list from another issuer"], claims)
    subject = listed["credentialSubject"]
    if bit_is_set(subject["encodedList"], int(entry["statusListIndex"])):
        return Verdict("revoked", [], claims)
    moment = time.time() if now is None else now
    if "exp" in claims and moment >= claims["exp"]:
        return Verdict("expired", [], claims)
    if moment < claims["nbf"]:
        return Verdict("invalid", ["not yet valid"], claims)
    return Verdict("valid", [], claims)


def tampered(token: str, change: Callable[[dict], None]) -> str:
    """Return the token with its payload changed and its original signature kept."""
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    raw = json.dumps(claims, separators=(",", ":")).encode()
    return ".".join((head, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), signature))
