"""Code fences: Linkwise renders no code blocks, so a ``` or ~~~ block never shows as one.

Python-Markdown without its fenced-code extension reads a closed ``` block as inline code
run into one line (its marks shown if a blank line is inside), and ~~~ or an unclosed fence
as text; the raw-HTML stripper would take out the block the extension makes anyway. The
course has no code to show, so every fence is reported, at its opening line.
Kept apart from app/domain/markdown_nhsuk.py, which renders; this only reads the source.
"""

from __future__ import annotations

import re

# A fence is three or more backticks or tildes alone at the start of a line, perhaps after
# a language name; "```code```" on one line is inline code, not a fence.
OPENING = re.compile(r"^[ \t]*(?P<fence>`{3,}(?=[^`]*$)|~{3,}(?=[^~]*$))")

ADVICE = "take the {fence} lines out; to set text apart, use a callout (!!! info)"


def fence_problems(source: str, first_line: int) -> list[tuple[int, str]]:
    """Report each code fence at its opening line, saying what learners would see instead."""
    found = []
    opened: tuple[int, str] | None = None
    for index, line in enumerate(source.split("\n")):
        if opened is None:
            if match := OPENING.match(line):
                opened = (first_line + index, match["fence"])
        elif _closes(line, opened[1]):
            found.append((opened[0], _closed(opened[0], first_line + index, opened[1])))
            opened = None
    if opened is not None:
        found.append((opened[0], _unclosed(*opened)))
    return found


def _closes(line: str, fence: str) -> bool:
    marks = line.strip()
    return len(marks) >= len(fence) and marks == fence[0] * len(marks)


def _closed(line: int, last: int, fence: str) -> str:
    return (
        f"Linkwise pages show no code blocks: the block from line {line} to line {last} "
        f"would show as ordinary text with its {fence} marks or run into one line; "
        + ADVICE.format(fence=fence)
    )


def _unclosed(line: int, fence: str) -> str:
    return (
        f"the code block opened at line {line} is not closed, and Linkwise pages show no "
        f"code blocks: learners would see its {fence} as text; " + ADVICE.format(fence=fence)
    )
