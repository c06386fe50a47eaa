"""GIFT text as Linkwise Markdown that shows what Moodle shows, character for character.

Moodle shows `[plain]` text as written, `[html]` text as a page, and its own format as HTML
too; a Linkwise quiz is Markdown, so the characters Markdown would read as markup are escaped.
"""

from __future__ import annotations

import re
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
# HTML elements that start and end lines of their own (a table row is one line).
LINES = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "table", "blockquote", "pre"})
LINES |= {f"h{level}" for level in range(1, 7)}
LINE_START = re.compile(r"^(\d*)([#>*+-]|(?<=\d)[.)])")


def markdown(text: str, question: GiftQuestion, writer: QuizWriter) -> str:
    """Return GIFT text as Markdown that shows what Moodle shows."""
    if question.text_format == "markdown":
        return text
    if question.text_format == "moodle":
        # Moodle's own format lets HTML through, so only Markdown's markup is escaped.
        return _escaped(text, MARKUP)
    if question.text_format == "plain":
        return _escaped(text, MARKUP_AND_HTML)
    reader = _HtmlText()
    reader.feed(text)
    for src in reader.images:
        writer.warn(question.line, f"image '{src}' is left out: quizzes show no images")
    if reader.tags:
        writer.warn(
            question.line,
            "HTML tags are left out: Linkwise quizzes are Markdown; check the text reads well",
        )
    return _escaped(reader.text(), MARKUP_AND_HTML)


def _escaped(text: str, markup: re.Pattern[str]) -> str:
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


class _HtmlText(HTMLParser):
    """The text of an HTML snippet: paragraphs and breaks become new lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []
        self.tags = False

    def handle_starttag(self, tag, attrs):
        self.tags = True
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
            self.parts.append(dict(attrs).get("alt") or "")
        elif tag in LINES:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in LINES:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self) -> str:
        # The parser has already turned &lt; and the like into text: once is enough.
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)
