"""Code fences left open: Python-Markdown shows their ``` or ~~~ as text, without a word.

Kept apart from app/domain/markdown_nhsuk.py, which renders; this only reads the source.
"""

from __future__ import annotations

import re

# A fence is three or more backticks or tildes alone at the start of a line, perhaps after
# a language name; "```code```" on one line is inline code, not a fence.
OPENING = re.compile(r"^[ \t]*(?P<fence>`{3,}(?=[^`]*$)|~{3,}(?=[^~]*$))")


def unclosed_fence_problems(source: str, first_line: int) -> list[tuple[int, str]]:
    """Report a code fence never closed by a line of the same marks, at the fence's line."""
    opened: tuple[int, str] | None = None
    for index, line in enumerate(source.split("\n")):
        if opened is None:
            if match := OPENING.match(line):
                opened = (first_line + index, match["fence"])
        elif _closes(line, opened[1]):
            opened = None
    if opened is None:
        return []
    line, fence = opened
    return [(line, _message(line, fence))]


def _closes(line: str, fence: str) -> bool:
    marks = line.strip()
    return len(marks) >= len(fence) and marks == fence[0] * len(marks)


def _message(line: int, fence: str) -> str:
    if fence[0] == "`":
        fix = f"add a line {fence} where the code ends"
    else:  # ~~~ makes no code block on our pages, closed or not
        fix = "put a line ``` before and after the code instead"
    return (
        f"the code block opened at line {line} is not closed, so learners see its "
        f"{fence} as text; {fix}"
    )
