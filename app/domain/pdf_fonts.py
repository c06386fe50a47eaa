"""The fonts a PDF is drawn in: each file read once a process, and each cut-down copy made once.

fpdf2 reads a font file for every document that adds it (about 50 ms a file), and writing a
PDF cuts every font down to the glyphs the document used, with fontTools' subsetter (about
8 ms for Liberation Sans, 25 ms for DejaVu Sans, whose glyphs a Latin-only PDF never uses).
Both give the same result for the same input, so the process keeps both: the file as read,
and the cut-down file for each set of glyphs (the last CUTS_KEPT of them).

What a document changes stays its own, so documents made one after another or at once in
threads (gunicorn's workers are threaded) never see each other's letters: the glyphs it uses
and the codes they get (its SubsetMap), the font descriptor (numbered as one of its PDF
objects), and the fontTools font that is cut down.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from fontTools import ttLib
from fpdf import FPDF
from fpdf import fonts as fpdf_fonts
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import OutputProducer

HARFBUZZ = fpdf_fonts.hb

# About 20 KB each; the sets a Latin-only PDF uses in DejaVu Sans (none) stay in use.
CUTS_KEPT = 256


class _Cut(NamedTuple):
    """A font file cut down to a set of glyphs: its bytes, and each glyph's new number."""

    data: bytes
    glyph_ids: dict[str, int]


_cuts: OrderedDict[tuple[Path, frozenset[str]], _Cut] = OrderedDict()
_cuts_lock = threading.Lock()
_cuts_made = 0


class DocumentFont(TTFFont):
    """One document's copy of a font: its glyphs and their codes are its own."""

    __slots__ = ("path", "data")  # the font file, and its bytes

    def get_text_width(self, text, font_size_pt, text_shaping_params):
        """Return the glyph count and width of text, as fpdf2 does, summing widths in C.

        fpdf2 sums them in a generator, and wrapping a line measures it again at each space.
        The widths are whole numbers, so the sum is the same in any order.
        """
        if text_shaping_params or self.is_symbol:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        return len(text), sum(map(self.cw.__getitem__, map(ord, text))) * font_size_pt * 0.001

    def cut_down(self) -> ttLib.TTFont:
        """Return the fontTools font to cut down to this document's glyphs as it is written."""
        key = (self.path, frozenset(self.subset.get_all_glyph_names()))
        with _cuts_lock:
            cut = _cuts.get(key)
            if cut is not None:
                _cuts.move_to_end(key)
        if cut is not None:
            return _AlreadyCut(cut)
        return _Cutting(self.data, key, self.ttfont.getGlyphOrder())


class _Cutting(ttLib.TTFont):
    """The whole font file, which keeps what fpdf2 cuts it down to for the next document.

    Its glyph names are the ones read with the file: working them out again from the
    character map takes 100 ms for a CJK font.
    """

    def __init__(self, data: bytes, key: tuple[Path, frozenset[str]], glyph_order: list[str]):
        super().__init__(BytesIO(data), recalcTimestamp=False, lazy=True)
        self.setGlyphOrder(list(glyph_order))
        self.key = key

    def save(self, file, reorderTables=True):
        """Write the font, cut down by now, and keep a copy for the process."""
        global _cuts_made
        buffer = BytesIO()
        super().save(buffer, reorderTables)
        cut = _Cut(buffer.getvalue(), {name: i for i, name in enumerate(self.getGlyphOrder())})
        with _cuts_lock:
            _cuts[self.key] = cut
            _cuts.move_to_end(self.key)
            while len(_cuts) > CUTS_KEPT:
                _cuts.popitem(last=False)
            _cuts_made += 1
        file.write(cut.data)


class _AlreadyCut(ttLib.TTFont):
    """A font cut down before to the same glyphs: written as it was then.

    It holds the glyph names but no tables, so fontTools' subsetter, which fpdf2 runs on
    every font it writes, finds nothing to cut; the glyph numbers and bytes are the kept ones.
    """

    def __init__(self, cut: _Cut):
        super().__init__(recalcTimestamp=False)
        # The subsetter always keeps ".notdef", by name when a font has no glyph table.
        self.setGlyphOrder(
            [*cut.glyph_ids, *([".notdef"] if ".notdef" not in cut.glyph_ids else [])]
        )
        self.cut = cut

    def getGlyphID(self, glyphName):  # noqa: N802 - fontTools' name
        """Return the glyph's number in the kept cut-down font."""
        return self.cut.glyph_ids[glyphName]

    def save(self, file, reorderTables=True):
        """Write the kept cut-down font."""
        file.write(self.cut.data)


class FontWriter(OutputProducer):
    """fpdf2's PDF writer, given fonts cut down once a process for each set of glyphs."""

    def __init__(self, fpdf: FPDF):
        for font in fpdf.fonts.values():
            if isinstance(font, DocumentFont):
                font.ttfont = font.cut_down()
        super().__init__(fpdf)


@cache
def _parsed_font(path: Path, style: str) -> DocumentFont:
    """Read a font file once a process: its widths and character map, and its bytes."""
    font = DocumentFont(FPDF(), path, "linkwise", style)
    font.path, font.data = path, path.read_bytes()
    return font


@cache
def shaping_face(path: Path, style: str):
    """Return HarfBuzz's read-only view of a font file, made once a process."""
    return HARFBUZZ.Face(HARFBUZZ.Blob(_parsed_font(path, style).data))


def document_font(document: FPDF, path: Path, family: str, style: str) -> DocumentFont:
    """Return a font for one document, as fpdf2's add_font would, without reading the file again.

    The character map and widths are shared (a width looked up for a letter the font lacks
    is added, the same for every document), and so is the fontTools font while the document
    is drawn: shaping only reads its glyph names and widths, which reading the file loaded.
    A document's own are its glyphs, its font descriptor, and the fontTools font that is
    cut down when the PDF is written (`FontWriter`). Its HarfBuzz font is made only if the
    document shapes text (`Page.shaping`), over a face read once a process.
    """
    parsed = _parsed_font(path, style)
    font = copy.copy(parsed)
    font.i = len(document.fonts) + 1
    font.fontkey = f"{family}{style}"
    font.desc = copy.copy(parsed.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    return font


@lru_cache(maxsize=8)
def characters_drawn(fonts: tuple[tuple[Path, Path], ...]) -> frozenset[int]:
    """Return the characters the (regular, bold) fonts' regular files have glyphs for."""
    return frozenset().union(*(_parsed_font(regular, "").cmap for regular, _ in fonts))


def font_files_read() -> int:
    """Return how many font files this process has read (each is read once)."""
    return _parsed_font.cache_info().misses


def font_cuts_made() -> int:
    """Return how many times this process has cut a font down to a new set of glyphs."""
    return _cuts_made


def forget_font_cuts() -> None:
    """Forget the cut-down fonts kept, so the next PDF cuts its fonts afresh."""
    with _cuts_lock:
        _cuts.clear()
