"""GIFT text as Linkwise Markdown that shows what Moodle shows, character for character.

Moodle shows `[plain]` text as written, `[html]` text as a page, and its own format as HTML
too; a Linkwise quiz is Markdown, so the characters Markdown would read as markup are escaped.
Of `[html]` text, a table becomes a Markdown table where the page can show one (a question, a
feedback), and an image the words a screen reader says for it: "(image: its alt text)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .checked import QuizWriter
from .gift_model import GiftQuestion

# What Markdown reads as markup in a line of text: emphasis, code, links and footnotes,
# escapes; with text that is not HTML, also tags and character references, which
# Python-Markdown takes no backslash before, so they are written as references.
# A run of * or _ standing alone (the blank of a gap-fill, 2 * 3) is no markup: kept as is.
ALONE = r"(?P<alone>(?<!\S)[*_]+(?!\S))"
MARKUP = re.compile(rf"{ALONE}|[\\`*_\[\]]")
MARKUP_AND_HTML = re.compile(rf"{ALONE}|[\\`*_\[\]<]|&(?=#?\w+;)")
REFERENCES = {"<": "&lt;", "&": "&amp;"}
# HTML elements that start and end lines of their own (in a table's cell, a space).
LINES = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "table", "blockquote", "pre"})
LINES |= {f"h{level}" for level in range(1, 7)}
LINE_START = re.compile(r"^(\d*)([#>*+-]|(?<=\d)[.)])")


def markdown(text: str, question: GiftQuestion, writer: QuizWriter, *, inline: bool = False) -> str:
    """Return GIFT text as Markdown that shows what Moodle shows.

    `inline` text is a choice or a matching prompt, which a Linkwise page shows as a label:
    a table in it cannot be one, so its rows stay lines of text, with a warning.
    """
    if question.text_format == "markdown":
        return text
    if question.text_format == "moodle":
        # Moodle's own format lets HTML through, so only Markdown's markup is escaped.
        return escaped(text, MARKUP)
    if question.text_format == "plain":
        return escaped(text, MARKUP_AND_HTML)
    reader = _HtmlText()
    reader.feed(text)
    reader.close()
    for src, alt in reader.images:
        writer.warn(
            question.line,
            f"image '{src}' is left out: quizzes show no images; "
            + (
                f"its description stands in its place as '(image: {alt})'"
                if alt
                else "it has no description, so describe it in words if the question needs it"
            ),
        )
    if reader.tags:
        writer.warn(
            question.line,
            "HTML tags are left out: Linkwise quizzes are Markdown; check the text reads well",
        )
    blocks = []
    for piece in reader.pieces:
        if isinstance(piece, str):
            blocks.append(escaped(piece, MARKUP_AND_HTML))
        elif inline or len(piece.rows) < 2:
            # One row is a line laid out, not a table: nothing to head, nothing under it.
            if inline and len(piece.rows) > 1:
                writer.warn(
                    question.line,
                    "a table in a choice or a matching prompt is kept as lines of text, as a "
                    "label holds no table: move it to the question if it needs to be one",
                )
            blocks.append(escaped(piece.as_lines(), MARKUP_AND_HTML))
        else:
            blocks.append(_table(piece, question, writer))
    # A Markdown table needs a blank line before and after it to be read as one.
    return "\n".join(blocks) if inline else "\n\n".join(blocks)


def _table(table: _Table, question: GiftQuestion, writer: QuizWriter) -> str:
    """Return an HTML table as a Markdown pipe table, after its caption's line."""
    if not table.headed:
        writer.warn(
            question.line,
            "a table with no heading cells '<th>' gets its first row as headings, as "
            "Markdown tables have them: check that row reads as headings",
        )
    if table.spans:
        writer.warn(
            question.line,
            "a table cell spanning several columns or rows becomes one cell, as Markdown "
            "tables have no spans: check the table reads well",
        )
    width = max(len(row) for row in table.rows)
    lines = [escaped(table.caption, MARKUP_AND_HTML) + "\n"] if table.caption else []
    for number, row in enumerate(table.rows):
        cells = [_cell(cell) for cell in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if number == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _cell(text: str) -> str:
    # Escaped as any text, and a | as \| so it stays in its cell.
    return MARKUP_AND_HTML.sub(_escape, text).replace("|", "\\|")


def escaped(text: str, markup: re.Pattern[str]) -> str:
    """Return text with what Markdown would read as markup escaped, so it shows as written."""
    lines = []
    for line in text.split("\n"):
        line = markup.sub(_escape, line)
        # A line that would start a heading, quote, list or rule shows as text.
        lines.append(LINE_START.sub(r"\g<1>\\\g<2>", line))
    return "\n".join(lines)


def _escape(found: re.Match[str]) -> str:
    if found["alone"]:
        return found[0]
    return REFERENCES.get(found[0], "\\" + found[0])


@dataclass
class _Table:
    """An HTML table's rows of cell texts, and what a Markdown table cannot keep of it."""

    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)
    headed: bool = False  # its first row has heading cells
    spans: bool = False  # a cell spans columns or rows

    def as_lines(self) -> str:
        """Return the table as text: the caption, then a line per row, cells a space apart."""
        lines = [self.caption, *(" ".join(row) for row in self.rows)]
        return "\n".join(line for line in lines if line)


