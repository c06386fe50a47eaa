"""The NHS header: account links and navigation for a kind of viewer on a page."""

import json
from functools import lru_cache

from flask import g, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from app.components import RENDERED_COMPONENTS
from app.csrf_tokens import csrf_token
from app.idle import page_attributes

SERVICE_NAME = "Linkwise"


def site_header() -> Markup:
    """Return the NHS header: account links and navigation for this user on this page."""
    user = current_user._get_current_object()  # one look-up, not one per attribute
    if not user.is_authenticated:
        # A server error's page may not ask the database who is signed in (errors.py): to
        # a visitor whose session names someone it offers neither "Sign in" nor "Sign out".
        unknown = g.get("user_lookups_stopped") and session.get("_user_id")
        viewer = UNKNOWN_VIEWER if unknown else None
        return Markup(_site_header(request.script_root, request.endpoint, viewer))
    # Whether they supervise is read with the user (signed_in_user): no statement more, and
    # part of the key, so a supervisor's header is never served to anyone else.
    viewer = (user.full_name, user.role, user.organisation_id is not None, user.is_supervisor)
    html = _site_header(request.script_root, request.endpoint, viewer)
    html = html.replace(" __IDLE__", page_attributes())  # the time left to the idle sign-out
    return Markup(html.replace("__CSRF__", str(Markup.escape(csrf_token()))))


def site_header_without_account() -> Markup:
    """Return the NHS header with no account links, for a page that cannot tell who is asking.

    The service-unavailable page: signed-out links there would read as "you were signed
    out", and signed-in ones would offer what cannot work until the service is back.
    """
    return Markup(_site_header(request.script_root, request.endpoint, UNKNOWN_VIEWER))


# The viewer of a page that cannot say whether anyone is signed in.
UNKNOWN_VIEWER = ()


@lru_cache(maxsize=4096)
def _site_header(_script_root: str, endpoint: str | None, viewer: tuple | None) -> str:
    """Build the header for a page and a kind of viewer (name, role, has an organisation,
    supervises in it).

    No viewer is a visitor signed out; UNKNOWN_VIEWER gets no account links at all.
    """
    section = (endpoint or "").partition(".")[0]
    nav = [("pages.home", "Home", endpoint == "pages.home")]
    if viewer == UNKNOWN_VIEWER:
        account = []
    elif viewer is None:
        account = [{"href": url_for("auth.sign_in"), "text": "Sign in", "icon": True}]
        nav.append(("auth.register", "Register", endpoint == "auth.register"))
    else:
        name, role, has_organisation, supervises = viewer
        sign_out = Markup(
            '<form class="nhsuk-header__account-form" method="post" action="{}" __IDLE__>'
            '<input type="hidden" name="csrf_token" value="__CSRF__">'
            '<button class="nhsuk-header__account-button">Sign out</button></form>'
        ).format(url_for("auth.sign_out"))
        account = [
            {"href": url_for("account.account"), "text": name, "icon": True},
            {"html": str(sign_out)},
        ]
        learning = section in ("learn", "quiz", "certificates") or endpoint == "my.record_page"
        nav.append(("learn.my_learning", "My learning", learning))
        nav.append(("my.competencies", "My competencies", endpoint == "my.competencies"))
        if supervises:  # the requests learners sent them: otherwise only an email led there
            nav.append(("supervise.queue", "Confirm practice", section == "supervise"))
    nav.append(("competencies.framework", "Competencies", section == "competencies"))
    if viewer and viewer[1] in ("manager", "admin") and viewer[2]:
        nav.append(("manage.dashboard", "Your organisation", section == "manage"))
    if viewer and viewer[1] in ("trainer", "admin"):
        # Every page of a quiz (its bank, preview and figures) is under Quizzes.
        quizzes = (endpoint or "").startswith(
            (
                "author.quizzes",
                "author.items",
                "author.bank",
                "author.preview",
                "author.start_preview",
                "author.submit_preview",
                "author.confirm_preview",
            )
        )
        nav.append(("author.quizzes", "Quizzes", quizzes))
        nav.append(("author.coverage_page", "Coverage", section == "author" and not quizzes))
    if viewer and viewer[1] == "admin":
        nav.append(("admin.audit_log", "Audit log", section == "admin"))
        nav.append(("credential_admin.find", "Credentials", section == "credential_admin"))
        nav.append(("people_admin.people", "People", section == "people_admin"))
        nav.append(
            ("organisation_admin.organisations", "Organisations", section == "organisation_admin")
        )
        nav.append(("emails_admin.refused", "Emails refused", section == "emails_admin"))
    params = {
        "service": {"text": SERVICE_NAME, "href": url_for("pages.home")},
        "logo": {"ariaLabel": "Linkwise homepage"},
        "account": {"items": account} if account else None,
        "navigation": {
            "items": [
                {"href": url_for(target), "text": text, "current": current}
                for target, text, current in nav
            ]
        },
    }
    return RENDERED_COMPONENTS.html("header", json.dumps(params, sort_keys=True))
