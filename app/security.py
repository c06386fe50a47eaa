"""CSRF, refused input, security headers and cache rules for every response.

`init_app` also switches on the rate limits (app/rate_limits.py) between the CSRF check
and this module's own request hooks.
"""

import secrets
import time
from itertools import chain

from flask import Flask, abort, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect, same_origin
from itsdangerous.encoding import base64_decode, bytes_to_int
from werkzeug.routing import IntegerConverter

from app import rate_limits


class RememberingCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, remembering in this process the tokens it has passed.

    Checking a token costs an HMAC and a signed timestamp on every POST, and a quiz page's
    token comes back with each autosave and with the submit. A token that passed for a
    session passes again for that session, signed with the same key, until its time limit:
    that is what is kept (the token with the session's CSRF secret and the signing key, and
    when it was signed), so it is found for no other session, never past the time limit,
    and not once the session has lost its secret (sign-out clears it). A token not
    remembered goes through Flask-WTF's own check, as does every failure.
    """

    MOST_REMEMBERED = 10_000  # past this many the memory starts again

    def __init__(self, app: Flask | None = None) -> None:
        # (token, the session's CSRF secret, the signing key) -> when the token was signed
        self.passed: dict[tuple[str, str, str | bytes], int] = {}
        super().__init__(app)

    def protect(self, apply_exemptions: bool = False) -> None:
        """Pass a token remembered for this session; check any other as Flask-WTF does."""
        current = request._get_current_object()  # one look-up, not one per attribute
        config = current_app.config
        if current.method not in config["WTF_CSRF_METHODS"]:
            return
        key = self._key(current, config)
        if key is not None and self._still_passes(key, current, config):
            g.csrf_valid = True  # as Flask-WTF marks a request whose token passed
            return
        super().protect(apply_exemptions)
        if key is not None and g.get("csrf_valid", False):
            if len(self.passed) >= self.MOST_REMEMBERED:
                self.passed.clear()
            # Its timestamp is the signed one: the token has just passed.
            self.passed[key] = bytes_to_int(base64_decode(key[0].rsplit(".", 2)[1]))

    @staticmethod
    def _key(current, config) -> tuple[str, str, str | bytes] | None:
        """Return the request's form token with what it must have been signed for, if any."""
        field_name = config["WTF_CSRF_FIELD_NAME"]
        token = current.form.get(field_name)
        secret = session.get(field_name)
        if not token or not isinstance(secret, str) or token.count(".") < 2:
            return None  # Flask-WTF looks elsewhere for it, or refuses
        return token, secret, config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)

    def _still_passes(self, key, current, config) -> bool:
        signed_at = self.passed.get(key)
        if signed_at is None:
            return False
        age = int(time.time()) - signed_at  # as itsdangerous counts it
        limit = config["WTF_CSRF_TIME_LIMIT"]
        if age < 0 or (limit is not None and age > limit):
            return False
        if current.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            referrer = current.referrer
            return bool(referrer) and same_origin(referrer, f"https://{current.host}/")
        return True


csrf = RememberingCSRFProtect()
# The largest id a database integer column holds (PostgreSQL's integer is 32-bit signed).
MAX_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """`<int:...>` in a URL: an integer a database id can be; anything larger is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Switch on CSRF and rate limiting, refuse unreadable input, add the headers."""
    # Before any blueprint adds its rules: every <int:id> is then bounded.
    app.url_map.converters["int"] = DatabaseId
    app.before_request(_refuse_too_many_fields)  # before CSRF, which reads the whole form
    csrf.init_app(app)
    rate_limits.init_app(app)  # its hooks after CSRF's, before those below, as always
    app.before_request(_refuse_control_characters)
    app.before_request(_make_nonce)
    app.after_request(_add_headers)


# The most fields a form sent as application/x-www-form-urlencoded may have. The largest the
# app draws is a quiz page: about three fields a question (a marker, the answer or each
# ticked option, whether it was shown before), some fifty for the course's quizzes; 5,000
# leaves room for a quiz of a thousand questions. Reading 100,000 fields took 0.6 s of a
# worker, and nothing else bounds them (1 MB bodies of "&"). Multipart bodies are held to
# Flask's MAX_FORM_PARTS (1,000; the credential check's form, the only one, has three),
# which answers 413 as this does.
MAX_FORM_FIELDS = 5000


def _refuse_too_many_fields():
    current = request._get_current_object()  # one look-up, not one per attribute
    if current.method != "POST" or current.mimetype != "application/x-www-form-urlencoded":
        return
    # The body is read once and kept: the form is then parsed from what was read.
    if current.get_data(cache=True, parse_form_data=False).count(b"&") >= MAX_FORM_FIELDS:
        abort(413)


def _refuse_control_characters():
    # A NUL byte is never part of a name, an email or an answer; PostgreSQL refuses to
    # store one, so it is refused here, for every field, with the usual 400 page.
    current = request._get_current_object()  # one look-up, not one per attribute
    # With no query string there are no arguments to parse and look through.
    if "\x00" in current.path or (current.query_string and _has_nul(current.args)):
        abort(400)
    if current.method == "POST" and current.mimetype in _FORMS and _has_nul(current.form):
        abort(400)


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    # Every name and value in one string, searched once (a quiz's form has some fifty).
    return "\x00" in "".join(chain.from_iterable(values.items(multi=True)))


def csp_nonce() -> str:
    """Return this request's nonce for inline scripts."""
    if "csp_nonce" not in g:
        _make_nonce()
    return g.csp_nonce


def _make_nonce():
    g.csp_nonce = secrets.token_urlsafe(16)


# Every response carries these; the policy's nonce is this request's.
_POLICY_BEFORE_NONCE = "default-src 'self'; script-src 'self' 'nonce-"
_POLICY_AFTER_NONCE = "'; " + "; ".join(
    [
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_FIXED_HEADERS = tuple(
    (name, name.lower(), value)
    for name, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
)


def _add_headers(response):
    headers = response.headers
    # Adding a header is cheaper than setting it (which looks for it first): set only
    # what a view set already.
    present = {name.lower() for name, _ in headers}
    # A view may set a stricter policy of its own (course images do).
    if "content-security-policy" not in present:
        nonce = g.get("csp_nonce", "")
        headers.add("Content-Security-Policy", _POLICY_BEFORE_NONCE + nonce + _POLICY_AFTER_NONCE)
    for name, lowered, value in _FIXED_HEADERS:
        if lowered in present:
            headers.set(name, value)
        else:
            headers.add(name, value)
    if headers.get("Content-Type", "").startswith("text/html"):
        add_vary(response, "Cookie")
    current = request._get_current_object()  # one look-up, not one per attribute
    if current.endpoint != "static" and _signed_in():
        if "cache-control" in present:
            headers.set("Cache-Control", "no-store")
        else:
            headers.add("Cache-Control", "no-store")
    if current.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def add_vary(response, name: str) -> None:
    """Add a name to the response's Vary header, as `response.vary.add` does, for less."""
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers.add("Vary", name)
    elif not vary:
        response.headers["Vary"] = name
    elif name.lower() not in (part.strip().lower() for part in vary.split(",")):
        response.headers["Vary"] = f"{vary}, {name}"


def _signed_in() -> bool:
    try:
        user = current_user._get_current_object()  # one look-up, not one per attribute
        return bool(user and user.is_authenticated)
    except Exception:  # the user loader can fail when the database is down (healthz)
        return False


def client_address() -> str:
    """Return the address a request came from (the proxy fix sets it behind a balancer)."""
    return request.remote_addr or "unknown"
