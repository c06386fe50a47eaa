"""Python-Markdown's block processors, answering "not mine" sooner where they can.

Each block of a screen is offered to the block processors in turn until one takes it, and
most tests search the whole block with a regex: a heading's for `#`, a table's splits its
rows on `|`. A quick test first looks for a string the processor cannot do without; when it
is absent, the stock test (or, for link references and footnotes, which take every block
and put back those they do not want, the stock run) would have said no and changed nothing,
so the tree is the one the stock parser builds. tests/domain/test_markdown_speed.py renders
every shipped screen both ways. Markdown is pinned in pyproject.toml (3.11.3).
"""

from __future__ import annotations

from markdown.blockparser import BlockParser
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.tables import TableProcessor


class QuickHashHeader(HashHeaderProcessor):
    """An `# heading` line needs a `#`."""

    def test(self, parent, block):
        """Say whether the block holds a hash heading."""
        return "#" in block and super().test(parent, block)


class QuickSetextHeader(SetextHeaderProcessor):
    """A heading underlined with `===` or `---` has a line starting with either."""

    def test(self, parent, block):
        """Say whether the block starts with an underlined heading."""
        return ("\n=" in block or "\n-" in block) and super().test(parent, block)


class QuickHorizontalRule(HRProcessor):
    """A rule is a line of `-`, `_` or `*`."""

    def test(self, parent, block):
        """Say whether the block holds a horizontal rule."""
        return ("-" in block or "_" in block or "*" in block) and super().test(parent, block)


class QuickBlockQuote(BlockQuoteProcessor):
    """A quote's lines start with `>`."""

    def test(self, parent, block):
        """Say whether the block holds a quote."""
        return ">" in block and super().test(parent, block)


class QuickReference(ReferenceProcessor):
    """A link reference is `[name]: url`; the stock test takes every block, then gives it back."""

    def test(self, parent, block):
        """Say whether the block may hold a link reference."""
        return "]:" in block


class QuickFootnoteBlock(FootnoteBlockProcessor):
    """A footnote is `[^name]: text`; the stock test takes every block, then gives it back."""

    def test(self, parent, block):
        """Say whether the block may hold a footnote."""
        return "[^" in block


class QuickTable(TableProcessor):
    """A table's header row needs a `|`."""

    def test(self, parent, block):
        """Say whether the block starts with a table."""
        return "|" in block and super().test(parent, block)


class QuickAdmonition(AdmonitionProcessor):
    """A callout starts `!!!`; its later blocks are indented under it."""

    def test(self, parent, block):
        """Say whether the block starts a callout or continues one."""
        # Without either, the stock test finds no callout to continue and records nothing.
        may_continue = self.current_sibling is not None or block.startswith(" " * self.tab_length)
        return ("!!!" in block or may_continue) and super().test(parent, block)


class QuickBlockParser(BlockParser):
    """The stock parser, offering blocks to a list of its processors taken once a document.

    The stock parser asks its registry for the processors, sorted afresh, for every block.
    """

    def parseDocument(self, lines):
        """Parse a document's lines into a tree, as the stock parser does."""
        self.processors = list(self.blockprocessors)
        return super().parseDocument(lines)

    def parseBlocks(self, parent, blocks):
        """Offer each block to the processors in turn until one takes it (the stock loop)."""
        while blocks:
            for processor in self.processors:
                # run returns True or None when it took the block, False when it did not
                if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                    break


QUICK = (
    QuickHashHeader,
    QuickSetextHeader,
    QuickHorizontalRule,
    QuickBlockQuote,
    QuickReference,
    QuickFootnoteBlock,
    QuickTable,
    QuickAdmonition,
)


def use_quick_tests(parser: BlockParser) -> None:
    """Turn the parser and each stock block processor with a quick test into its quick kind.

    In place, the processor keeps its settings, its state and its place in the order.
    """
    by_stock = {quick.__base__: quick for quick in QUICK}
    for processor in parser.blockprocessors:
        quick = by_stock.get(type(processor))
        if quick is not None:
            processor.__class__ = quick
    if type(parser) is BlockParser:
        parser.__class__ = QuickBlockParser
        parser.processors = list(parser.blockprocessors)
