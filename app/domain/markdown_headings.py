"""Headings in a screen, a module's introduction or a quiz question's text or feedback,
checked as a screen reader lists them."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .markdown_source import SourceLines

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def skipped_heading_levels(root: etree.Element, lines: SourceLines) -> list[tuple[int, str]]:
    """Return the line and message of each heading more than one level below the one
    before it (the page's title is the first, at '#').

    A screen reader lists a page's headings as its outline; a `####` under a `##` leaves
    a level out of it, so the structure is not conveyed (WCAG 1.3.1).
    """
    found = []
    level = 1
    for element in (e for e in root.iter() if e.tag in HEADING_TAGS):
        written = int(element.tag[1])
        # Found in order, so that a level written twice is found at each line in turn.
        line = lines.line_of(rf"^[ \t]*#{{{written}}}(?!#)") if written > 2 else 0
        if written > level + 1:
            above = "the page's title ('#')" if level == 1 else f"a '{'#' * level}' heading"
            found.append(
                (
                    line,
                    f"heading '{'#' * written} {''.join(element.itertext()).strip()}' skips a "
                    f"level: it comes under {above}, so screen readers' outline of the page "
                    f"misses one; write '{'#' * (level + 1)}', or add the heading between",
                )
            )
        level = max(written, 2)  # a '#' in the text is shown as '##'
    return found
