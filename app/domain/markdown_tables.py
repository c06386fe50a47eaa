"""Tables: NHS.UK table markup in the box the app's own tables scroll in.

A table wider than its column (on a phone, most tables of three columns or more) scrolls
sideways in its own box, so the page never does (WCAG 1.4.10). The keyboard must reach that
box to scroll it (WCAG 2.1.1), so the box takes focus; a screen reader then names it, as it
does the app's own table boxes: by the table's caption, or, without one, by its first column
headings. The box's look is `.lw-table-scroll` in static/css/linkwise.css.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import nh3
from markdown.util import HTML_PLACEHOLDER_RE

TABLE_CAPTION = re.compile(r"^\s*Table\s+\d+\s*:")
BOX_CLASS = "lw-table-scroll"
NAMING_HEADINGS = 3  # a name that lists every column of a wide table is too long to hear
# The box's attributes, each with the only value the sanitiser lets through
# (app/domain/markdown.py); its name, aria-label, is the table's own words.
BOX_ATTRIBUTES = {"role": "region", "tabindex": "0"}


def build_table(table: etree.Element, parent: etree.Element, stashed: list) -> None:
    """Give a table NHS.UK classes, its `Table N:` caption and a named box that scrolls.

    `stashed` is Python-Markdown's raw HTML stash, which the table's text points into.
    """
    position = list(parent).index(table)
    before = parent[position - 1] if position else None
    box = etree.Element("div", {"class": BOX_CLASS, **BOX_ATTRIBUTES})
    table.attrib.clear()
    table.set("class", "nhsuk-table")
    if before is not None and before.tag == "p" and TABLE_CAPTION.match(_text(before)):
        caption = etree.Element("caption", {"class": "nhsuk-table__caption"})
        caption.text, caption[:] = before.text, list(before)
        parent.remove(before)
        table.insert(0, caption)
        position -= 1
    parent.remove(table)
    box.append(table)
    parent.insert(position, box)
    for part, name in (("thead", "nhsuk-table__head"), ("tbody", "nhsuk-table__body")):
        for section in table.iter(part):
            section.set("class", name)
    for row in table.iter("tr"):
        row.set("class", "nhsuk-table__row")
    for cell in [*table.iter("th"), *table.iter("td")]:
        # Alignment arrives as inline style, which the sanitiser would drop anyway.
        cell.attrib.clear()
        cell.set("class", "nhsuk-table__header" if cell.tag == "th" else "nhsuk-table__cell")
        if cell.tag == "th":
            cell.set("scope", "col")
    box.set("aria-label", table_name(table, stashed))


def table_name(table: etree.Element, stashed: list) -> str:
    """Name a table as a reader hears it: its caption, else "Table: " and its first headings."""
    caption = table.find("caption")
    if caption is not None and (name := _words(caption, stashed)):
        return name
    headings = [_words(cell, stashed) for cell in table.iter("th")]
    headings = [heading for heading in headings if heading]
    if not headings:
        return "Table"
    named = ", ".join(headings[:NAMING_HEADINGS])
    more = len(headings) - NAMING_HEADINGS
    if more > 0:
        named += f" and {more} more column{'s' if more > 1 else ''}"
    return f"Table: {named}"


def _words(element: etree.Element, stashed: list) -> str:
    """Return the text an element shows, spaces collapsed, without footnote marks."""

    def shown(placeholder: re.Match[str]) -> str:
        # An entity or a tag the trainer typed, as StrippedRawHtml puts it on the page: text.
        return html.unescape(nh3.clean(str(stashed[int(placeholder[1])]), tags=set()))

    text = HTML_PLACEHOLDER_RE.sub(shown, "".join(_text_parts(element)))
    return " ".join(text.split())


def _text_parts(element: etree.Element):
    yield element.text or ""
    for child in element:
        if child.tag != "sup":  # a footnote mark: a number, not part of the name
            yield from _text_parts(child)
        yield child.tail or ""


def _text(element: etree.Element) -> str:
    return "".join(element.itertext()).strip()
