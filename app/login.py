"""Flask-Login wiring: a session cookie names the user and their current session token."""

from flask import Flask, Request, g, request, session
from flask_login import LoginManager, UserMixin
from flask_login.utils import _create_identifier

from app import db, idle
from app.content import catalogue
from app.domain.numbers import whole_number
from app.security import MAX_ID
from app.services import locks, signed_in_user
from app.session_cookies import SessionCookies
from app.web import quiz_forms

login_manager = LoginManager()

# Pages that read the learner's completions of the module named in their URL: the user
# and those completions are read in one statement (one round trip on PostgreSQL).
READ_WITH_COMPLETIONS = frozenset({"learn.screen"})
# A manager's pages read whom the manager sees with the user; the dashboard also the
# commonest profession among them (the framework its grid shows by default).
MANAGER_PAGES = "manage"
READ_WITH_COMMONEST = frozenset({"manage.dashboard"})
# The start page offers a supervisor their requests with how many wait: counted with the user.
READ_WITH_WAITING = frozenset({"pages.home"})
# An attempt's final submit locks the learner and the attempt with the user (on PostgreSQL).
SUBMIT = "quiz.answer"


class SignedInUser(UserMixin):
    """The signed-in user as views see it: a snapshot of the account's key columns."""

    def __init__(self, row):
        self.db_id = row.id
        self.session_token = row.session_token
        self.email = row.email
        self.full_name = row.full_name
        self.role = row.role
        self.profession = row.profession
        self.organisation_id = row.organisation_id
        # A row read by the sign-in statement says; an account just signed in is asked later.
        self.is_supervisor = bool(getattr(row, "is_supervisor", False))
        # How many requests wait for their decision, on the pages that read it (else None).
        self.waiting = getattr(row, "waiting", None)
        # Their choice of idle limit: a whole account row has it, read as they sign in
        # (app/idle.py keeps it in the session); the rows read on each request need not.
        self.long_idle_limit = bool(getattr(row, "long_idle_limit", False))

    def get_id(self) -> str:
        return f"{self.db_id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        """Say whether the user holds one of the roles."""
        return self.role in roles


def init_app(app: Flask) -> None:
    """Attach the login manager to the app, and the session cookie it reads."""
    app.session_interface = SessionCookies()
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager._session_identifier_generator = _session_identifier
    idle.init_app(app)


# (X-Forwarded-For, remote address, User-Agent) -> Flask-Login's identifier for them.
_identifiers: dict[tuple, str] = {}
MOST_IDENTIFIERS = 10_000  # past this many the store starts again


def _session_identifier() -> str:
    """Return Flask-Login's session identifier for this request, worked out once per client.

    Flask-Login checks every request's session against a SHA-512 of the client's address
    and User-Agent; a browser sends the same pair with every page, so each pair's is kept.
    """
    headers = request.headers
    key = (headers.get("X-Forwarded-For"), request.remote_addr, headers.get("User-Agent"))
    found = _identifiers.get(key)
    if found is None:
        if len(_identifiers) >= MOST_IDENTIFIERS:
            _identifiers.clear()
        found = _identifiers[key] = _create_identifier()
    return found


def stop_user_lookups() -> None:
    """Treat the visitor as signed out for the rest of this request, unless already loaded.

    Error pages call this: the database may be what failed, and asking it again for the
    user would turn a friendly error page into a bare one.
    """
    g.user_lookups_stopped = True


def session_user_id() -> int | None:
    """Return the id of the account the session cookie names, signed in now or not."""
    found, _, _token = str(session.get("_user_id", "")).partition(":")
    return whole_number(found, most=MAX_ID)


@login_manager.user_loader
def _load_user(cookie_value: str):
    if g.get("user_lookups_stopped"):
        return None
    found, _, token = cookie_value.partition(":")
    user_id = whole_number(found, most=MAX_ID)
    if user_id is None or not token:
        return None
    current = request._get_current_object()  # one look-up, not one per attribute
    try:
        if _submitting(current):
            args = current.view_args
            row = locks.sign_in_locking_attempt(
                user_id, token, args["attempt_id"], args["module_slug"]
            )
        else:
            row = signed_in_user.load_signed_in_user(
                user_id,
                token,
                completions_in=_module_read(current),
                manager_reads=_manager_reads(current),
                waiting=current.endpoint in READ_WITH_WAITING and current.method == "GET",
            )
    except Exception:
        stop_user_lookups()  # once is enough: the error page must not try again
        raise
    return SignedInUser(row) if row else None


def _submitting(current: Request) -> bool:
    """Say whether this request is an attempt's final submit on PostgreSQL.

    Its sign-in read takes the submit's locks (locks.sign_in_locking_attempt). Only once
    its CSRF token has passed: the page refusing a forged submit locks nothing.
    """
    return (
        current.endpoint == SUBMIT
        and current.method == "POST"
        and g.get("csrf_valid", False)
        and quiz_forms.submits(current)
        and db.dialect_name() == "postgresql"
    )


def _module_read(current: Request) -> str | None:
    """The slug of the module whose completions this request reads, if it names a real one.

    A URL can name anything (a NUL byte, which PostgreSQL refuses as text, say): only a
    module of the catalogue is bound into the statement; any other page is a 404 anyway.
    """
    if current.endpoint not in READ_WITH_COMPLETIONS or current.method != "GET":
        return None
    slug = current.view_args.get("module_slug", "")
    return slug if catalogue().module(slug) is not None else None


def _manager_reads(current: Request) -> str | None:
    """What a manager's page reads with the signed-in user, if this request is one."""
    if current.blueprint != MANAGER_PAGES:
        return None
    if current.endpoint in READ_WITH_COMMONEST and current.method == "GET":
        return signed_in_user.SCOPE_AND_COMMONEST
    return signed_in_user.SCOPE
