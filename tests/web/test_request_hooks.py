"""Per-request shortcuts give what the work they skip would have given."""

from flask import request
from flask_login.utils import _create_identifier

from app.compression import accepts_gzip
from app.login import _session_identifier

CLIENTS = [
    {},
    {"User-Agent": "Mozilla/5.0 Firefox/133.0"},
    {"User-Agent": "Mozilla/5.0 Safari/605", "X-Forwarded-For": "198.51.100.4, 10.0.0.2"},
    {"User-Agent": "Navigateur ünïcode"},
]


def test_the_session_identifier_is_flask_logins_for_every_client(app):
    seen = set()
    for headers in CLIENTS:
        for _ in range(2):  # worked out, then remembered
            client = {"REMOTE_ADDR": "192.0.2.7"}
            with app.test_request_context(headers=headers, environ_base=client):
                assert _session_identifier() == _create_identifier()
                seen.add(_session_identifier())
    assert len(seen) == len(CLIENTS)


def test_gzip_is_accepted_as_the_header_says(app):
    for value in (None, "gzip", "gzip, deflate, br", "gzip;q=0", "*", "identity", "br"):
        headers = {} if value is None else {"Accept-Encoding": value}
        with app.test_request_context(headers=headers):
            assert accepts_gzip() is bool(request.accept_encodings["gzip"]), value


def test_the_limiter_hooks_run_for_every_view_with_a_limit_and_no_other(app):
    from flask_limiter.util import get_qualified_name

    from app.rate_limits import _may_be_limited, limiter

    limits = limiter.limit_manager.decorated_limits
    limited = {e for e, view in app.view_functions.items() if limits(get_qualified_name(view))}
    with app.app_context():
        assert {"auth.sign_in", "auth.register", "account.account", "credentials.check"} <= limited
        assert {e for e in app.view_functions if _may_be_limited(e)} == limited
