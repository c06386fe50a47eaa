"""The ceiling on failed sign-ins at one account from every address, as the sign-in form
meets it (services/sign_in_ceiling.py counts): each sign-in's place taken and given back, the
pause on browsers and addresses new to an account at its ceiling, the cookie that makes a
browser known to the accounts signed in from it (at a sign-in, a password reset or a
confirmed sign-up), and the holder's email.

The email is written and sent by a thread of its own (`_tell_once`), never by the request:
finding the holder, writing the email to the mail outbox and waiting on the mail server happen
apart from the answer and its connection, which ends as soon for an account as for an email no
account has. Once written it is an account notice like the others: one the server did not take
(down, or "try later"), or whose thread stopped before sending it, is sent by `linkwise
send-mail`. One that could not be written (the database did not answer) takes back the spell's
mark, and the next sign-in at the ceiling, paused or failed, tries again.
"""

import hashlib
import hmac
import logging
import threading
import time
from functools import wraps

from flask import Flask, current_app, g, request
from itsdangerous import BadData, URLSafeSerializer

from app import db
from app.domain.accounts import normalise_email
from app.rate_limits import limiter
from app.security import client_address
from app.services import mail_outbox, sign_in_ceiling
from app.services.sign_in_ceiling import KNOWN_FOR_DAYS, Place

__all__ = [
    "KNOWN_BROWSER",
    "Place",
    "counted",
    "pause_here",
    "remember_browser",
    "wait_for_tellers",
]

KNOWN_BROWSER = "linkwise_known_browser"
# Accounts one browser remembers, the latest kept: a practice's shared computer has several.
KEPT = 5
_DAY = 86400
_log = logging.getLogger("linkwise.rate_limits")


def counted(view):
    """Wrap the sign-in view (inside the other limits, once they had room): take a place in
    the email's count from every address, keep it if the password was wrong (mark_failed),
    give it back otherwise; the first failure kept at the ceiling tells the holder."""

    @wraps(view)
    def counting(*args, **kwargs):
        email = normalise_email(request.form.get("email", ""))[:254]
        # Off with the other limits (RATELIMIT_ENABLED), as tests exploring handlers turn them.
        if request.method != "POST" or not email or not limiter.enabled:
            return view(*args, **kwargs)
        place = g.ceiling_place = sign_in_ceiling.take(email)
        try:
            return view(*args, **kwargs)
        finally:
            if place is not None and not g.get("attempt_failed", False):
                sign_in_ceiling.give_place_back(place)
            elif place is not None and place.at_ceiling:
                _tell_once(email, place, place.taken)

    return counting


def pause_here(email: str) -> Place | None:
    """Return the place of a sign-in refused at its email's ceiling, unchecked and recorded:
    the count was full before it, and this browser and address are new to the account. None
    lets the password be checked."""
    place = g.get("ceiling_place")
    if place is None or not place.over:
        return None
    email, address = normalise_email(email), client_address()
    if _known_here(email) or sign_in_ceiling.signed_in_from(email, address):
        return None
    sign_in_ceiling.record_pause(email, address)
    _tell_once(email, place, place.taken - 1)  # told already, unless it was never written
    return place


def remember_browser(response, email: str):
    """Make this browser known to the account just signed in to, for KNOWN_FOR_DAYS from now
    (its other accounts kept, the latest KEPT); return the response."""
    today = int(time.time() // _DAY)
    kept = {name: day for name, day in _remembered().items() if day > today - KNOWN_FOR_DAYS}
    kept.pop(_name(email), None)
    latest = sorted(kept.items(), key=lambda item: item[1])[-(KEPT - 1) :]
    response.set_cookie(
        KNOWN_BROWSER,
        _serializer().dumps([*latest, (_name(email), today)]),
        max_age=KNOWN_FOR_DAYS * _DAY,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


def _known_here(email: str) -> bool:
    day = _remembered().get(_name(email))
    return day is not None and day > time.time() // _DAY - KNOWN_FOR_DAYS


def _name(email: str) -> str:
    """Return what the cookie calls an account: a keyed hash of its email, so the cookie
    does not say whose accounts were used on the browser."""
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    digest = hmac.new(key, b"known-browser:" + normalise_email(email).encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="linkwise-known-browser")


def _remembered() -> dict[str, int]:
    """Return the accounts the browser's cookie names, with the day each last signed in."""
    cookie = request.cookies.get(KNOWN_BROWSER)
    if not cookie:
        return {}
    try:
        found = _serializer().loads(cookie)
    except BadData:  # signed with another key, or changed
        return {}
    if not isinstance(found, list):
        return {}
    return {
        name: day
        for name, day in (entry for entry in found if isinstance(entry, list) and len(entry) == 2)
        if isinstance(name, str) and isinstance(day, int)
    }


def _tell_once(email: str, place: Place, failures: int) -> None:
    """Email the holder, once this spell, from a thread of its own that writes the email to
    the mail outbox and sends it (nobody, for an email no account has: the request does the
    same for both)."""
    if not sign_in_ceiling.first_to_tell(place, email):
        return
    app = current_app._get_current_object()
    teller = threading.Thread(
        target=_tell, args=(app, email, place, failures), name="linkwise-ceiling", daemon=True
    )
    _tellers(app).add(teller)
    teller.start()


def _tell(app: Flask, email: str, place: Place, failures: int) -> None:
    try:
        with app.app_context():
            try:
                notice = sign_in_ceiling.queue_notice(email, place, failures)
            except Exception as error:  # nothing written: the next sign-in at the ceiling tries
                _log.warning("could not tell of many failed sign-ins: %s", error)
                sign_in_ceiling.forget_told(place, email)
            else:
                if notice is not None:  # written: what cannot go now, send-mail sends
                    mail_outbox.send_queued([notice])
            finally:
                db.session().close()
    finally:
        _tellers(app).discard(threading.current_thread())


def _tellers(app: Flask) -> set:
    return app.extensions.setdefault("linkwise.ceiling_tellers", set())


def wait_for_tellers(app: Flask, timeout: float = 10.0) -> None:
    """Wait until the app's holder emails under way have gone or failed (tests; shutdown)."""
    deadline = time.monotonic() + timeout
    for teller in list(_tellers(app)):
        teller.join(max(0.0, deadline - time.monotonic()))
