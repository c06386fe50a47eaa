"""NHS.UK components rendered once per set of parameters, for every app in the process."""

import json
import re

from flask import current_app
from jinja2 import Undefined
from markupsafe import Markup

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
