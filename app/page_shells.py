"""Pages rendered once and reused: the same HTML for everyone, with each request's parts put in.

A screen is the same page for every learner but for a few parts: the header (their name),
the progress line, the module menu, the CSRF token and the script nonce. Rendering the
NHS.UK layout and its macros is most of what a screen costs, so the page is rendered once
per key with a marker where each of those parts goes, and a request joins the pieces with
its own parts: the HTML is the same as a full render (tests/web/test_page_shells.py).

The shell never holds anything of the request that rendered it: it is rendered in an app
and request context of its own, with no cookie and an empty session, so the visitor there
is signed out; the page it is given carries no learner's state (the caller's job: see
`app/web/learn.py`). A part the caller forgot would render as a signed-out visitor sees it,
which the tests catch, rather than as the first visitor sees it, for everyone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from flask import current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app import content
from app.csrf_tokens import csrf_token
from app.security import csp_nonce
from app.site_header import site_header

EXTENSION = "linkwise.page_shells"
# Shells kept per app; past this the store starts again (a dev server editing content
# makes new versions of every screen; production has one version).
MOST_SHELLS = 2048
MOST_SHARED_PARTS = 256  # a shell's shared parts (a menu per way through the module, say)
# Unguessable and never in content: a NUL byte is refused in any input and in Markdown.
_PREFIX = f"\x00{secrets.token_hex(8)}:"
_MARKER = re.compile(re.escape(_PREFIX) + r"(\w+)\x00")


@dataclass(frozen=True)
class Part:
    """One request's part of a page: `render()` gives its HTML.

    With a `key`, the part is rendered once per shell and key and shared by every request
    with both: the key must then hold everything the part shows that the shell's key does
    not (a module menu: each screen's state), never who is asking.
    """

    render: Callable[[], str]
    key: Hashable | None = None


class _Shell:
    """A page's pieces (text, part name, text, ...), and its shared parts by key."""

    def __init__(self, key: tuple, pieces: list[str]) -> None:
        self.key = key  # held, so the ids standing for its objects name no other object
        self.pieces = pieces
        self.parts: dict[tuple, str] = {}

    def fill(self, parts: Mapping[str, Part]) -> str:
        html = []
        for index, piece in enumerate(self.pieces):
            if index % 2 == 0:
                html.append(piece)
                continue
            part = parts[piece]
            if part.key is None:
                html.append(str(part.render()))
                continue
            found = self.parts.get((piece, part.key))
            if found is None:
                if len(self.parts) >= MOST_SHARED_PARTS:
                    self.parts.clear()
                found = self.parts[piece, part.key] = str(part.render())
            html.append(found)
        return "".join(html)


def render_around(
    template: str,
    key: tuple,
    parts: Mapping[str, Part],
    shell_context: Callable[[], dict],
    **context,
) -> str:
    """Render `template` from its shell for `key`, putting this request's `parts` in.

    `key` says what the shell depends on besides the template: objects in it are compared
    by identity (a content version is a new catalogue, so new objects), other values by
    equality. `shell_context()` gives what renders the shell: nothing of one learner. The
    template gets `parts` (a name to its HTML, or a marker) and shows them where they go.
    `context` is for a full render, used when a flash message or content errors (which
    belong to this request) are due, which then shows the parts as rendered now.
    """
    if (
        "_flashes" in session
        or content.errors()
        or not current_app.config.get("PAGE_SHELLS", True)  # tests compare with a full render
    ):
        values = {name: Markup(part.render()) for name, part in parts.items()}
        return render_template(template, parts=values, **context)
    shells = current_app.extensions.setdefault(EXTENSION, {})
    identity = (template, request.script_root, *(_identity(k) for k in key))
    shell = shells.get(identity)
    if shell is None:
        if len(shells) >= MOST_SHELLS:
            shells.clear()
        shell = shells[identity] = _Shell(key, _render_shell(template, parts, shell_context()))
    return shell.fill(
        {
            "header": Part(site_header),
            "csrf": Part(csrf_token),
            "nonce": Part(csp_nonce),
            **parts,
        }
    )


def _identity(value):
    if value is None or isinstance(value, str | int | float | bool | tuple):
        return value
    return ("id", id(value))


def _render_shell(template: str, parts: Mapping[str, Part], context: dict) -> list[str]:
    """Render the page with markers for its parts, as a signed-out visitor with no cookie."""
    app = current_app._get_current_object()
    with app.app_context(), app.test_request_context(request.path, base_url=request.root_url):
        html = render_template(
            template,
            parts={name: _marker(name) for name in parts},
            site_header=lambda: _marker("header"),
            cspNonce=_marker("nonce"),
            **context,
        )
        # The CSRF token of this context's own empty session, never a visitor's.
        html = html.replace(generate_csrf(), _marker("csrf"))
    return _MARKER.split(html)


def _marker(name: str) -> Markup:
    return Markup(f"{_PREFIX}{name}\x00")