class _HtmlText(HTMLParser):
    """The text of an HTML snippet: paragraphs and breaks become new lines, a table a _Table.

    `pieces` are text and tables in order; a table inside a table's cell is text of its cell.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str | _Table] = []
        self.parts: list[str] = []  # the text since the last table
        self.images: list[tuple[str, str]] = []  # (src, alt)
        self.tags = False
        self.depth = 0  # tables open
        self.table: _Table | None = None
        self.rows: list[list[tuple[str, bool]]] = []  # the open table's (text, heading) cells
        self.cell: list[str] | None = None  # the text of the cell open, if one is
        self.heading = False  # the cell open is a heading cell
        self.caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags = True
        found = dict(attrs)
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._text_ends()
                self.table, self.rows = _Table(), []
                return
        if self.depth == 1 and tag in ("tr", "td", "th", "caption"):
            self._cell_ends()
            if tag == "tr":
                self.rows.append([])
            elif tag == "caption":
                self.caption = []
            else:
                self.cell = []
                self.heading = tag == "th"
                if (found.get("colspan") or "1") != "1" or (found.get("rowspan") or "1") != "1":
                    self.table.spans = True
            return
        if tag == "img":
            src, alt = found.get("src") or "", " ".join((found.get("alt") or "").split())
            self.images.append((src, alt))
            self._add(f" (image: {alt}) " if alt else " ")
        elif tag in LINES or tag in ("td", "th"):
            self._add(" " if self.depth or tag in ("td", "th") else "\n")

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            if not self.depth:
                self._table_ends()
                return
        if self.depth == 1 and tag in ("tr", "td", "th", "caption"):
            self._cell_ends()
        elif tag in LINES or tag in ("td", "th"):
            self._add(" " if self.depth or tag in ("td", "th") else "\n")

    def handle_data(self, data):
        self._add(data)

    def close(self):
        """Read what is left, ending a table left open."""
        super().close()
        if self.depth:
            self.depth = 0
            self._table_ends()
        self._text_ends()

    def _add(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        elif self.caption is not None or self.depth:
            # Text in a table but in no cell shows before the table, as browsers place it.
            self.caption = (self.caption or []) + [text]
        else:
            self.parts.append(text)

    def _cell_ends(self) -> None:
        if self.cell is not None:
            if not self.rows:  # a cell with no <tr> before it starts a row
                self.rows.append([])
            self.rows[-1].append((" ".join("".join(self.cell).split()), self.heading))
            self.cell = None
        if self.caption is not None:
            caption = f"{self.table.caption} {''.join(self.caption)}"
            self.table.caption, self.caption = " ".join(caption.split()), None

    def _table_ends(self) -> None:
        self._cell_ends()
        rows = [row for row in self.rows if row]
        if rows:
            self.table.rows = [[text for text, _ in row] for row in rows]
            self.table.headed = any(heading for _, heading in rows[0])
            self.pieces.append(self.table)
        elif self.table.caption:
            self.parts.append(self.table.caption)
        self.table, self.rows = None, []

    def _text_ends(self) -> None:
        # The parser has already turned &lt; and the like into text: once is enough.
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self.pieces.append(text)
        self.parts = []
