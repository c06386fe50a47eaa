"""Python-Markdown extension that reshapes the tree into NHS.UK design system markup.

What a rendering finds (references to check, problems) and the lines it finds them on
are kept by markdown_source.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

import nh3
from markdown.extensions import Extension
from markdown.postprocessors import RawHtmlPostprocessor
from markdown.treeprocessors import Treeprocessor

from .markdown import stripped_scheme
from .markdown_callouts import CALLOUT_KINDS, build_callout
from .markdown_checks import (
    figure_left_out,
    image_in_quiz,
    placeholder_alt,
    rendering_problems,
    stripped_link_message,
)
from .markdown_headings import skipped_heading_levels
from .markdown_layout import INLINE_PARTS, QuizLayout, lay_out
from .markdown_source import Found, Reference, SourceLines
from .markdown_tables import build_table
from .problems import Problems

FIGURE_TITLE = re.compile(r"^\s*Figure\s+\d+\s*:")
LOCAL_IMAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class StrippedRawHtml(RawHtmlPostprocessor):
    """Put raw HTML back as its text only: trainers' markup never reaches the page."""

    def stash_to_string(self, text: Any) -> str:
        """Return stashed raw HTML as plain text, dropping script and style content."""
        return nh3.clean(str(text), tags=set())


class NhsukExtension(Extension):
    """Register the NHS.UK tree processor and the raw HTML stripper."""

    def __init__(
        self, *, module_slug: str, links: Any, source: str, path: str, first_line: int
    ) -> None:
        super().__init__()
        self.begin(
            module_slug=module_slug, links=links, source=source, path=path, first_line=first_line
        )

    def begin(
        self,
        *,
        module_slug: str,
        links: Any,
        source: str,
        path: str,
        first_line: int,
        quiz_part: str | None = None,
        layout: QuizLayout | None = None,
        later_screens: frozenset[str] = frozenset(),
    ) -> None:
        """Say what the next rendering is of: a reused extension keeps nothing from the last."""
        self.module_slug = module_slug
        self.later_screens = later_screens
        self.quiz_part = quiz_part
        self.layout = layout
        self.links = links
        self.lines = SourceLines(source, first_line)
        self.found = Found()
        self.problems = Problems(self.found.problems)
        self.path = path

    def extendMarkdown(self, md) -> None:
        # After inline patterns (20) and footnotes (50, 19, 15); before prettify (10).
        md.treeprocessors.register(NhsukTreeprocessor(md, self), "nhsuk", 12)
        md.postprocessors.register(StrippedRawHtml(md), "raw_html", 30)


