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
# What a line of a quote, a callout or a list starts with, before a table's own text.
CONTAINER_PREFIX = re.compile(r"^[ \t>]*")
# The line under a table's headings: cells of '-', each with ':' at either end for alignment.
SEPARATOR_ROW = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# A table's cells are split at each '|' outside code and not written '\|', as Python-Markdown
# splits them (its tables extension).
CELL_PARTS = re.compile(r"(\\\\)|(\\`+)|(`+)|(\\\|)|(\|)")
END_BORDER = re.compile(r"(?<!\\)(?:\\\\)*\|$")
# Lines that end the block before them, so a table may start on the next line: a heading,
# a callout's first line, a rule or a heading's underline.
BLOCK_ENDS = re.compile(r"#|!!!|(?:[-*_][ \t]*){3,}$|=+$")
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


def table_problems(source: str, first_line: int, root: etree.Element) -> list[tuple[int, str]]:
    """Report, as (line, message), each table written so the page shows it otherwise.

    A table whose heading row and the `---` line under it differ in cells, or with text
    right above it, is shown as plain text, | signs and all; a row with more cells than the
    table has columns loses the cells past the last. A table under a `Table N:` caption with
    no blank line between is left to the caption's own check (markdown_checks.py). `root` is
    the rendered text: a table is reported as shown as text only when a | is, and a row as
    cut short only when the text has a table.
    """
    shown_as_text = _pipe_outside_tables(root)
    if not shown_as_text and next(root.iter("table"), None) is None:
        return []
    lines = [CONTAINER_PREFIX.sub("", line).rstrip() for line in source.split("\n")]
    found = []
    index = 1
    while index < len(lines):
        heading, rule = lines[index - 1], lines[index]
        if "|" not in heading or not SEPARATOR_ROW.fullmatch(rule) or "|" not in rule:
            index += 1
            continue
        above = lines[index - 2] if index >= 2 else ""
        columns, marks = len(_cells(heading)), len(_cells(rule, heading))
        at = first_line + index - 1
        if (
            above
            and TABLE_CAPTION.match(above)
            or not shown_as_text
            and (above or columns != marks)
        ):
            pass  # reported by the caption's check, or not shown as text after all
        elif above and not BLOCK_ENDS.match(above):
            found.append(
                (
                    at,
                    _as_text(
                        "text runs into it from the line above", "leave a blank line above it"
                    ),
                )
            )
        elif columns != marks:
            found.append(
                (
                    at,
                    _as_text(
                        f"its heading row has {columns} cell{'s' * (columns != 1)} but the '---' "
                        f"line under it has {marks}",
                        f"write one '---' for each heading: {_rule(columns)}",
                    ),
                )
            )
        else:
            found += _rows_too_long(lines, index + 1, heading, first_line)
        index += 1
    return found


def _rows_too_long(lines: list[str], start: int, heading: str, first_line: int):
    """Report each row of a table with more cells than it has columns, at the row's line."""
    found = []
    columns = len(_cells(heading))
    for index in range(start, len(lines)):
        if not lines[index].strip():
            break
        cells = _cells(lines[index], heading)
        lost = [f"'{cell}'" for cell in cells[columns:] if cell]
        if lost:
            named = lost[0] if len(lost) == 1 else ", ".join(lost[:-1]) + " and " + lost[-1]
            found.append(
                (
                    first_line + index,
                    f"table row has {len(cells)} cells but the table has {columns} columns, so "
                    f"{named} {'is' if len(lost) == 1 else 'are'} not shown; add a heading for "
                    "each column, or move the text into a cell of the row",
                )
            )
    return found


def _pipe_outside_tables(root: etree.Element) -> bool:
    """Say whether a | shows in the rendered text outside tables and code."""
    inside = {id(e) for t in root.iter("table") for e in t.iter()}
    inside |= {id(e) for tag in ("code", "pre") for c in root.iter(tag) for e in c.iter()}
    return any(
        "|" in text
        for element in root.iter()
        for text in ((element.tail,) if id(element) in inside else (element.text, element.tail))
        if text
    )


def _as_text(why: str, fix: str) -> str:
    return f"table is shown as plain text, | signs and all: {why}; {fix}"


def _rule(columns: int) -> str:
    return "| " + " | ".join(["---"] * columns) + " |"


def _cells(row: str, heading: str | None = None) -> list[str]:
    """Return a table row's cells as Python-Markdown's tables extension splits them.

    The heading row's outer pipes say whether every row's are borders (`heading`, if not
    this row). A pipe is no border between cells when written `\\|` or inside code.
    """
    heading = (row if heading is None else heading).strip()
    row = row.strip()
    if heading.startswith("|") or END_BORDER.search(heading):
        row = END_BORDER.sub("", row.removeprefix("|"))
    # Each run of backticks: (how many, where it starts, where it ends, 1 if escaped).
    ticks: list[tuple[int, int, int, int]] = []
    pipes = []
    for part in CELL_PARTS.finditer(row):
        if part[2]:
            ticks.append((len(part[2]) - 1, part.start(2), part.end(2) - 1, 1))
        elif part[3]:
            ticks.append((len(part[3]), part.start(3), part.end(3) - 1, 0))
        elif part[5]:
            pipes.append(part.start(5))
    code: list[tuple[int, int]] = []
    index = 0
    while index < len(ticks):
        # A run opens code where a later run as long closes it; an escaped tick opens none.
        size = ticks[index][0] - ticks[index][3]
        closing = [n for n in range(index + 1, len(ticks)) if ticks[n][0] == size]
        if size and closing:
            code.append((ticks[index][1], ticks[closing[0]][2]))
            index = closing[0] + 1
        else:
            index += 1
    cells, start = [], 0
    for pipe in pipes:
        if not any(begin <= pipe <= end for begin, end in code):
            cells.append(row[start:pipe].strip())
            start = pipe + 1
    cells.append(row[start:].strip())
    return cells
