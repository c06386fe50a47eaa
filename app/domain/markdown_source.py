"""What one rendering of Markdown finds, and where in the source file it stands.

`SourceLines` finds the file line of a link, image or marker in the Markdown source, so
every problem names its place; `Found` holds the problems and the `Reference`s (links
and images) that are checked once the whole course is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .problems import Problem


@dataclass(frozen=True)
class Reference:
    """A link or image found while rendering, with its line in the file."""

    kind: str  # "screen", "module" or "image"
    target: str
    line: int
    module_slug: str = ""
    screen_slug: str | None = None
    alt: str = ""
    is_local: bool = True


@dataclass
class Found:
    """What one rendering noticed: references to check later, and problems now."""

    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class SourceLines:
    """Find the file line of things in the Markdown source, in document order."""

    def __init__(self, source: str, first_line: int) -> None:
        self.source = source
        self.first_line = first_line
        # Repeated targets are matched to successive occurrences, not all to the first.
        self._after: dict[str | tuple[str, str], int] = {}

    def line_of(self, *patterns: str) -> int:
        """Return the line of the next match of the first regex that matches, or the first line."""
        for pattern in patterns:
            start = self._after.get(pattern, 0)
            match = re.compile(pattern, re.MULTILINE).search(self.source, start)
            if match is None and start:
                match = re.compile(pattern, re.MULTILINE).search(self.source)
            if match is not None:
                self._after[pattern] = match.end()
                return self.first_line + self.source.count("\n", 0, match.start())
        return self.first_line

    def line_of_text(self, text: str) -> int:
        """Return the line of the next occurrence of a text, as line_of(re.escape(text)) does."""
        # Found without a regex: compiling one per link took as long as the rest of the link.
        key = ("text", text)
        start = self._after.get(key, 0)
        index = self.source.find(text, start)
        if index == -1 and start:
            index = self.source.find(text)
        if index == -1:
            return self.first_line
        self._after[key] = index + len(text)
        return self.first_line + self.source.count("\n", 0, index)
