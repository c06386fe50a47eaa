"""Mistakes Python-Markdown renders without a word, found so `linkwise validate` can say so.

Each shows on the page as something other than what the author wrote: callout text that
falls out of its callout, a callout title that is not quoted, a table caption with no blank
line under it, a table shown as text or a row that loses cells (markdown_tables.py), a
footnote mark with no footnote, a footnote with no mark or one defined twice, a quote nested
too deeply, a caption that is lost, raw HTML or a link that the sanitiser takes out; in a
quiz's text, an image, which quizzes do not show, and a block in a choice, which a page shows
as a label. The checks return (line, message) pairs; the renderer records them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .markdown import URL_SCHEMES
from .markdown_callouts import callout_problems
from .markdown_fences import fence_problems
from .markdown_footnotes import (
    footnote_message,
    footnotes_written_twice,
    unmarked_footnotes,
    unmarked_message,
    unresolved_footnotes,
)
from .markdown_layout import INLINE_PARTS, inline_only_message, not_inline
from .markdown_tables import table_problems
from .yamlfields import HTML_TAG

if TYPE_CHECKING:
    from .markdown_source import SourceLines

TABLE_CAPTION = re.compile(r"Table\s+\d+\s*:")
FIGURE_TEXT = re.compile(r"Figure\s+\d+\s*:[^\n]*")
# The quote marks a line starts with, as Python-Markdown reads them.
QUOTE_MARKS = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# `<scheme:...>` that Python-Markdown does not make a link (only http, https, ftp and email
# addresses) is kept as raw HTML, and the page leaves it out.
ANGLE_LINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*):[^<>\s]*>")


def table_caption_problems(source: str, first_line: int) -> list[tuple[int, str]]:
    """Report a `Table N:` caption with a table on the very next line: both show as text."""
    lines = source.split("\n")
    found = []
    for index, (line, after) in enumerate(zip(lines, lines[1:], strict=False)):
        caption = line.strip()
        if TABLE_CAPTION.match(caption) and "|" in after:
            found.append(
                (
                    first_line + index,
                    f"table caption '{caption}' has no blank line after it, so the table is "
                    "shown as plain text with its | signs; leave a blank line between the "
                    "caption and the table",
                )
            )
    return found


def rendering_problems(
    root: etree.Element, lines: SourceLines, stashed: Iterable[object], where: str = "screen"
) -> list[tuple[int, str]]:
    """Return each mistake a rendered text shows, as (line, message): `lines` has its source.

    `where` names what holds the text (a screen, or a question's choice, say), for messages.
    """
    source, first_line = lines.source, lines.first_line
    # Each check is skipped when the text cannot hold its mistake: quiz text is rendered often.
    found = raw_html_problems(stashed, source, first_line)
    if where in INLINE_PARTS and (block := not_inline(root)):
        found.append((first_line, inline_only_message(where, block)))
    if "!!!" in source:
        found += callout_problems(source, first_line)
    if "Table" in source:
        found += table_caption_problems(source, first_line)
    if "|" in source:
        found += table_problems(source, first_line, root)
    if "```" in source or "~~~" in source:
        found += fence_problems(source, first_line)
    if "[^" in source:
        found += [
            (lines.line_of_text(f"[^{label}]"), footnote_message(label, where))
            for label in unresolved_footnotes(root)
        ]
        found += [
            (lines.line_of(rf"^[ \t]*\[\^{re.escape(label)}\]:"), unmarked_message(label))
            for label in unmarked_footnotes(root)
        ]
        found += footnotes_written_twice(source, first_line)
    if ">" in source:
        found += quotes_too_deep(root, source, first_line)
    return found


def quotes_too_deep(root: etree.Element, source: str, first_line: int) -> list[tuple[int, str]]:
    """Report a quote nested deeper than the page shows: Python-Markdown stops nesting quotes
    near Python's recursion limit and shows the rest of the '>' marks as text (a list that
    deep stops the rendering: app/domain/markdown.py)."""
    shown = _deepest(root, "blockquote")
    if not shown:
        return []
    for index, line in enumerate(source.split("\n")):
        marks = QUOTE_MARKS.match(line)
        if marks is not None and marks[0].count(">") > shown:
            return [
                (
                    first_line + index,
                    f"text is nested too deeply to show: quotes past {shown} deep show their "
                    "'>' marks as text; nest a quote in a quote at most once or twice",
                )
            ]
    return []


def _deepest(root: etree.Element, tag: str) -> int:
    """Return how deeply elements of a tag nest in a tree, without recursing."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        depth += element.tag == tag
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in element)
    return deepest


def image_in_quiz(src: str) -> str:
    """Say that an image in a quiz's text is not shown, and what to do instead."""
    return (
        f"image '{src}' is not shown: quizzes show no images; say in words what learners "
        "need from it, or put the figure on a screen of the module"
    )


# Alt text that names the picture rather than saying what it shows: "Figure 1", "image".
PLACEHOLDER_ALT = re.compile(
    r"(?:an?\s+|the\s+)?(?:figure|fig\.?|table|image|img|picture|pic|diagram|graphic|"
    r"illustration|photo|photograph|chart|graph|screenshot|icon|alt|alt text|placeholder)"
    r"(?:\s*\d+)?[.:]?",
    re.IGNORECASE,
)


