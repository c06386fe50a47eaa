"""Flask's signed session cookie, opened (and left alone) without redoing what only changes
with the key.

Flask builds a new serializer for every request (which serialises `{}` to learn that it
writes text), then checks the cookie's signature, decompresses and parses it. A browser
sends the same cookie with every page until the session changes, so a cookie once opened
is remembered by its whole signed value: only that exact value, signed with the same
keys, skips the work, and its age is still checked against the session's lifetime.
"""

from __future__ import annotations

import time

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from app.security import add_vary

# Past this many remembered cookies the store starts again.
MOST_OPENED = 10_000


class SessionCookies(SecureCookieSessionInterface):
    """Signed-cookie sessions, as Flask's, with the serializer and opened cookies kept."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}
        # (keys, cookie value) -> (signed at, the session's items); only sessions whose
        # values are all immutable are kept, so no request can change another's copy.
        self._opened: dict[tuple, tuple[int, tuple]] = {}

    def get_signing_serializer(self, app: Flask):
        keys = _keys(app)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (_keys(app), value)
        opened = self._opened.get(key)
        if opened is not None and 0 <= int(time.time()) - opened[0] <= max_age:
            return self.session_class(opened[1])
        try:
            data, signed_at = self.get_signing_serializer(app).loads(
                value, max_age=max_age, return_timestamp=True
            )
        except BadSignature:
            return self.session_class()
        if all(isinstance(v, str | int | float | bool | None) for v in data.values()):
            if len(self._opened) >= MOST_OPENED:
                self._opened.clear()
            self._opened[key] = (int(signed_at.timestamp()), tuple(data.items()))
        return self.session_class(data)

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:
        if self.should_set_cookie(app, session):
            super().save_session(app, session, response)
            return
        # Unchanged (the cookie the browser holds stays as it is): Flask would look up
        # five cookie settings to send nothing, and add Vary: Cookie, as this does.
        if session.accessed:
            add_vary(response, "Cookie")


def _keys(app: Flask) -> tuple:
    return (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
