"""Footnotes written so the page shows them otherwise: a mark with no footnote, a footnote
no mark points to, and one written twice, whose first text the page leaves out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FOOTNOTE_MARK = re.compile(r"\[\^([^\]]*)\]")
# A footnote's own line, `[^1]: Source, year.`, in a quote or a callout too.
FOOTNOTE_LINE = re.compile(r"^[ \t>]*\[\^([^\]]*)\]:", re.MULTILINE)


def unresolved_footnotes(root: etree.Element) -> list[str]:
    """Return the labels of footnote marks left as text: no `[^label]:` line defines them."""
    labels: dict[str, None] = {}
    for element in root.iter():
        texts = [element.tail] if element.tag in ("code", "pre") else [element.text, element.tail]
        for text in texts:
            for match in FOOTNOTE_MARK.finditer(text or ""):
                labels.setdefault(match[1], None)
    return list(labels)


def unmarked_footnotes(root: etree.Element) -> list[str]:
    """Return the labels of footnotes that no mark in the text points to."""
    # A footnote is a list item with id "fn:<label>"; a mark, a sup with id "fnref:<label>"
    # (then "fnref2:<label>" for a second mark of the same footnote).
    marked = {
        sup.get("id", "").partition(":")[2]
        for sup in root.iter("sup")
        if sup.get("id", "").startswith("fnref")
    }
    return [
        item.get("id", "")[3:]
        for item in root.iter("li")
        if item.get("id", "").startswith("fn:") and item.get("id", "")[3:] not in marked
    ]


def unmarked_message(label: str) -> str:
    """Say what a footnote no mark points to looks like, and how to mend it."""
    mark = f"[^{label}]"
    return (
        f"footnote {mark} is never marked in the text, so it is listed under References with "
        f"a back link that leads nowhere; put {mark} after what it is the source of, or delete "
        "the footnote"
    )


def footnote_message(label: str, where: str = "screen") -> str:
    """Say what a footnote mark without a footnote looks like, and how to mend it."""
    mark = f"[^{label}]"
    return (
        f"footnote {mark} has no footnote text, so learners see '{mark}' as it is; add a line "
        f"'{mark}: Source, year.' at the end of the {where}"
    )


def footnotes_written_twice(source: str, first_line: int) -> list[tuple[int, str]]:
    """Report each `[^label]:` line after the first for its label: the page shows the last
    one's text alone, and the others are lost."""
    text = HTML_COMMENT.sub(_blank, source)
    first: dict[str, int] = {}
    found = []
    for written in FOOTNOTE_LINE.finditer(text):
        line = first_line + text.count("\n", 0, written.start())
        if written[1] in first:
            mark = f"[^{written[1]}]"
            found.append(
                (
                    line,
                    f"footnote {mark} is written twice, here and at line {first[written[1]]}, "
                    "and the page shows only the text written last; give each footnote a "
                    "number of its own, or delete one",
                )
            )
        else:
            first[written[1]] = line
    return found


def _blank(match: re.Match[str]) -> str:
    # Keep the newlines, so what follows keeps its line.
    return re.sub(r"[^\n]", " ", match[0])
