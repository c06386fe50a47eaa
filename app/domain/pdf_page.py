"""The A4 page itself, on fpdf2: imported only when a PDF is made, so start-up never loads it."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf import fonts as fpdf_fonts

from app.domain.pdf import (
    BLUE,
    BORDER,
    BOTTOM_MARGIN,
    CORE_FONT,
    LINE,
    MARGIN,
    SECONDARY,
    TEXT,
    TRANSLITERATIONS,
    PageBreak,
)
from app.domain.pdf_fonts import FontWriter, characters_drawn, document_font, shaping_face

# Text shaping (bidi reordering, Arabic joining) needs uharfbuzz, which fpdf2 imports if it
# is installed; without it, right-to-left text is drawn in typing order, as it once was.
HARFBUZZ = fpdf_fonts.hb

PRINTABLE_ASCII = "\n" + "".join(map(chr, range(0x20, 0x7F)))


def _right_to_left(text: str) -> bool:
    """Say whether text has a letter of a right-to-left script (Hebrew, Arabic, ...)."""
    return not text.isascii() and any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def _east_asian(ch: str) -> bool:
    """Say whether ch is a wide East Asian letter or punctuation mark (CJK, kana, Hangul).

    Emoji are wide too, but are symbols: no CJK font draws them, so they never open one.
    """
    wide = unicodedata.east_asian_width(ch) in ("W", "F", "H")
    return wide and unicodedata.category(ch)[0] not in "SC"


@lru_cache(maxsize=64)
def _qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """Return the dark and light modules of text's QR code, made once for each text."""
    return tuple(tuple(row) for row in segno.make(text, error="m", micro=False).matrix)


def missing(ch: str) -> str:
    """Say which character the fonts cannot draw, so a PDF never prints it as another.

    An emoji or other symbol is named ("[rainbow]"), anything else given by its code point
    ("[U+540D]"). A variation selector, which only asks for an emoji's colour style, is left
    out: the character it follows is what it chose a style for.
    """
    if 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
        return ""
    name = unicodedata.name(ch, "")
    if name and unicodedata.category(ch).startswith("S"):
        return f"[{name.lower()}]"
    return f"[U+{ord(ch):04X}]"


