"""The CSRF token pages carry: Flask-WTF's, signed once per session secret and process."""

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

# A session's CSRF secret -> its signed token. Bounded: past this many, start again.
_signed_tokens: dict[tuple, str] = {}
MOST_SIGNED_TOKENS = 10_000


def csrf_token() -> str:
    """Return this session's signed CSRF token: Flask-WTF's, signed once per process.

    With no time limit on tokens (WTF_CSRF_TIME_LIMIT is None), a token signed for a
    session's secret stays valid as long as that secret; signing it again for every page
    (a new serializer, key derivation and HMAC) cost a screen about a twentieth of its CPU.
    """
    config = current_app.config
    field = config["WTF_CSRF_FIELD_NAME"]
    raw = session.get(field)
    if raw is None or field in g or config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    token = _signed_tokens.get(key)
    if token is None:
        if len(_signed_tokens) >= MOST_SIGNED_TOKENS:
            _signed_tokens.clear()
        token = _signed_tokens[key] = generate_csrf()
    return token
