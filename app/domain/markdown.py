"""Render trainer Markdown to safe HTML in NHS.UK design system markup.

Python-Markdown builds the tree, `markdown_nhsuk` reshapes it into NHS.UK components,
and nh3 then sanitises the HTML against an explicit allow-list. Sanitising comes last,
so nothing an extension does can let unsafe markup through.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import nh3

from .problems import Problem

if TYPE_CHECKING:
    import markdown as python_markdown

    from .markdown_layout import QuizLayout
    from .markdown_nhsuk import NhsukExtension
    from .markdown_source import Reference

LinkKind = Literal["screen", "module"]

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "a",
    "img",
    "figure",
    "figcaption",
    "sup",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "div",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "aria-label"},
    "div": {"aria-label"},  # a table's box, named by the table's own words
    "img": {"src", "alt"},
    "li": {"id"},
    "sup": {"id"},
}
# Attributes allowed only with these exact values.
ALLOWED_ATTRIBUTE_VALUES = {
    "a": {"rel": {"noopener"}, "target": {"_blank"}},
    "th": {"scope": {"col", "row"}},
    # A table's box is a region the keyboard reaches (app/domain/markdown_tables.py).
    "div": {"role": {"region"}, "tabindex": {"0"}},
}
ALLOWED_CLASSES = {
    "div": {
        "lw-table-scroll",
        "nhsuk-inset-text",
        "nhsuk-warning-callout",
        "nhsuk-card",
        "nhsuk-card--feature",
        "nhsuk-card__content",
        "nhsuk-card__content--feature",
        "lw-reflect",
        "lw-references",
        "lw-question__more",
        "lw-question__before",
    },
    "h3": {
        "nhsuk-heading-s",
        "nhsuk-warning-callout__label",
        "nhsuk-card__heading",
        "nhsuk-card__heading--feature",
    },
    "span": {"nhsuk-u-visually-hidden"},
    "table": {"nhsuk-table"},
    "caption": {"nhsuk-table__caption"},
    "thead": {"nhsuk-table__head"},
    "tbody": {"nhsuk-table__body"},
    "tr": {"nhsuk-table__row"},
    "th": {"nhsuk-table__header"},
    "td": {"nhsuk-table__cell"},
    "figure": {"nhsuk-image"},
    "img": {"nhsuk-image__img"},
    "figcaption": {"nhsuk-image__caption"},
}
EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# A URL's scheme as the sanitiser reads it (the WHATWG URL rules): after leading spaces and
# control characters, with tabs and newlines taken out; an address without one is relative.
URL_SCHEME = re.compile(r"^[\x00-\x20]*([A-Za-z][A-Za-z0-9+.-]*):")
_renderers = threading.local()  # Markdown instances are not safe to share between threads
# Built once: nh3.clean() converts the allow-lists above into the sanitiser's own on every call.
_sanitiser = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    # rel="noopener" is set on external links only, by the tree processor.
    link_rel=None,
    strip_comments=True,
)


class LinkResolver(Protocol):
    """Turn course addresses into URLs; the web layer may supply its own."""

    def module_url(self, module_slug: str) -> str: ...

    def screen_url(self, module_slug: str, screen_slug: str) -> str: ...

    def media_url(self, module_slug: str, filename: str) -> str: ...


class PathLinks:
    """The site's fixed URL scheme: /modules/<module>/<screen>/ and .../media/<file>."""

    def module_url(self, module_slug: str) -> str:
        """Return the URL of a module page."""
        return f"/modules/{module_slug}/"

    def screen_url(self, module_slug: str, screen_slug: str) -> str:
        """Return the URL of a screen."""
        return f"/modules/{module_slug}/{screen_slug}/"

    def media_url(self, module_slug: str, filename: str) -> str:
        """Return the URL of an image stored in a module folder."""
        return f"/modules/{module_slug}/media/{filename}"


@dataclass(frozen=True)
class InternalLink:
    """A `screen:` or `module:` link, kept so the loader can check its target exists."""

    kind: LinkKind
    module_slug: str
    screen_slug: str | None
    line: int
    target: str


@dataclass(frozen=True)
class ImageReference:
    """An image the Markdown shows, kept so the loader can check the file exists."""

    src: str
    alt: str
    line: int
    is_local: bool


@dataclass(frozen=True)
class RenderedMarkdown:
    """Safe HTML plus what the loader needs to check links and images."""

    html: str
    links: tuple[InternalLink, ...]
    images: tuple[ImageReference, ...]
    problems: tuple[Problem, ...]


