"""CSRF, rate limits, security headers and cache rules for every response."""

import ipaddress
import logging
import secrets
import time
from functools import wraps
from itertools import chain

from flask import Flask, abort, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect, same_origin
from itsdangerous.encoding import base64_decode, bytes_to_int
from werkzeug.routing import IntegerConverter


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
# Redis (RATELIMIT_STORAGE_URI) keeps the counts that all processes share. When it cannot
# be reached, each process counts in its own memory until it answers again (the limiter
# looks after 1, 2, 4 ... 32 seconds), so sign-in keeps working and guessing is still
# stopped; an error left over (a count added after the response) is logged, not a 500.
limiter = Limiter(key_func=get_remote_address, in_memory_fallback_enabled=True, swallow_errors=True)
_log = logging.getLogger("linkwise.rate_limits")


class _StorageNews(logging.Handler):
    """Pass on, as one warning line each, what the limiter says of its storage.

    The limiter's own logger ends in a handler that prints nothing. What an operator needs
    is when the counts go to each process's memory, when they go back to Redis, and any
    error swallowed on the way (its cause, not its traceback: an outage repeats it). The
    limiter's other news, such as each limit exceeded, is left out.
    """

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno < logging.WARNING and not message.startswith("Rate limit storage"):
            return
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        _log.warning("rate limits: %s", message)


limiter.logger.setLevel(logging.INFO)  # "Rate limit storage recovered" is an info line
limiter.logger.propagate = False  # what matters is passed on by _StorageNews, once
limiter.logger.addHandler(_StorageNews())

# The largest id a database integer column holds (PostgreSQL's integer is 32-bit signed).
MAX_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """`<int:...>` in a URL: an integer a database id can be; anything larger is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Switch on CSRF and rate limiting, refuse unreadable input, add the headers."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "valkey")):
        # Without these a hung Redis holds each limited request for the client's default
        # (5 s) and then fails it.
        timeout = app.config["RATELIMIT_TIMEOUT"]
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        )
    # Before any blueprint adds its rules: every <int:id> is then bounded.
    app.url_map.converters["int"] = DatabaseId
    csrf.init_app(app)
    _limit_writes_only(app, limiter.init_app)
    app.before_request(_refuse_control_characters)
    app.before_request(_make_nonce)
    app.after_request(_add_headers)


# Methods that only read. Every rate limit the app sets counts POSTs (app/web/throttles.py,
# the credential checks) and none applies to every request: a read has no limit to check.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_LIMITS_FOR_EVERY_REQUEST = (
    "RATELIMIT_DEFAULT",
    "RATELIMIT_APPLICATION",
    "RATELIMIT_META",
    "RATELIMIT_IN_MEMORY_FALLBACK",
)


def _limit_writes_only(app: Flask, init_limiter) -> None:
    """Run `init_limiter(app)`, then skip the hooks it added where no limit can apply.

    The limiter's three hooks (before, after, teardown) look for limits on every request:
    about 6% of a screen, and 4% of a quiz submit, whose view has none. They run for a
    request that may write to a view the limiter limits (see _may_be_limited); a limit
    set for every request (a RATELIMIT_DEFAULT, say) keeps every hook for every request.
    """
    kinds = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
    before = {kind: len(getattr(app, kind).get(None, ())) for kind in kinds}
    init_limiter(app)
    if any(app.config.get(name) for name in _LIMITS_FOR_EVERY_REQUEST):
        return
    for kind, count in before.items():
        hooks = getattr(app, kind).get(None, [])
        hooks[count:] = [
            _when_limited(hook, passes=kind == "after_request_funcs") for hook in hooks[count:]
        ]


def _when_limited(hook, *, passes: bool):
    """Wrap a limiter hook to run only where a limit may apply; elsewhere an after-request
    hook hands the response back and the others do nothing."""

    @wraps(hook)
    def when_limited(*args):
        current = request._get_current_object()  # one look-up, not one per attribute
        if current.method in _READS or not _may_be_limited(current.endpoint):
            return args[0] if passes else None
        return hook(*args)

    return when_limited


# Endpoint -> whether the limiter marked its view (decided once: views are decorated, and
# blueprints limited, while the app is built, before it serves).
_marked: dict[str | None, bool] = {}


def _may_be_limited(endpoint: str | None) -> bool:
    """Say whether a limit may apply to a write to this endpoint.

    A view limited by a decorator checks its limit in that decorator; the hooks add the
    deductions that depend on the response (deduct_when) and clear the limiter's
    per-request state after it. So they are needed where the limiter marked the view (as
    Flask-Limiter's own hook decides: by the view's qualified name), where it has learnt
    that a view calls a limited function (a hint), or where a blueprint has limits; and
    where any of this cannot be told (a newer Flask-Limiter), always.
    """
    found = _marked.get(endpoint)
    if found is None:
        found = _marked[endpoint] = _is_marked(endpoint)
    return found or limiter.limit_manager.has_hints(endpoint or "")


def _is_marked(endpoint: str | None) -> bool:
    marked = getattr(limiter, "_marked_for_limiting", None)
    blueprint_limits = getattr(limiter.limit_manager, "_blueprint_limits", None)
    if marked is None or blueprint_limits is None or blueprint_limits:
        return True
    view = current_app.view_functions.get(endpoint or "")
    return view is None or get_qualified_name(view) in marked


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


def in_shared_network(address: str) -> bool:
    """Say whether an address is in a network the deployment lists as shared by many people."""
    networks = current_app.config["SHARED_NETWORKS"]
    if not networks:
        return False
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return False
    if found.version == 6 and found.ipv4_mapped is not None:  # ::ffff:10.0.0.1 is 10.0.0.1
        found = found.ipv4_mapped
    return any(found in network for network in networks)
