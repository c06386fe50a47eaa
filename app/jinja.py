"""All template wiring: the NHS.UK loader, undefined handling, asset paths, globals."""

from functools import lru_cache
from pathlib import Path

from flask import (
    Flask,
    current_app,
    get_flashed_messages,
    has_request_context,
    request,
    url_for,
)
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    Template,
)

from app import content, static_files
from app.components import render_component, render_field
from app.csrf_tokens import csrf_token
from app.domain import assignments as assignment_rules
from app.domain import certificate_scope, dates
from app.domain.accounts import PROFESSIONS, ROLE_NAMES, registration_number_hint
from app.domain.paging import page_items
from app.domain.pdf import cpd_time_in_words
from app.domain.quizzes import field_name
from app.links import join_link
from app.quiz_fields import choice_fields, error_list
from app.quiz_texts import QuizTexts
from app.security import csp_nonce
from app.site_header import SERVICE_NAME, site_header, site_header_without_account

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
        page_items=page_items,
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
    env.filters["ends"] = dates.ends
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
    at once) flashes the same words twice. "check" and "check-unanswered" messages are the
    knowledge check's own (web/learn.py reads them), never a banner.
    """
    shown: dict[str, str] = {}
    for category, message in get_flashed_messages(with_categories=True):
        if category not in ("check", "check-unanswered"):
            shown.setdefault(message, category)
    return [(category, message) for message, category in shown.items()]


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
