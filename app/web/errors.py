"""Error pages: NHS-styled, JSON for clients that ask for it, and never needing the database.

An error page must render when the database is the thing that failed: the handlers stop
the signed-in user from being looked up again (a 500 page's header then has no account
links unless the user was already loaded, or the visitor's session names nobody; the 503
page's has none at all), and
a database outage answers 503 with Retry-After and one log line, not a traceback per
request; a streamed download it cuts short is cut off, with that line.
"""

import errno
import logging
import secrets
import time
from collections.abc import Iterable, Iterator

from flask import Flask, jsonify, render_template, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from app import db, login
from app.db.watchdog import commit_outcome_unknown
from app.domain.accounts import normalise_email
from app.rate_limits import limiter
from app.security import client_address
from app.services import audit
from app.web import throttles, typed
from app.web.credentials import too_large_upload

log = logging.getLogger("linkwise.errors")

RETRY_AFTER_OUTAGE = 30  # seconds; a restart or failover usually takes about this long

# What the database raises when it is down, unreachable, too slow or out of connections.
OUTAGES = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
# A write refused because the server only reads (a primary demoted in a failover, or
# default_transaction_read_only set while the database is moved) counts as one too: reads
# still work, and a write waits for the failover like any other outage (only bookkeeping
# beside a read is left unwritten then: app/db/read_only.py).


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(400, bad_request)
    app.register_error_handler(413, too_large)
    app.register_error_handler(CSRFError, bad_csrf)
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, method_not_allowed)
    app.register_error_handler(429, too_many)
    app.register_error_handler(503, unavailable)
    for outage in OUTAGES:
        app.register_error_handler(outage, database_unavailable)
    app.register_error_handler(sa_exc.InternalError, _read_only_database)
    app.register_error_handler(500, server_error)
    app.after_request(_cut_off_on_outage)


def is_outage(error: BaseException) -> bool:
    """Say whether a database error means the database is out of reach or only reading."""
    return isinstance(error, OUTAGES) or db.refused_as_read_only(error)


def wants_json() -> bool:
    """Say whether the client asked for JSON (the quiz's autosave does)."""
    return request.accept_mimetypes.best == "application/json"


def _answer(template: str, status: int, message: str, headers=None, **context):
    if status >= 500:
        # The database may be what failed: the page must not ask it who is signed in.
        login.stop_user_lookups()
    if wants_json():
        return jsonify(error=message), status, headers or {}
    return render_template(template, **context), status, headers or {}


def bad_request(_error):
    return _answer("errors/400.html", 400, "the request could not be read")


def too_large(error):
    """Answer a request past the largest read: a credential's check page says so beside the
    file input (the NHS error pattern); any other request is one that could not be read."""
    if request.endpoint == "credentials.check" and not wants_json():
        return too_large_upload()
    return bad_request(error)


# Areas only a signed-in person reaches: a form from one whose session holds nobody was
# sent after signing out (in another tab of the same browser, say).
SIGNED_IN_AREAS = frozenset(
    {"account", "admin", "author", "certificates", "credential_admin", "learn", "manage", "my"}
    | {"practice", "quiz"}
)


def bad_csrf(_error):
    if request.blueprint in SIGNED_IN_AREAS and "_user_id" not in session:
        message = "you have been signed out: sign in again, then reopen this page"
        return _answer("errors/csrf.html", 400, message, signed_out=True)
    return _answer("errors/csrf.html", 400, "the form was out of date: reload the page")


def not_found(error, template: str = "errors/404.html", **context):
    """Answer 404 with the not-found page, or an area's own version of it (`template`)."""
    status = error.code if isinstance(error, HTTPException) else 404
    return _answer(template, status, "not found", **context)


def method_not_allowed(error):
    # The Allow header names the methods the page takes (Werkzeug's own headers carry it).
    allow = {k: v for k, v in error.get_headers() if k == "Allow"}
    return _answer("errors/405.html", 405, "this page cannot take that request", allow)


