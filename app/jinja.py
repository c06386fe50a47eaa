"""All template wiring: the NHS.UK loader, undefined handling, asset paths, globals."""

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from markupsafe import Markup

from app import content
from app.domain.accounts import PROFESSIONS
from app.domain.markdown import render_markdown
from app.domain.quizzes.attempts import grade, shown_questions
from app.security import csp_nonce
from app.web.quiz_forms import form_values

NHSUK_ASSETS = "nhsuk"  # folder under static/ that the build fills from npm


def configure(app: Flask) -> None:
    """Set the loader, undefined handling and globals; call before any template renders."""
    # Set on the environment itself: extensions (Flask-WTF) have already created it.
    env = app.jinja_env
    env.loader = ChoiceLoader(
        [
            FileSystemLoader(Path(app.root_path) / "templates"),
            PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    env.undefined = ChainableUndefined
    env.globals.update(
        service_name="Linkwise",
        professions=PROFESSIONS,
        asset=asset_url,
        nhsuk=render_component,
        screen_url=screen_url,
        form_values=form_values,
        shown_for_check=lambda quiz: shown_questions(
            quiz, [{"question": q.id} for q in quiz.questions]
        ),
        grade_check=lambda quiz, answers: grade(quiz, [{"question": q} for q in answers], answers),
        competency_named=lambda code: content.catalogue().competency(code),
        nhsuk_asset_path=lambda: url_for("static", filename=f"{NHSUK_ASSETS}/assets"),
    )
    app.context_processor(lambda: {"cspNonce": csp_nonce()})
    env.filters["profession"] = lambda code: PROFESSIONS.get(code, code)
    env.filters["quiz_markdown"] = quiz_markdown
    env.filters["quiz_inline"] = quiz_inline


def asset_url(filename: str) -> str:
    """Return a static file's URL with a content hash, so it can be cached for a year."""
    return url_for(
        "static", filename=filename, v=_content_hash(current_app.static_folder, filename)
    )


@cache
def _content_hash(static_folder: str, filename: str) -> str:
    path = Path(static_folder) / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return "missing"


@lru_cache(maxsize=8192)
def quiz_markdown(text: str) -> Markup:
    """Render a question's or feedback's Markdown to sanitised HTML (once per text)."""
    return Markup(render_markdown(text or "", module_slug="quiz").html)


@lru_cache(maxsize=8192)
def quiz_inline(text: str) -> Markup:
    """Render Markdown for a label or legend: paragraphs become line breaks."""
    html = render_markdown(text or "", module_slug="quiz").html.strip()
    html = html.removeprefix("<p>").removesuffix("</p>").replace("</p>\n<p>", "<br><br>")
    return Markup(html)


def screen_url(module_slug: str, screen_slug: str) -> str:
    """Return a screen's URL; a module menu asks for many, so each is built once."""
    return _screen_url(request.script_root, module_slug, screen_slug)


@lru_cache(maxsize=4096)
def _screen_url(_script_root: str, module_slug: str, screen_slug: str) -> str:
    return url_for("learn.screen", module_slug=module_slug, screen_slug=screen_slug)


def render_component(name: str, params: dict, **substitutions: str) -> Markup:
    """Render an NHS.UK component macro, reusing the HTML for parameters seen before.

    The header and footer macros cost more than the rest of a page; their parameters
    repeat from request to request, so we render each set once. Per-request values (a CSRF
    token) go in as placeholders and are substituted afterwards, escaped.
    """
    html = _render_component(current_app.jinja_env, name, json.dumps(params, sort_keys=True))
    for placeholder, value in substitutions.items():
        html = html.replace(f"__{placeholder}__", str(Markup.escape(value)))
    return Markup(html)


@lru_cache(maxsize=2048)
def _render_component(env, name: str, params_json: str) -> str:
    macro = getattr(
        env.get_template(f"nhsuk/components/{name}/macro.jinja").module, _macro_name(name)
    )
    return str(macro(json.loads(params_json)))


def _macro_name(component: str) -> str:
    first, *rest = component.split("-")
    return first + "".join(part.capitalize() for part in rest)
