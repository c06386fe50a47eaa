"""Fit a quiz text's rendered tree to the place a quiz page shows it.

A question's text heads a fieldset, whose legend holds phrasing content only: its leading
paragraphs go in the legend, anything after them (a list, a quote, its references) under
it. A text that opens with a block (a table it asks about) keeps that block above the
fieldset, so the legend still names the question by its first paragraph, in the order
written. A choice, a step or a prompt is a label, so it is phrasing content through and through:
`linkwise validate` refuses block Markdown in one, and a text that slipped through (a past
attempt's question, say) is flattened into paragraphs rather than drawn as invalid HTML.
Several texts share a page, so each one's footnote ids carry a prefix of their own.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Literal

# The parts of a question a page shows as a label: they may hold inline Markdown only.
INLINE_PARTS = ("choice", "step", "prompt")
PHRASING = {"a", "strong", "em", "code", "br", "sup", "span", "img"}
MORE_CLASS = "lw-question__more"
BEFORE_CLASS = "lw-question__before"
NEW_TAB = " (opens in a new tab)"
BLOCK_NAMES = {
    "ul": "a list",
    "ol": "a numbered list",
    "h1": "a heading",
    "h2": "a heading",
    "h3": "a heading",
    "h4": "a heading",
    "h5": "a heading",
    "h6": "a heading",
    "blockquote": "a quote",
    "pre": "a code block",
    "table": "a table",
    "hr": "a horizontal rule",
}


@dataclass(frozen=True)
class QuizLayout:
    """Where a quiz text goes on its page.

    `shape`: "block" (feedback, a result page's question: any Markdown), "lead" (a form's
    question: leading paragraphs for the legend, the rest in a div after it) or "inline"
    (a label: phrasing content only). `ids` prefixes the text's footnote ids, unique on its
    page. `new_tab` opens links in a new tab, so following one never loses a form's answers.
    """

    shape: Literal["block", "lead", "inline"] = "block"
    ids: str = ""
    new_tab: bool = False


def not_inline(root: etree.Element) -> str | None:
    """Name the first block a rendered text holds besides one paragraph ("a list"), or None."""
    paragraphs = 0
    for child in root:
        if child.tag == "p":
            paragraphs += 1
            if paragraphs > 1:
                return "more than one paragraph"
        elif child.tag in BLOCK_NAMES:
            return BLOCK_NAMES[child.tag]
        elif child.tag == "div":  # as reshaped for the NHS.UK design system
            classes = child.get("class", "").split()
            if "lw-references" in classes:
                return "a footnote"
            return "a table" if "lw-table-scroll" in classes else "a callout"
        else:
            return f"a block ({child.tag})"
    return None


def inline_only_message(part: str, found: str) -> str:
    """Say why a choice, step or prompt cannot hold a block, and where the block can go."""
    return (
        f"a {part} may use only inline Markdown (bold, italics, code and links), as the page "
        f"shows it as the label of its answer, but this {part} has {found}; put lists, "
        "headings, quotes, tables, footnotes and further paragraphs in the question or its "
        "feedback"
    )


def lay_out(root: etree.Element, layout: QuizLayout) -> None:
    """Reshape a rendered quiz text in place for its layout."""
    if layout.shape == "inline":
        _drop_footnotes(root)
        root[:] = [p for child in list(root) for p in _paragraphs(child)]
    if layout.ids:
        _prefix_footnote_ids(root, layout.ids)
    if layout.new_tab:
        _open_links_in_new_tabs(root)
    if layout.shape == "lead":
        children = list(root)
        first = next((n for n, child in enumerate(children) if child.tag == "p"), 0)
        before = etree.Element("div", {"class": BEFORE_CLASS})
        before[:] = children[:first]
        end = next((n for n in range(first, len(children)) if children[n].tag != "p"), None)
        more = etree.Element("div", {"class": MORE_CLASS})
        more[:] = children[end:] if end is not None else []
        lead = children[first:end]
        root[:] = [*([before] if first else []), *lead, *([more] if end is not None else [])]


def split_lead(html: str) -> tuple[str, str, str]:
    """Split a "lead" text's sanitised HTML into the blocks before its first paragraphs (or
    ""), those paragraphs, and the rest."""
    at = html.find(f'<div class="{MORE_CLASS}">')
    head, more = (html, "") if at == -1 else (html[:at].rstrip(), html[at:])
    if not head.startswith(f'<div class="{BEFORE_CLASS}">'):
        return "", head, more
    # The paragraphs after it hold phrasing content only, so its end is the last </div>.
    end = head.rfind("</div>") + len("</div>")
    return head[:end], head[end:].strip(), more


def paragraphs_inline(html: str) -> str:
    """Turn sanitised HTML made only of paragraphs into phrasing content: <br> between."""
    html = html.strip().removeprefix("<p>").removesuffix("</p>")
    return html.replace("</p>\n<p>", "<br><br>")


def _prefix_footnote_ids(root: etree.Element, prefix: str) -> None:
    for element in root.iter():
        if element.get("id", "").startswith("fn"):
            element.set("id", f"{prefix}-{element.get('id')}")
        if element.tag == "a" and element.get("href", "").startswith("#fn"):
            element.set("href", f"#{prefix}-{element.get('href')[1:]}")


def _open_links_in_new_tabs(root: etree.Element) -> None:
    for link in root.iter("a"):
        if link.get("href") and not link.get("href", "").startswith("#"):
            link.set("target", "_blank")
            link.set("rel", "noopener")
            if len(link):
                link[-1].tail = (link[-1].tail or "") + NEW_TAB
            else:
                link.text = (link.text or "") + NEW_TAB


def _drop_footnotes(root: etree.Element) -> None:
    # A label has no room for references, so its marks would point nowhere.
    for parent in list(root.iter()):
        for child in list(parent):
            is_mark = child.tag == "sup" and child.get("id", "").startswith("fnref")
            if is_mark or "lw-references" in child.get("class", "").split():
                _remove_keeping_tail(parent, child)


def _remove_keeping_tail(parent: etree.Element, child: etree.Element) -> None:
    if child.tail:
        index = list(parent).index(child)
        if index:
            before = parent[index - 1]
            before.tail = (before.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _paragraphs(element: etree.Element) -> list[etree.Element]:
    """Return a block's phrasing content as paragraphs: each run of it becomes one."""
    if element.tag == "hr":
        return []
    found: list[etree.Element] = []
    current: etree.Element | None = None

    def paragraph() -> etree.Element:
        nonlocal current
        if current is None:
            current = etree.Element("p")
            found.append(current)
        return current

    if element.text and element.text.strip():
        paragraph().text = element.text
    for child in list(element):
        if child.tag in PHRASING:
            paragraph().append(child)
            continue
        tail, child.tail = child.tail, None
        current = None
        found.extend(_paragraphs(child))
        if tail and tail.strip():
            paragraph().text = tail
    return found