def too_many(_error):
    _audit_throttle()
    wait = retry_after_seconds()
    return _answer(
        "errors/429.html",
        429,
        "too many attempts: wait and try again",
        {"Retry-After": str(wait)},
        minutes=max(1, -(-wait // 60)),
        per_address=throttles.report_refusal(),
        counted=throttles.counted_by(),
    )


def _audit_throttle() -> None:
    """Record a throttled request: repeated ones show an attack on an account or a form."""
    kind = "sign_in.throttled" if request.endpoint == "auth.sign_in" else "request.throttled"
    try:
        session = db.session()
        audit.record(
            session,
            kind,
            email=normalise_email(request.form.get("email", "")) or None,
            address=client_address(),
            endpoint=request.endpoint or "",
        )
        session.commit()
    except Exception:  # the answer must not depend on the log; the database may be down
        log.warning("could not record a throttled request", exc_info=False)


def retry_after_seconds() -> int:
    """Return how long until the limit that was hit lets the client try again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))


def unavailable(error):
    kept = [] if wants_json() else typed.typed_in_form()
    headers = {"Retry-After": str(RETRY_AFTER_OUTAGE)}
    if kept:
        headers["Cache-Control"] = "no-store"  # what someone typed is theirs alone
    return _answer(
        "errors/503.html",
        503,
        "the service is unavailable: try again shortly",
        headers,
        typed=kept,
        form_page=typed.form_page() if kept else None,
        # The database stopped answering during the COMMIT: what was sent may be saved.
        maybe_saved=commit_outcome_unknown(error),
    )


def shown_again(error: Exception, page):
    """Answer an outage met while saving a form with its page, filled in as it was sent.

    `page()` renders the page from the database: while it only reads, it can, and the
    answer is that page as a 503 with Retry-After (its template says nothing was saved).
    When it cannot be read either, or `error` is no outage, `error` goes on to its handler,
    whose 503 page still shows what was typed.
    """
    if not is_outage(error):
        raise error
    try:
        db.session().rollback()
        body, _status = page()
    except Exception as again:
        if is_outage(again):
            raise error from None
        raise
    log_outage(error, request.method, request.path)
    headers = {"Retry-After": str(RETRY_AFTER_OUTAGE), "Cache-Control": "no-store"}
    return body, 503, headers


def database_unavailable(error):
    log_outage(error, request.method, request.path)
    return unavailable(error)


def log_outage(error: BaseException, method: str, path: str) -> None:
    """Log a request the database failed, in one line: the driver's cause, no traceback.

    An outage fails every request, and thousands of tracebacks hide everything else in the
    log; SQLAlchemy's own message would add the statement and its values (learners' ids).
    """
    cause = getattr(error, "orig", None) or error
    first_line = str(cause).strip().splitlines() or [""]
    log.warning(
        "database unavailable: %s %s: %s: %s",
        method,
        path,
        type(cause).__name__,
        first_line[0][:200],
    )


class DownloadCut(ConnectionResetError):
    """A streamed download stopped because the database failed after it began.

    A reset connection is what WSGI servers take as the client gone: gunicorn and Werkzeug
    close it without the last chunk of a chunked response (so the client sees the download
    fail) and log nothing more than a debug line.
    """

    def __init__(self):
        super().__init__(errno.ECONNRESET, "the database failed during a streamed download")


# The last line of a CSV download the database cut short: shown by whatever opens the part
# that arrived, where an HTTP/1.0 proxy could pass the cut off as the end.
CSV_CUT_SHORT = (
    b'\r\n"This download stopped early because the service became unavailable. '
    b'It is not complete: download it again."\r\n'
)


def _cut_off_on_outage(response):
    # Headers and the first chunks of a streamed response are sent before the rest is
    # read: a 503 can no longer be given, so the download is cut off instead.
    # A file sent as it is (send_file: a static file, a package) is not the database's.
    if response.is_streamed and not response.direct_passthrough:
        mark = CSV_CUT_SHORT if response.mimetype == "text/csv" else b""
        response.response = _until_outage(response.response, request.method, request.path, mark)
    return response


def _until_outage(chunks: Iterable, method: str, path: str, mark: bytes) -> Iterator:
    try:
        yield from chunks
    except Exception as error:
        if not is_outage(error):
            raise
        log_outage(error, method, path)
        if mark:
            yield mark
        raise DownloadCut() from None


def _read_only_database(error):
    if is_outage(error):
        return database_unavailable(error)
    raise error  # any other internal error is a 500, as if this handler were not here


def server_error(error):
    original = getattr(error, "original_exception", None) or error
    if is_outage(original):
        return database_unavailable(original)
    reference = secrets.token_hex(4).upper()
    log.error("error reference %s", reference, exc_info=original)
    return _answer(
        "errors/500.html", 500, f"server error, reference {reference}", reference=reference
    )
