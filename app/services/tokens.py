"""Signed, expiring tokens for links sent by email.

A token carries a fingerprint of the account as it was when the link was sent; once the
password or email changes, the fingerprint no longer matches, so each link works once.
"""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

PASSWORD_RESET = ("password-reset", 60 * 60)  # purpose, seconds the link stays valid
EMAIL_CHANGE = ("email-change", 24 * 60 * 60)


def make(purpose: tuple[str, int], payload: dict) -> str:
    """Return a URL-safe signed token for payload."""
    return _serializer(purpose[0]).dumps(payload)


def read(purpose: tuple[str, int], token: str) -> dict | None:
    """Return the payload of a token this app signed for purpose and that has not expired."""
    if not token or len(token) > 1000:
        return None
    try:
        payload = _serializer(purpose[0]).loads(token, max_age=purpose[1])
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None


def fingerprint(*values: str) -> str:
    """Return a short digest that changes when any of the values changes."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:24]


def matches(expected: str, given) -> bool:
    """Compare a fingerprint from a token in constant time."""
    return isinstance(given, str) and secrets.compare_digest(expected, given)


def new_secret() -> tuple[str, str]:
    """Return a random token for a link and the hash to store instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_secret(token)


def hash_secret(token: str) -> str:
    """Return the stored form of a random link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"linkwise-{purpose}")