class Page(FPDF):
    """An A4 document whose fonts may or may not cover every letter a learner types."""

    def __init__(self, fonts: tuple[tuple[Path, Path], ...], footer_text: str = "Linkwise"):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.alias_nb_pages(None)  # else a learner's "{nb}" would become the page count
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.footer_text = footer_text
        # A font listed as its own bold has one weight (the CJK one, app/domain/pdf.py): it
        # is opened when a letter needs it (`_open_east_asian_fonts`), the others at once.
        both_weights = tuple(pair for pair in fonts if pair[0] != pair[1])
        self.on_demand = [regular for regular, bold in fonts if regular == bold]
        if not both_weights:
            self.on_demand = []  # the core font has no fallback fonts to add them to
        self.all_fonts = fonts
        self.family = "linkwise0" if both_weights else CORE_FONT
        # The characters the fonts can draw; None: the core font, Latin-1 only.
        self.covered = characters_drawn(both_weights) if both_weights else None
        # Set, a drawing that would start a page after this one stops with PageBreak.
        self.last_page: int | None = None
        self.font_files: dict[str, tuple[Path, str]] = {}
        for index, (regular, bold) in enumerate(both_weights):
            for style, path in (("", regular), ("B", bold)):
                self._add_font(f"linkwise{index}", style, path)
        self.fallbacks = [f"linkwise{index}" for index in range(1, len(both_weights))]
        self.plain_ascii = frozenset(ch for ch in PRINTABLE_ASCII if self._drawable(ch) == ch)
        if self.fallbacks:
            self.set_fallback_fonts(self.fallbacks, exact_match=False)

    def _add_font(self, family: str, style: str, path: Path) -> None:
        self.fonts[f"{family}{style}"] = document_font(self, path, family, style)
        self.font_files[f"{family}{style}"] = (path, style)

    def _open_east_asian_fonts(self) -> None:
        """Add the one-weight fonts to this document, after the others: its text needs one.

        A bold letter only they have is drawn in their one weight (fpdf2 falls back to a
        font of another weight, as `exact_match=False` asks).
        """
        for path in self.on_demand:
            family = f"linkwise{len(self.fallbacks) + 1}"
            self._add_font(family, "", path)
            self.fallbacks.append(family)
        self.on_demand = []
        self.covered = characters_drawn(self.all_fonts)
        self.set_fallback_fonts(self.fallbacks, exact_match=False)

    @contextmanager
    def shaping(self, text: str):
        """Shape text drawn inside the block if it has right-to-left letters, else leave it be.

        Shaping puts each right-to-left run in visual order and joins Arabic letters. It is
        only switched on for such text, so a Latin-only PDF is byte for byte what it was
        without shaping, at no extra cost. The paragraph stays left to right, as on the web
        pages (which set no `dir`): a Hebrew name inside an English sentence reads in place.
        """
        if HARFBUZZ is None or self.covered is None or not _right_to_left(text):
            yield
            return
        for key, (path, style) in self.font_files.items():
            if self.fonts[key]._hbfont is None:  # a HarfBuzz font of its own: shaping sizes it
                self.fonts[key]._hbfont = fpdf_fonts.HarfBuzzFont(shaping_face(path, style))
        self.set_text_shaping(True, direction="ltr")
        try:
            yield
        finally:
            self.set_text_shaping(False)

    def add_page(self, *args, **kwargs):
        """Start a new page, as fpdf2 does, or raise PageBreak if past `last_page`."""
        if self.last_page is not None and self.page >= self.last_page:
            raise PageBreak
        super().add_page(*args, **kwargs)

    def output(self, name=""):
        """Return the PDF (or write it to name), as fpdf2 does, by FontWriter: each font cut
        down once a process for each set of glyphs, never the copy every document shares."""
        return super().output(name, output_producer_class=FontWriter)

    def cell(self, w=None, h=None, text="", *args, **kwargs):
        """Print a one-line cell, as fpdf2 does, shaping right-to-left text."""
        with self.shaping(text):
            return super().cell(w, h, text, *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        """Print (or measure) wrapped text, as fpdf2 does, shaping right-to-left text."""
        with self.shaping(text):
            return super().multi_cell(w, h, text, *args, **kwargs)

    def get_string_width(self, s: str, normalized: bool = False, markdown: bool = False) -> float:
        """Return the width of s as drawn, as fpdf2 does, shaping right-to-left text."""
        with self.shaping(s):
            return super().get_string_width(s, normalized, markdown)

    def _render_styled_text_line(self, text_line, *args, **kwargs):
        # fpdf2 2.8.9 (pinned) gives the page its font inside a line that starts with a glyph
        # from a fallback font, e.g. a Hebrew, Arabic or Chinese name, but wraps that line in q/Q,
        # which undoes it: the next line was drawn in a stale font and size, as garbage. After
        # such a line the page is told again that its font is unset. A private method, as each
        # line is drawn by it alone; a line in the first font (all Latin text) is left alone.
        drawn = super()._render_styled_text_line(text_line, *args, **kwargs)
        first = text_line.get_ordered_fragments()[:1]
        if first and first[0].font is not None and first[0].font.fontkey.rstrip("B") != self.family:
            self.current_font_is_set_on_page = False
        return drawn

    def header(self) -> None:
        """Draw the blue band along the top of every page."""
        self.set_fill_color(*BLUE)
        self.rect(0, 0, self.w, 8, "F")
        self.set_y(MARGIN)

    def printable(self, text: str) -> str:
        """Return text as plain characters this PDF's fonts can draw."""
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        if text.isascii() and self.plain_ascii.issuperset(text):
            return text  # all of it drawn as it is, as most text is
        return "".join(self._drawable(ch) for ch in text)

    def _drawable(self, ch: str) -> str:
        if ch == "\n" or self._covers(ch):
            return ch
        if ch != ch.translate(TRANSLITERATIONS):
            return ch.translate(TRANSLITERATIONS)
        if unicodedata.category(ch)[0] in "CZ":
            return " " if unicodedata.category(ch) == "Zs" else ""
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        return plain if plain and all(self._covers(c) for c in plain) else missing(ch)

    def _covers(self, ch: str) -> bool:
        if self.covered is None:
            return 0x20 <= ord(ch) < 0x7F or 0xA0 <= ord(ch) <= 0xFF
        if self.on_demand and ord(ch) not in self.covered and _east_asian(ch):
            self._open_east_asian_fonts()
        return ord(ch) in self.covered and unicodedata.category(ch)[0] != "C"

    def style(self, size: float, bold: bool = False, colour=TEXT) -> None:
        """Set the font size, weight and colour for what follows."""
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def para(self, text: str, height: float = LINE, indent: float = 0, width: float = 0) -> None:
        """Print wrapped text from the left margin plus indent, then move to the next line."""
        self.set_x(self.l_margin + indent)
        width = width or self.epw - indent
        self.multi_cell(width, height, self.printable(text), align="L", new_x="LMARGIN")

    def text_height(self, text: str, height: float = LINE, indent: float = 0) -> float:
        """Return how tall text would be, wrapped at the current font."""
        return self.multi_cell(
            self.epw - indent, height, self.printable(text), dry_run=True, output="HEIGHT"
        )

    def keep_together(self, text: str, indent: float = 0, height: float = LINE) -> None:
        """Start a new page unless all of text, wrapped, fits on this one."""
        if self.will_page_break(self.text_height(text, height, indent)):
            self.add_page()

    def heading(self, text: str, size: float = 14, space: float = 5) -> None:
        """Print a section heading, on a new page if nothing of its section would follow."""
        if self.will_page_break(20):
            self.add_page()
        self.ln(space)
        self.style(size, bold=True)
        self.para(text, size * 0.64)

    def draw_footers(self) -> None:
        """Draw each page's footer: our text and "Page n of N" (once the count is known)."""
        self.set_auto_page_break(False)
        total = self.page
        for number in range(1, total + 1):
            self.page = number
            self.set_draw_color(*BORDER)
            self.set_line_width(0.3)
            self.line(self.l_margin, self.h - 17, self.w - self.r_margin, self.h - 17)
            self.set_xy(self.l_margin, self.h - 15)
            self.style(9, colour=SECONDARY)
            self.cell(self.epw / 2, 5, self.printable(self.footer_text))
            self.cell(self.epw / 2, 5, f"Page {number} of {total}", align="R")
        self.page = total

    def qr_code(self, text: str, x: float, y: float, size: float) -> None:
        """Draw text as a QR code, size millimetres square, that opens it as a link too."""
        modules = _qr_modules(text)
        cell = size / len(modules)
        self.set_fill_color(*TEXT)
        for row, line in enumerate(modules):
            column = 0
            while column < len(line):
                if not line[column]:
                    column += 1
                    continue
                start = column
                while column < len(line) and line[column]:
                    column += 1
                # One rectangle per run of dark modules; the overlap hides hairline seams.
                self.rect(
                    x + start * cell,
                    y + row * cell,
                    (column - start) * cell + 0.01,
                    cell + 0.01,
                    "F",
                )
        self.link(x, y, size, size, text)