def render_markdown(
    text: str,
    *,
    module_slug: str,
    link_resolver: LinkResolver | None = None,
    path: str = "<markdown>",
    first_line: int = 1,
    quiz_part: str | None = None,
    layout: QuizLayout | None = None,
    later_screens: Collection[str] = (),
) -> RenderedMarkdown:
    """Render Markdown to sanitised NHS.UK HTML, reporting problems at file lines.

    `quiz_part` names the part of a question a quiz text is ("question", "choice",
    "feedback"), for messages about it; quizzes show no images. `layout` fits a quiz
    text to its place on a page (app/domain/quiz_markdown.py). `later_screens` are the
    module's screens a learner may not have opened yet when reading this text: a link to
    one is shown as its words alone, with a warning (app/domain/markdown_nhsuk.py).
    """
    renderer, nhsuk = _renderer()
    renderer.reset()
    nhsuk.begin(
        module_slug=module_slug,
        links=link_resolver or PathLinks(),
        source=text,
        path=path,
        first_line=first_line,
        quiz_part=quiz_part,
        layout=layout,
        later_screens=frozenset(later_screens),
    )
    try:
        converted = renderer.convert(text)
    except RecursionError:
        # Thousands of nested list or quote markers exhaust Python-Markdown's recursion.
        _renderers.current = None  # cut short, it may hold state that reset() misses
        problem = Problem(path, first_line, "error", "text is nested too deeply to show")
        return RenderedMarkdown("", (), (), (problem,))
    # Stripped raw HTML can leave empty paragraphs behind.
    html = EMPTY_PARAGRAPH.sub("", sanitise(converted))
    found = nhsuk.found
    return RenderedMarkdown(
        html=html,
        links=tuple(_internal_link(r) for r in found.references if r.kind != "image"),
        images=tuple(
            ImageReference(r.target, r.alt, r.line, r.is_local)
            for r in found.references
            if r.kind == "image"
        ),
        problems=tuple(found.problems),
    )


def _renderer() -> tuple[python_markdown.Markdown, NhsukExtension]:
    """Return this thread's Markdown instance and its NHS.UK extension, made once.

    Building a Markdown instance (its processors and their patterns) took about 0.1 ms, 7% of
    rendering a screen; one instance per thread, reset before each text, does the same work.
    """
    current = getattr(_renderers, "current", None)
    if current is None:
        current = _renderers.current = build_renderer()
    return current


def build_renderer(*, quick: bool = True) -> tuple[python_markdown.Markdown, NhsukExtension]:
    """Build a Markdown instance with our extensions, and its NHS.UK extension.

    `quick` swaps in the inline pass and block tests that skip what cannot match: the same
    HTML for 40% less time (app/domain/markdown_inline.py, app/domain/markdown_blocks.py).
    Python-Markdown is imported here, on the first render: an app started from stored
    content (app/content_cache.py) renders no screen, and skips importing it.
    """
    import markdown as python_markdown
    from markdown.extensions.admonition import AdmonitionExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.tables import TableExtension

    from .markdown_blocks import use_quick_tests
    from .markdown_inline import use_skipping_inline
    from .markdown_nhsuk import NhsukExtension

    nhsuk = NhsukExtension(
        module_slug="", links=PathLinks(), source="", path="<markdown>", first_line=1
    )
    renderer = python_markdown.Markdown(
        # Instances, not names: a name is looked up among every installed package's entry
        # points, which took longer than building the instance.
        extensions=[
            TableExtension(),
            AdmonitionExtension(),
            FootnoteExtension(BACKLINK_TEXT="&#8617;"),
            nhsuk,
        ],
        output_format="html",
    )
    if quick:
        use_skipping_inline(renderer)
        use_quick_tests(renderer.parser)
    return renderer, nhsuk


def sanitise(html: str) -> str:
    """Keep only the tags, attributes, classes and URL schemes our Markdown produces."""
    return _sanitiser.clean(html)


def stripped_scheme(href: str) -> str | None:
    """Return the scheme of a link the sanitiser takes out (lowercased), or None if kept."""
    found = URL_SCHEME.match(href.replace("\t", "").replace("\n", "").replace("\r", ""))
    if found is None or found[1].lower() in URL_SCHEMES:
        return None
    return found[1].lower()


def _internal_link(reference: Reference) -> InternalLink:
    return InternalLink(
        kind=reference.kind,
        module_slug=reference.module_slug,
        screen_slug=reference.screen_slug,
        line=reference.line,
        target=reference.target,
    )
