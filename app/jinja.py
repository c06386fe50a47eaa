"""All template wiring: the NHS.UK loader, undefined handling, asset paths, globals."""

import json
import re
from functools import lru_cache
from pathlib import Path

from flask import (
    Flask,
    current_app,
    g,
    get_flashed_messages,
    has_request_context,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    Template,
    Undefined,
)
from markupsafe import Markup

from app import content, static_files
from app.domain import assignments as assignment_rules
from app.domain import certificate_scope, dates
from app.domain.accounts import PROFESSIONS, ROLE_NAMES, registration_number_hint
from app.domain.paging import page_numbers
from app.domain.pdf import cpd_time_in_words
from app.domain.quizzes import field_name
from app.links import join_link
from app.quiz_fields import choice_fields, error_list
from app.quiz_texts import QuizTexts
from app.security import csp_nonce

SERVICE_NAME = "Linkwise"
NHSUK_ASSETS = "nhsuk"  # folder under static/ that the build fills from npm


def configure(app: Flask) -> None:
    """Set the loader, undefined handling and globals; call before any template renders."""
    # Set on the environment itself: extensions (Flask-WTF) have already created it.
    env = app.jinja_env
    env.template_class = ImportingTemplate
    env.loader = ChoiceLoader(
        [
            FileSystemLoader(Path(app.root_path) / "templates"),
            PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    env.undefined = ChainableUndefined
    # Flask escapes only templates named .html and the like; the NHS.UK components are
    # .jinja files and expect escaping on (their README says so): without it every "text"
    # handed to a component, a learner's name included, went into the page as raw HTML.
    env.autoescape = escapes
    env.globals.update(
        service_name=SERVICE_NAME,
        professions=PROFESSIONS,
        registration_number_hint=registration_number_hint,
        asset=asset_url,
        url_for=template_url_for,
        nhsuk=render_component,
        form_field=render_field,
        site_header=site_header,
        site_header_without_account=site_header_without_account,
        screen_url=screen_url,
        join_link=join_link,
        quiz_field=field_name,
        quiz_texts=QuizTexts,
        quiz_choices=choice_fields,
        quiz_error_list=error_list,
        page_numbers=page_numbers,
        certificate_scope=certificate_scope,
        competency_named=lambda code: content.catalogue().competency(code),
        assignment_labels=assignment_rules.LABELS,
        assignment_words=lambda found: assignment_rules.in_words(found, dates.uk_today()),
        nhsuk_asset_path=lambda: url_for("static", filename=f"{NHSUK_ASSETS}/assets"),
        csrf_token=csrf_token,  # Flask-WTF's, signed once per session secret
        notices=notices,
    )
    # Flask-WTF offers its csrf_token as a global and through a context processor too.
    app.context_processor(lambda: {"cspNonce": csp_nonce(), "csrf_token": csrf_token})
    env.filters["profession"] = lambda code: PROFESSIONS.get(code, code)
    env.filters["role"] = ROLE_NAMES.__getitem__
    env.filters["cpd_words"] = cpd_time_in_words
    # Dates and times in one format everywhere a person reads them (app/domain/dates.py);
    # a template never spells a format of its own (tests/web/test_dates_read_alike.py).
    env.filters["day"] = dates.day
    env.filters["short_day"] = dates.short_day
    env.filters["month"] = dates.month
    env.filters["day_time"] = dates.day_time
    env.filters["time_of_day"] = dates.time_of_day
    env.filters["opens"] = dates.opens
    # Words kept on one line (no-break spaces): a day in a narrow column, whatever its width.
    env.filters["unbroken"] = lambda text: text.replace(" ", "\u00a0")
    # The full stop a sentence ending in a title needs, unless the title ends one itself:
    # "you have completed What is social prescribing?", not "...?." (quiz/result.html).
    env.filters["full_stop"] = lambda text: "" if str(text).rstrip()[-1:] in "?!." else "."
    # Counts as people read them: 5,001 learners, as the command line prints them.
    env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n


def escapes(template_name: str | None) -> bool:
    """Say whether a template's output is HTML-escaped: all but plain-text emails."""
    return template_name is None or not template_name.endswith(".txt")


class ImportingTemplate(Template):
    """Jinja's Template, with `{% from %}` imports that do not re-check globals every render.

    To import a macro, Jinja compares the importing context's global names with the
    imported template's, through a ChainMap, on every render; a page with six imports paid
    for that on each request. When the importer has no global the imported template lacks,
    Jinja's own answer is the cached module, so we reach it by a cheap set comparison.
    """

    _global_names: frozenset = frozenset()

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys <= self._global_names:
            self._global_names = frozenset(self.globals)  # globals may have grown since
        if ctx is not None and ctx.globals_keys <= self._global_names:
            ctx = None
        return super()._get_default_module(ctx)


def notices() -> list[tuple[str, str]]:
    """Return the page's flashed (category, message) pairs, each message once.

    A form sent twice before a page shows what it said (a double click, two tabs, requests
    at once) flashes the same words twice. "check" messages are the knowledge check's own
    (web/learn.py reads them), never a banner.
    """
    shown: dict[str, str] = {}
    for category, message in get_flashed_messages(with_categories=True):
        if category != "check":
            shown.setdefault(message, category)
    return [(category, message) for message, category in shown.items()]


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


def template_url_for(endpoint: str, **values) -> str:
    """url_for for templates: every page builds the same links, so each is built once."""
    if (
        not has_request_context()
        or endpoint.startswith(".")
        or any(
            name.startswith("_") or not isinstance(value, str | int)
            for name, value in values.items()
        )
    ):
        return url_for(endpoint, **values)
    return _url(request.script_root, endpoint, tuple(sorted(values.items())))


@lru_cache(maxsize=8192)
def _url(_script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


def asset_url(filename: str) -> str:
    """Return a static file's URL with its version (a hash of it as served): cached for a year."""
    return _asset_url(request.script_root, current_app.static_folder, filename)


@lru_cache(maxsize=1024)
def _asset_url(_script_root: str, static_folder: str, filename: str) -> str:
    return url_for("static", filename=filename, v=_content_hash(static_folder, filename))


def _content_hash(static_folder: str, filename: str) -> str:
    return static_files.version(static_folder, filename) or "missing"


def screen_url(module_slug: str, screen_slug: str) -> str:
    """Return a screen's URL; a module menu asks for many, so each is built once."""
    return _screen_url(request.script_root, module_slug, screen_slug)


@lru_cache(maxsize=4096)
def _screen_url(_script_root: str, module_slug: str, screen_slug: str) -> str:
    return url_for("learn.screen", module_slug=module_slug, screen_slug=screen_slug)


# A per-request text's place in a component's cached HTML: __NAME__, in capitals.
_PLACEHOLDER = re.compile(r"__([A-Z]+)__")


def render_component(name: str, params: dict, **substitutions: str) -> Markup:
    """Render an NHS.UK component macro, reusing the HTML for parameters seen before.

    The header and footer macros cost more than the rest of a page; their parameters
    repeat from request to request, so we render each set once. Per-request values (a CSRF
    token) go in as placeholders and are substituted afterwards, escaped, in one pass: a
    value holding another placeholder's name stays as it is.
    """
    html = RENDERED_COMPONENTS.html(name, json.dumps(params, sort_keys=True))
    if not substitutions:
        return Markup(html)
    escaped = {key: str(Markup.escape(value)) for key, value in substitutions.items()}
    html = _PLACEHOLDER.sub(lambda found: escaped.get(found[1], found[0]), html)
    return Markup(html)


def render_field(name: str, params: dict, **texts) -> Markup:
    """Render a form field's NHS.UK component, its fixed parameters' HTML rendered once.

    A form's page is read far more often than it is sent with mistakes, and its fields
    cost most of its render (each is five or six nested component templates). The field's
    own texts (what was typed, the error found) stand in `params` as __NAME__ and go into
    the cached HTML escaped, as the component escapes them; so the cache holds the form's
    labels, hints and ids, never what anyone typed. A text the component would change
    (trimmed at its ends, or indented after a line break) is rendered in full instead.
    """
    params = _defined(params)
    if _plain_values(params) and all(_plain(text) for text in texts.values()):
        return render_component(name, params, **texts)
    return _component_macro(current_app.jinja_env, name)(_filled(params, texts))  # Markup


def _defined(value):
    """Return parameters without their undefined entries, which a component reads as absent."""
    if isinstance(value, dict):
        return {
            key: _defined(item) for key, item in value.items() if not isinstance(item, Undefined)
        }
    if isinstance(value, list):
        return [_defined(item) for item in value]
    return value


def _plain_values(value) -> bool:
    """Say whether parameters survive JSON as they are: no Markup (JSON would unmark it)."""
    if isinstance(value, dict):
        return all(_plain_values(item) for item in value.values())
    if isinstance(value, list):
        return all(_plain_values(item) for item in value)
    return value is None or type(value) in (str, bool, int)


def _plain(text) -> bool:
    """Say whether a text comes out of a component as escaping alone would leave it."""
    return type(text) is str and (text == "" or text.splitlines() == [text] == [text.strip()])


def _filled(value, texts: dict):
    """Return parameters with each __NAME__ placeholder replaced by its text."""
    if isinstance(value, dict):
        return {key: _filled(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, texts) for item in value]
    if isinstance(value, str) and (found := _PLACEHOLDER.fullmatch(value)) and found[1] in texts:
        return texts[found[1]]
    return value


class RenderedComponents:
    """The HTML of NHS.UK components, by name and parameters, for every app in the process.

    A component's HTML depends on its parameters alone: the macros come from the installed
    package, and every app's environment is set up alike (configure). So one app's rendering
    serves the next: a test process builds an app per test, and each one drew every
    component afresh, several milliseconds a page. Only the HTML is kept, never an app or
    its environment; past MOST entries, it starts again.
    """

    MOST = 4096

    def __init__(self):
        self._html: dict[tuple[str, str], str] = {}

    def html(self, name: str, params_json: str) -> str:
        key = (name, params_json)
        html = self._html.get(key)
        if html is None:
            if len(self._html) >= self.MOST:
                self._html.clear()
            macro = _component_macro(current_app.jinja_env, name)
            html = self._html[key] = str(macro(json.loads(params_json)))
        return html

    def keys(self) -> list[tuple[str, str]]:
        return list(self._html)

    def clear(self) -> None:
        self._html.clear()


RENDERED_COMPONENTS = RenderedComponents()


def _component_macro(env, name: str):
    template = env.get_template(f"nhsuk/components/{name}/macro.jinja")
    return getattr(template.module, _macro_name(name))


def _macro_name(component: str) -> str:
    first, *rest = component.split("-")
    return first + "".join(part.capitalize() for part in rest)


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
            '<form class="nhsuk-header__account-form" method="post" action="{}">'
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
