"""Python-Markdown's inline pass, skipping patterns whose text cannot match.

Python-Markdown tries each of its 15 inline patterns on every run of text, through a
method call, a registry look-up and a regex search each: two fifths of rendering a screen.
Most patterns cannot match without one character in the text (a link needs `[`, emphasis
`*` or `_`), and most text has none of them. A pattern is skipped when none of its
characters is in the text, which is exactly when its regex would find nothing, so the tree
and the HTML are the ones the stock pass builds (tests/domain/test_markdown_speed.py
renders every shipped screen both ways).

This overrides a name-mangled method of Markdown's InlineProcessor: Markdown is pinned in
pyproject.toml (3.11.3), and the test above fails if a new version renders differently.
"""

from __future__ import annotations

import re

from markdown import inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

# The regexes of Python-Markdown's own patterns, each with the strings one of which must be
# in a text for it to match. A pattern whose regex is not here (a new or changed one) is
# always tried, as the stock pass does.
NEEDS = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),  # also the reference patterns' regex
    inlinepatterns.IMAGE_LINK_RE: ("![",),  # also the image reference patterns' regex
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    r"\[\^([^\]]*)\]": ("[^",),  # the footnotes extension's reference
}


def needs(pattern: inlinepatterns.Pattern) -> tuple[str, ...] | None:
    """Return the strings one of which a text must hold for the pattern to match, or None."""
    if not isinstance(pattern, inlinepatterns.InlineProcessor):
        return None  # an old-style pattern matches a regex of its own making
    regex = pattern.getCompiledRegExp().pattern
    if isinstance(pattern, inlinepatterns.DelimiterProcessor):
        # Emphasis searches for its delimiters (`*`, `_`) and nothing else.
        tokens = tuple(pattern.tokens)
        return tokens if regex == "|".join(map(re.escape, tokens)) else None
    return NEEDS.get(regex)


class SkippingInlineProcessor(InlineProcessor):
    """The stock inline pass, not trying patterns whose characters are not in the text."""

    def run(self, tree, ancestors=None):
        """Apply the inline patterns to the tree, as the stock pass does."""
        # Taken per run, in the registry's order, in case an extension changed the patterns.
        self.patterns = [(pattern, needs(pattern)) for pattern in self.inlinePatterns]
        # Four texts in five hold none of the strings: they are left as they are at once.
        if all(needed is not None for _, needed in self.patterns):
            strings = sorted({text for _, needed in self.patterns for text in needed})
            self.any_needed = re.compile("|".join(map(re.escape, strings)))
        else:
            self.any_needed = None
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # The stock loop, with the skips: an unmatched pattern returns start index 0. A match
        # puts a placeholder (control characters, letters, digits) in place of its text, so
        # a string absent from a text stays absent.
        if isinstance(data, util.AtomicString):
            return data
        if self.any_needed is not None and self.any_needed.search(data) is None:
            return data
        apply = self._InlineProcessor__applyPattern
        patterns = self.patterns
        count = len(patterns)
        startIndex = 0
        while patternIndex < count:
            pattern, needed = patterns[patternIndex]
            if needed is not None:
                for text in needed:
                    if text in data:
                        break
                else:
                    patternIndex += 1
                    startIndex = 0
                    continue
            data, matched, startIndex = apply(pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


def use_skipping_inline(md) -> None:
    """Put the skipping inline pass in the stock one's place."""
    md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)