def placeholder_alt(src: str, alt: str) -> str | None:
    """Say why alt text tells a screen reader user nothing, if it does: the file's name, or
    a bare word for a picture ("Figure 1", "image"). None for alt text that describes."""
    name = src.rsplit("/", 1)[-1]
    plain = " ".join(re.split(r"[-_\s]+", alt.lower()))
    names = {" ".join(re.split(r"[-_\s]+", n.lower())) for n in (name, name.rsplit(".", 1)[0])}
    if plain not in names and not PLACEHOLDER_ALT.fullmatch(alt.strip()):
        return None
    return (
        f"image '{src}' has the alt text '{alt}', which says nothing of what it shows: a "
        "screen reader user hears only the alt text, so say in it what the figure shows, "
        "every label, number and relationship a sighted reader takes from it"
    )


def figure_left_out(src: str, title: str | None, paragraph: etree.Element) -> str | None:
    """Say why an image that shares its paragraph is not the figure its author meant."""
    if title:
        return (
            f"image '{src}' has a caption but is not alone in its paragraph, so it is not "
            "shown as a figure and the caption is lost; leave a blank line before and after "
            "the image"
        )
    written = FIGURE_TEXT.search("".join(paragraph.itertext()))
    if written is None:
        return None
    caption = written[0].strip()
    return (
        f"'{caption}' is written beside image '{src}' with no blank line between, so it is "
        "not the image's caption and the image is not shown as a figure; put the caption in "
        f'the image\'s title instead: ![...]({src} "{caption}")'
    )


def stripped_link_message(href: str, scheme: str) -> str:
    """Say that a link whose scheme the sanitiser takes out shows as words with no link."""
    return (
        f"link '{href}' is taken out of the page, leaving its words with no link: links "
        f"starting '{scheme}:' are not allowed; use an address starting {_allowed_schemes()}"
    )


def angle_link_problems(
    stashed: Iterable[object], source: str, first_line: int
) -> list[tuple[int, str]]:
    """Report each `<scheme:...>` that is not made a link: the page leaves it out entirely."""
    found = []
    for item in stashed:
        if isinstance(item, str) and (match := ANGLE_LINK.fullmatch(item.strip())):
            at = source.find(match[0])
            line = first_line + source.count("\n", 0, at) if at != -1 else first_line
            found.append(
                (
                    line,
                    f"link '{match[0]}' is left out of the page: in angle brackets only an "
                    "address starting http:// or https://, or an email address, becomes a "
                    f"link; write [words](address) with an address starting {_allowed_schemes()}",
                )
            )
    return found


def _allowed_schemes() -> str:
    return _listed([f"'{scheme}:'" for scheme in sorted(URL_SCHEMES)]).replace(" and ", " or ")


def raw_html_problems(
    stashed: Iterable[object], source: str, first_line: int
) -> list[tuple[int, str]]:
    """Report each line holding raw HTML, which the sanitiser takes out of the page.

    `stashed` is what Python-Markdown set aside as raw HTML (entities such as `&amp;` too),
    so a `<` in ordinary text is never taken for a tag. Comments are notes for other authors,
    shown to nobody, so they are allowed.
    """
    found = angle_link_problems(stashed, source, first_line) if "<" in source else []
    return found + _raw_tag_problems(stashed, source, first_line)


def _raw_tag_problems(
    stashed: Iterable[object], source: str, first_line: int
) -> list[tuple[int, str]]:
    tags = {
        tag[0]
        for item in stashed
        if isinstance(item, str)
        for tag in HTML_TAG.finditer(HTML_COMMENT.sub("", item))
    }
    if not tags:
        return []
    # Tags quoted in code spans or comments are shown as text or not at all: skip them.
    text = HTML_COMMENT.sub(_blank, CODE_SPAN.sub(_blank, source))
    # An element is reported at its opening tag; a closing tag alone, at its own line.
    names = {tag: HTML_TAG.match(tag)[1].lower() for tag in tags}
    opened = {name for tag, name in names.items() if not tag.startswith("</")}
    tags = {tag for tag, name in names.items() if not (tag.startswith("</") and name in opened)}
    names_by_line: dict[int, dict[str, None]] = {}
    seen = set()
    for match in HTML_TAG.finditer(text):
        if match[0] in tags:
            seen.add(match[0])
            line = first_line + text.count("\n", 0, match.start())
            names_by_line.setdefault(line, {})[match[1].lower()] = None
    for tag in tags - seen:  # changed on its way to the stash: found by its name, or line 1
        at = text.lower().find(f"<{names[tag]}")
        line = first_line + text.count("\n", 0, at) if at != -1 else first_line
        names_by_line.setdefault(line, {})[names[tag]] = None
    return [
        (
            line,
            f"raw HTML {_listed([f'<{name}>' for name in on_line])} "
            f"{'is' if len(on_line) == 1 else 'are'} not allowed: the page "
            "leaves out the tags, keeping at most the text between them; write it in Markdown "
            "instead",
        )
        for line, on_line in sorted(names_by_line.items())
    ]


def _blank(match: re.Match[str]) -> str:
    # Keep the newlines, so what follows keeps its line.
    return re.sub(r"[^\n]", " ", match[0])


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