class NhsukTreeprocessor(Treeprocessor):
    """Turn Markdown's plain tree into NHS.UK components and record references."""

    def __init__(self, md, extension: NhsukExtension) -> None:
        super().__init__(md)
        self.ext = extension

    def run(self, root: etree.Element) -> None:
        """Reshape headings, callouts, tables, images, footnotes and links in place."""
        parents = {child: parent for parent in root.iter() for child in parent}
        # A screen, a module's introduction, a question or its feedback: each under its
        # page's h1. A choice, a step or a prompt holds no heading (markdown_checks.py).
        if self.ext.quiz_part not in INLINE_PARTS:
            for line, message in skipped_heading_levels(root, self.ext.lines):
                self._error(line, message)
        for heading in root.iter("h1"):
            self._demote_heading(heading)
        for div in [d for d in root.iter("div") if "admonition" in d.get("class", "").split()]:
            self._callout(div)
        for table in list(root.iter("table")):
            build_table(table, parents[table], self.md.htmlStash.rawHtmlBlocks)
        for img in list(root.iter("img")):
            self._image(img, parents[img], parents)
        for div in [d for d in root.iter("div") if d.get("class") == "footnote"]:
            self._references(div)
        for link in root.iter("a"):
            self._link(link)
        # What renders without complaint but not as the author meant: app/domain/markdown_checks.py
        stashed = self.md.htmlStash.rawHtmlBlocks
        where = self.ext.quiz_part or "screen"
        for line, message in rendering_problems(root, self.ext.lines, stashed, where):
            self._error(line, message)
        if self.ext.layout is not None:
            lay_out(root, self.ext.layout)  # app/domain/markdown_layout.py

    def _warn(self, line: int, message: str) -> None:
        self.ext.problems.warning(self.ext.path, line, message)

    def _error(self, line: int, message: str) -> None:
        self.ext.problems.error(self.ext.path, line, message)

    def _demote_heading(self, heading: etree.Element) -> None:
        # The screen title is the page's only h1; keep the outline intact.
        heading.tag = "h2"
        line = self.ext.lines.line_of(r"^#(?!#)|^.+\n=+[ \t]*$")
        self._warn(line, "the screen title is the h1; start headings in the text at '##'")

    def _callout(self, div: etree.Element) -> None:
        classes = div.get("class", "").split()
        kind = classes[1] if len(classes) > 1 else ""
        line = self.ext.lines.line_of(r"^[ \t]*!!![ \t]*" + re.escape(kind))
        title_p = next(
            (p for p in div if p.tag == "p" and p.get("class") == "admonition-title"), None
        )
        title = "".join(title_p.itertext()).strip() if title_p is not None else ""
        if title_p is not None:
            div.remove(title_p)
        body = list(div)
        for child in body:
            div.remove(child)
        div.attrib.clear()
        if kind not in CALLOUT_KINDS:
            self._warn(
                line, f"unknown callout '{kind}'; use info, warning or reflect (shown as info)"
            )
            kind = "info"
        build_callout(kind, div, title, body)

    def _image(self, img: etree.Element, parent: etree.Element, parents: dict) -> None:
        src, alt, title = img.get("src", ""), img.get("alt", "").strip(), img.get("title")
        # The image's own `![alt](src`, not an earlier link to the same file.
        target = r"\]\(\s*<?" + re.escape(src)
        line = self.ext.lines.line_of(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*" + target, target)
        if self.ext.quiz_part:
            self._error(line, image_in_quiz(src))
            return
        is_local = bool(LOCAL_IMAGE.match(src)) and ".." not in src
        self.ext.found.references.append(Reference("image", src, line, alt=alt, is_local=is_local))
        if not alt:
            self._error(line, f"image '{src}' has no alt text; describe it inside ![...]")
        elif (empty := placeholder_alt(src, alt)) is not None:
            self._warn(line, empty)
        if is_local:
            img.set("src", self.ext.links.media_url(self.ext.module_slug, src))
        else:
            # Remote images would let a third party see who reads the course.
            img.attrib.pop("src", None)
            self._error(
                line, f"image '{src}' must be a file in the module folder, named like diagram.svg"
            )
        img.attrib.pop("title", None)
        img.set("class", "nhsuk-image__img")
        alone = (
            parent.tag == "p"
            and len(parent) == 1
            and not (parent.text or "").strip()
            and not (img.tail or "").strip()
        )
        if not alone:
            problem = figure_left_out(src, title, parent)
            if problem is not None:
                self._error(line, problem)
            return
        if not title:
            self._warn(
                line,
                f"image '{src}' stands alone but has no title, so it has no "
                'caption; add "Figure N: ..." after the file name',
            )
            return
        if not FIGURE_TITLE.match(title):
            self._warn(line, f"figure title '{title}' should start 'Figure N:'")
        parent.tag, parent.text = "figure", None
        parent.attrib.clear()
        parent.set("class", "nhsuk-image")
        img.tail = None
        caption = etree.SubElement(parent, "figcaption", {"class": "nhsuk-image__caption"})
        caption.text = title.strip()

    def _references(self, div: etree.Element) -> None:
        div.set("class", "lw-references")
        rule = div.find("hr")
        if rule is not None:
            div.remove(rule)
        heading = etree.Element("h2")
        heading.text = "References"
        div.insert(0, heading)
        for number, backlink in enumerate(div.iter("a"), start=1):
            if backlink.get("class") == "footnote-backref":
                backlink.attrib.pop("title", None)
                backlink.set("aria-label", f"Back to reference {number} in the text")

    def _link(self, link: etree.Element) -> None:
        href = link.get("href", "")
        cls = link.attrib.pop("class", "")
        if cls == "footnote-ref":
            link.set("aria-label", f"Reference {_text(link)}")
        elif href.startswith(("screen:", "module:")):
            self._internal_link(link, href)
        elif EXTERNAL.match(href):
            link.set("rel", "noopener")
        elif scheme := stripped_scheme(href):
            # The sanitiser would leave the words without their link, without a word.
            self._error(self.ext.lines.line_of_text(href), stripped_link_message(href, scheme))

    def _internal_link(self, link: etree.Element, href: str) -> None:
        kind, _, rest = href.partition(":")
        rest, _, fragment = rest.partition("#")
        parts = rest.split("/")
        line = self.ext.lines.line_of_text(href)
        if kind == "module" and len(parts) == 1 and SLUG.match(parts[0]):
            module, screen = parts[0], None
        elif kind == "screen" and len(parts) == 1 and SLUG.match(parts[0]):
            module, screen = self.ext.module_slug, parts[0]
        elif kind == "screen" and len(parts) == 2 and all(SLUG.match(p) for p in parts):
            module, screen = parts
        else:
            self._error(
                line,
                f"link '{href}' is not a course address: use screen:<screen>, "
                "screen:<module>/<screen> or module:<module>",
            )
            link.attrib.pop("href")
            return
        self.ext.found.references.append(Reference(kind, href, line, module, screen))
        if module == self.ext.module_slug and screen in self.ext.later_screens:
            # Screens open in order and a GET completes nothing, so the link would only bounce
            # the learner back; the page is one for everyone, so no learner's progress can
            # decide. The words stay, and the Next button leads on.
            link.tag = "span"
            link.attrib.clear()
            self._warn(line, later_screen_message(href))
            return
        links = self.ext.links
        url = links.module_url(module) if screen is None else links.screen_url(module, screen)
        link.set("href", f"{url}#{fragment}" if fragment else url)


def later_screen_message(href: str) -> str:
    """Say why a link to a later screen of the same module is shown as plain words."""
    return (
        f"link '{href}' is to a later screen of this module, which a learner may not have "
        "opened yet: it shows as plain words (the Next button leads there); name the screen "
        "without a link"
    )


def _text(element: etree.Element) -> str:
    return "".join(element.itertext()).strip()
