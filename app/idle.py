"""Signing out after a time without use, as well as 24 hours after signing in.

Learners share clinical workstations: a session left open must not let whoever sits down
next act in the learner's name for hours. A signed-in session holds, in its cookie, when
it signed in and when it was last active (whole seconds). A request more than the idle
limit after the last activity, or more than the session lifetime after signing in, comes
from someone signed out: `check` says so, and app/web/idle.py signs the session out (its
cookie is replaced with one naming nobody) and answers.

The last-active stamp moves only once a minute has passed since it was set, so the cookie
is signed again at most once a minute, not with every response (app/session_cookies.py
keeps an opened cookie by its value, and a browser sends the same one until it changes).

Each person may choose a limit ten times the usual (their account page), which WCAG 2.2.1
(Timing Adjustable) asks for; with JavaScript, static/js/idle.mjs warns two minutes before
the limit and offers to stay signed in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, current_app, g, session, url_for
from flask_login import user_logged_in

ACTIVE_AT = "active_at"
SIGNED_IN_AT = "signed_in_at"
LONG_LIMIT = "idle_long"
USER = "_user_id"  # Flask-Login's key: someone is signed in
# Seconds between moves of the last-active stamp (each move signs the cookie again).
REFRESH_AFTER = 60
# The longer limit a person may choose: WCAG 2.2.1 asks for at least ten times the usual.
LONGER = 10
# How long before the limit static/js/idle.mjs warns (WCAG 2.2.1 asks for at least 20 s).
WARNING = 120


@dataclass(frozen=True)
class Standing:
    """Where a signed-in session stands: signed out or not, and how long it has left."""

    expired: bool
    left: int  # seconds until signed out, if nothing is done
    renewable: bool  # activity puts the end off (False: the lifetime ends first)
    minutes: int  # the idle limit that applies, in minutes
    by_lifetime: bool = False  # ended by the lifetime since sign-in, not by idling


def standing(
    now: int, active_at: int, signed_in_at: int, limit: int, lifetime: int, minutes: int
) -> Standing:
    """Return where a session stands at `now` (all in seconds).

    A stamp a little ahead of `now` (another server's clock) counts as now: it was signed.
    """
    idle_left = limit - max(0, now - active_at)
    lifetime_left = lifetime - max(0, now - signed_in_at)
    if lifetime_left < 0:
        return Standing(True, 0, False, minutes, by_lifetime=True)
    if idle_left < 0:
        return Standing(True, 0, False, minutes)
    return Standing(False, min(idle_left, lifetime_left), idle_left <= lifetime_left, minutes)


def init_app(app: Flask) -> None:
    """Stamp each sign-in with its time and the person's chosen limit; let pages say how long
    a session lasts (`session_lifetime`, e.g. "24 hours")."""
    user_logged_in.connect(_signed_in, app)
    lifetime = int(app.permanent_session_lifetime.total_seconds()) // 60
    app.jinja_env.globals["session_lifetime"] = duration(lifetime)


def now() -> int:
    """Return the time in whole seconds (tests move it with time.time)."""
    return int(time.time())


def limit_minutes(long: bool) -> int:
    """Return the idle limit in minutes: the service's, or ten times it for a longer one."""
    minutes = current_app.config["IDLE_MINUTES"]
    return minutes * LONGER if long else minutes


def lifetime_seconds() -> int:
    """Return how long a session lasts from signing in, however it is used (24 hours)."""
    return int(current_app.permanent_session_lifetime.total_seconds())


def duration(minutes: int) -> str:
    """Return a limit as people read it: "30 minutes", "5 hours", "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _signed_in(_app, user, **_extra) -> None:
    at = now()
    session[SIGNED_IN_AT] = at
    session[ACTIVE_AT] = at
    session[LONG_LIMIT] = bool(getattr(user, "long_idle_limit", False))


def check() -> Standing | None:
    """Return where this request's session stands, None when nobody is signed in.

    A session still going has its last-active stamp moved if a minute has passed since it
    was set; an expired one is left for the caller to sign out (app/web/idle.py).
    """
    if USER not in session:  # `in` leaves the session unread: no Vary: Cookie for that
        return None
    at = now()
    active_at, signed_in_at = session.get(ACTIVE_AT), session.get(SIGNED_IN_AT)
    if not isinstance(active_at, int) or not isinstance(signed_in_at, int):
        # A session signed in before idle limits (or from another version): from now on.
        session[ACTIVE_AT] = active_at = at
        session[SIGNED_IN_AT] = signed_in_at = at
    minutes = limit_minutes(bool(session.get(LONG_LIMIT)))
    found = standing(at, active_at, signed_in_at, minutes * 60, lifetime_seconds(), minutes)
    if not found.expired and at - active_at >= REFRESH_AFTER:
        return keep_active(at)
    return found


def keep_active(at: int | None = None) -> Standing:
    """Mark the session active now (Stay signed in, or a minute since the last stamp)."""
    at = now() if at is None else at
    session[ACTIVE_AT] = at
    minutes = limit_minutes(bool(session.get(LONG_LIMIT)))
    signed_in_at = session.get(SIGNED_IN_AT, at)
    return standing(at, at, signed_in_at, minutes * 60, lifetime_seconds(), minutes)


def choose_long_limit(long: bool) -> None:
    """Apply a person's chosen limit to this session (their account holds it for the next)."""
    session[LONG_LIMIT] = long
    session[ACTIVE_AT] = now()


def left_value(found: Standing) -> str:
    """Return the seconds a session has left as static/js/idle.mjs reads them: with "final"
    when the session's lifetime ends first (Stay signed in cannot put that off)."""
    return f"{found.left}" if found.renewable else f"{found.left} final"


def page_attributes() -> str:
    """Return the sign-out form's attributes that tell static/js/idle.mjs the time left."""
    found = g.get("idle_standing")
    if found is None or found.expired:
        return ""
    stay = url_for("idle.stay_signed_in")
    left = left_value(found)
    lifetime = duration(lifetime_seconds() // 60)
    return (
        f' data-idle-left="{left}" data-idle-warning="{WARNING}" data-idle-stay="{stay}"'
        f' data-idle-lifetime="{lifetime}"'
    )
