"""The issuer's signing key: read from configuration, or made for development.

LINKWISE_ISSUER_KEY is a PEM private key (P-256 for ES256, or RSA of 2048 bits or more for
RS256), given as the path of a file or as the PEM text itself. Without it, development
and tests make one in the instance folder the first time a credential is signed;
production refuses to start (see config_checks.py).

joserfc, and cryptography under it, are imported where a key is read or used: a tenth of a
second that starting the app or a command skips until a credential is signed or checked.
Production reads its keys at start-up (config_checks.py), so it imports them then.
"""

from __future__ import annotations

import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, RSAKey

DEVELOPMENT_KEY_FILE = "issuer-key.pem"


class IssuerKeyError(ValueError):
    """The configured key cannot sign credentials."""


@dataclass(frozen=True)
class SigningKey:
    """A private key with the algorithm it signs with and its thumbprint."""

    key: ECKey | RSAKey
    alg: str
    thumbprint: str

    def public_jwk(self) -> dict:
        """Return the public half as a JWK, named by its thumbprint."""
        return {
            **self.key.as_dict(private=False),
            "kid": self.thumbprint,
            "alg": self.alg,
            "use": "sig",
        }

    def sign(self, claims: dict, kid: str) -> str:
        """Return claims signed as a compact JWT whose header names the key by kid."""
        from joserfc import jwt

        return jwt.encode(
            {"alg": self.alg, "typ": "JWT", "kid": kid}, claims, self.key, algorithms=[self.alg]
        )


def read_key(setting: str | bytes) -> SigningKey:
    """Return the signing key from a PEM text or the path of a PEM file."""
    from joserfc.errors import SecurityWarning
    from joserfc.jwk import ECKey, RSAKey

    text = setting.encode() if isinstance(setting, str) else setting
    if not text.lstrip().startswith(b"-----BEGIN"):
        path = Path(text.decode())
        try:
            text = path.read_bytes()
        except OSError as error:
            raise IssuerKeyError(
                f"cannot read the issuer key file {path}: {error.strerror}"
            ) from None
    for kind, alg in ((ECKey, "ES256"), (RSAKey, "RS256")):
        try:
            with warnings.catch_warnings():  # a short RSA key is refused below, in our words
                warnings.simplefilter("ignore", SecurityWarning)
                key = kind.import_key(text)
        except Exception:  # noqa: BLE001 - not this kind of key, or not a key at all
            continue
        if not key.is_private:
            raise IssuerKeyError("the issuer key is a public key: give the private key")
        if kind is ECKey and key.curve_name != "P-256":
            raise IssuerKeyError(f"the issuer key is on curve {key.curve_name}: use P-256")
        if kind is RSAKey and key.raw_value.key_size < 2048:
            raise IssuerKeyError("the issuer's RSA key is shorter than 2048 bits")
        return SigningKey(key, alg, key.thumbprint())
    raise IssuerKeyError("the issuer key is not a PEM private key (P-256 or RSA)")


def signing_key() -> SigningKey:
    """Return this app's signing key, reading (or, in development, making) it once."""
    found = current_app.extensions.get("linkwise.issuer_key")
    if found is None:
        setting = current_app.config.get("ISSUER_KEY")
        if not setting:
            setting = str(development_key(Path(current_app.instance_path)))
        found = current_app.extensions["linkwise.issuer_key"] = read_key(setting)
    return found


def retired_keys() -> dict[str, SigningKey]:
    """Return the retired keys still configured, by thumbprint: they sign their status lists."""
    found = current_app.extensions.get("linkwise.retired_issuer_keys")
    if found is None:
        keys = (read_key(s) for s in split_settings(current_app.config.get("ISSUER_RETIRED_KEYS")))
        found = current_app.extensions["linkwise.retired_issuer_keys"] = {
            k.thumbprint: k for k in keys
        }
    return found


def key_by_thumbprint(thumbprint: str) -> SigningKey | None:
    """Return the current or a retired private key with this thumbprint, or None."""
    current = signing_key()
    return current if current.thumbprint == thumbprint else retired_keys().get(thumbprint)


def split_settings(setting) -> list[str]:
    """Return the retired keys setting as a list of key settings (paths or PEM texts)."""
    # Paths are joined by the path separator (":"); PEM texts simply follow one another.
    if not setting:
        return []
    if not isinstance(setting, str):
        return [str(s) for s in setting]
    if "-----BEGIN" in setting:
        marker = "-----BEGIN"
        return [marker + part for part in setting.split(marker)[1:]]
    return [part for part in setting.split(os.pathsep) if part.strip()]


def development_key(folder: Path) -> Path:
    """Return the development key file in folder, making it first if there is none."""
    path = folder / DEVELOPMENT_KEY_FILE
    if path.exists():
        return path
    from joserfc.jwk import ECKey

    folder.mkdir(parents=True, exist_ok=True)
    pem = ECKey.generate_key("P-256", private=True).as_pem(private=True)
    draft = folder / f".{DEVELOPMENT_KEY_FILE}.{secrets.token_hex(6)}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    try:
        # A link never replaces an existing file: of two workers starting at once, the
        # first key written wins and the other worker reads it.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path
