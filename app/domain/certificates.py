"""CPD certificates: the printable PDF a learner keeps for revalidation or appraisal."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from fpdf import FPDF

MONTHS = (  # noqa: SIM905 - one line reads better than twelve
    "January February March April May June July August September October November December"
).split()

# Liberation Sans has Arial's metrics, the nearest free relative of the NHS typeface;
# DejaVu Sans covers more scripts, so it is the fallback for glyphs Liberation lacks.
FONT_FILES = (
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
)
FONT_DIRS = (
    Path(__file__).parent / "fonts",
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
)
CORE_FONT = "helvetica"

# Letters and punctuation that do not decompose into ASCII plus accents, for the core font.
TRANSLITERATIONS = str.maketrans(
    dict(zip("ŁłĐđĦħıĸſ‘’‚“”„–—‐‑−•\u00a0", "LlDdHhiqs'''\"\"\"------ ", strict=True))
    | {"Œ": "OE", "œ": "oe", "Ŋ": "NG", "ŋ": "ng", "…": "...", "€": "EUR", "\t": "    "}
)

BLUE = (0, 94, 184)  # NHS blue #005eb8
TEXT = (33, 43, 50)  # NHS text #212b32
SECONDARY = (76, 97, 114)  # NHS secondary text #4c6272
BORDER = (216, 221, 224)  # NHS grey 4 #d8dde0
PALE = (240, 244, 245)  # NHS grey 5 #f0f4f5
WHITE = (255, 255, 255)

MARGIN = 20
BOTTOM_MARGIN = 24
LINE = 6


@dataclass(frozen=True, kw_only=True)
class CertificateDetails:
    """Everything printed on one learner's certificate for one module."""

    learner_name: str
    profession: str
    registration_number: str | None = None
    module_title: str
    provider: str = "Linkwise"
    completed_on: date
    cpd_minutes: int
    learning_outcomes: tuple[str, ...] = ()
    competencies: tuple[tuple[str, str], ...] = ()
    score_percent: int
    code: str
    verify_url: str
    reflection: str = ""


def date_in_words(day: date) -> str:
    """Return a date as written on a certificate, e.g. "23 November 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def cpd_time_in_words(minutes: int) -> str:
    """Return CPD time in words, e.g. "45 minutes" or "1 hour 30 minutes"."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == 1 else "s"))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("" if rest == 1 else "s"))
    return " ".join(parts)


@cache
def find_unicode_fonts(font_dirs: tuple[Path, ...] = FONT_DIRS) -> tuple[tuple[Path, Path], ...]:
    """Return the (regular, bold) font files found on this machine, best first."""
    found = []
    for regular, bold in FONT_FILES:
        for folder in font_dirs:
            if not folder.is_dir():
                continue
            paths = [next(folder.rglob(name), None) for name in (regular, bold)]
            if paths[0] and paths[1]:
                found.append((paths[0], paths[1]))
                break
    return tuple(found)


class _Certificate(FPDF):
    """An A4 certificate whose fonts may or may not cover every letter a learner types."""

    def __init__(self, fonts: tuple[tuple[Path, Path], ...]):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.alias_nb_pages(None)  # else a learner's "{nb}" would become the page count
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.family = "certificate0" if fonts else CORE_FONT
        self.covered: set[int] | None = None  # None: the core font, Latin-1 only
        for index, (regular, bold) in enumerate(fonts[:2]):
            self.add_font(f"certificate{index}", "", regular)
            self.add_font(f"certificate{index}", "B", bold)
            self.covered = (self.covered or set()) | set(self.fonts[f"certificate{index}"].cmap)
        if len(fonts) > 1:
            self.set_fallback_fonts(["certificate1"], exact_match=False)

    def header(self) -> None:
        """Draw the blue band along the top of every page."""
        self.set_fill_color(*BLUE)
        self.rect(0, 0, self.w, 8, "F")
        self.set_y(MARGIN)

    def printable(self, text: str) -> str:
        """Return text as plain characters this PDF's fonts can draw."""
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
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
        return plain if plain and all(self._covers(c) for c in plain) else "?"

    def _covers(self, ch: str) -> bool:
        if self.covered is None:
            return 0x20 <= ord(ch) < 0x7F or 0xA0 <= ord(ch) <= 0xFF
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

    def keep_together(self, text: str, indent: float = 0) -> None:
        """Start a new page unless all of text, wrapped, fits on this one."""
        width, text = self.epw - indent, self.printable(text)
        if self.will_page_break(self.multi_cell(width, LINE, text, dry_run=True, output="HEIGHT")):
            self.add_page()

    def heading(self, text: str) -> None:
        """Print a section heading, on a new page if nothing of its section would follow."""
        if self.will_page_break(20):
            self.add_page()
        self.ln(5)
        self.style(14, bold=True)
        self.para(text, 9)


def render_certificate_pdf(
    details: CertificateDetails, *, font_dirs: Iterable[Path] | None = None
) -> bytes:
    """Return the A4 PDF certificate, with a reflection page, for details."""
    pdf = _Certificate(find_unicode_fonts(FONT_DIRS if font_dirs is None else tuple(font_dirs)))
    pdf.set_title(pdf.printable(f"CPD certificate: {details.module_title}"))
    pdf.set_subject(pdf.printable(f"CPD certificate for {details.learner_name}, {details.code}"))
    pdf.set_author("Linkwise")
    pdf.set_creator("Linkwise")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(datetime.combine(details.completed_on, datetime.min.time(), UTC))
    pdf.add_page()
    for draw in (_award, _facts, _outcomes, _competencies, _verification, _reflection, _footers):
        draw(pdf, details)
    return bytes(pdf.output())


def _award(pdf: _Certificate, d: CertificateDetails) -> None:
    pdf.set_fill_color(*BLUE)
    pdf.rect(0, 0, pdf.w, 52, "F")
    pdf.set_y(14)
    pdf.style(11, bold=True, colour=WHITE)
    pdf.para(d.provider, 7)
    pdf.style(26, bold=True, colour=WHITE)
    pdf.para("Certificate of completion", 11)
    pdf.style(13, colour=WHITE)
    pdf.para("Continuing professional development (CPD)", 7)
    pdf.set_y(64)
    pdf.style(12, colour=SECONDARY)
    pdf.para("This is to certify that", 8)
    name, size = pdf.printable(d.learner_name), 28
    pdf.style(size, bold=True)
    while size > 16 and pdf.get_string_width(name) > pdf.epw:
        size -= 1
        pdf.style(size, bold=True)
    pdf.para(name, size * 0.45 + 0.5)
    pdf.style(12)
    pdf.para(d.profession)
    if d.registration_number:
        pdf.para(f"Registration number: {d.registration_number}")
    pdf.ln(4)
    pdf.style(12, colour=SECONDARY)
    pdf.para("has completed the module", 7)
    pdf.style(18, bold=True, colour=BLUE)
    pdf.para(d.module_title, 8.5)
    pdf.ln(1)
    pdf.style(12, colour=SECONDARY)
    pdf.para(f"provided by {d.provider}")


def _facts(pdf: _Certificate, d: CertificateDetails) -> None:
    facts = (
        ("Date completed", date_in_words(d.completed_on)),
        ("CPD time", cpd_time_in_words(d.cpd_minutes)),
        ("Quiz score", f"{d.score_percent}%"),
    )
    pdf.ln(7)
    top, width, height = pdf.get_y(), pdf.epw / len(facts), 20
    pdf.set_draw_color(*BORDER)
    pdf.set_line_width(0.4)
    pdf.rect(pdf.l_margin, top, pdf.epw, height)
    for index, (label, value) in enumerate(facts):
        x = pdf.l_margin + index * width
        pdf.line(x, top, x, top + height)
        pdf.set_xy(x + 4, top + 3.5)
        pdf.style(10, colour=SECONDARY)
        pdf.cell(width - 8, 5, label)
        pdf.set_xy(x + 4, top + 10)
        pdf.style(13, bold=True)
        pdf.cell(width - 8, 7, value)
    pdf.set_y(top + height + 2)


def _outcomes(pdf: _Certificate, d: CertificateDetails) -> None:
    if d.learning_outcomes:
        pdf.heading("Learning outcomes")
    for outcome in d.learning_outcomes:
        pdf.style(11)
        pdf.keep_together(outcome, indent=6)
        pdf.set_fill_color(*BLUE)
        pdf.ellipse(pdf.l_margin + 1, pdf.get_y() + 2.2, 1.6, 1.6, "F")
        pdf.para(outcome, indent=6)
        pdf.ln(1)


def _competencies(pdf: _Certificate, d: CertificateDetails) -> None:
    if d.competencies:
        pdf.heading("Competencies addressed")
    pdf.style(11, bold=True)
    codes = [pdf.get_string_width(pdf.printable(code)) for code, _ in d.competencies]
    indent = min(max(codes, default=0) + 5, pdf.epw / 3)
    for code, name in d.competencies:
        pdf.style(11)
        pdf.keep_together(name, indent=indent)
        top = pdf.get_y()
        pdf.style(11, bold=True)
        pdf.para(code, width=indent - 2)
        bottom = pdf.get_y()
        pdf.set_y(top)
        pdf.style(11)
        pdf.para(name, indent=indent)
        pdf.set_y(max(bottom, pdf.get_y()) + 1)


def _verification(pdf: _Certificate, d: CertificateDetails) -> None:
    pdf.style(11)
    sentence = pdf.printable(f"Check this certificate at {d.verify_url}")
    lines = pdf.multi_cell(pdf.epw - 12, LINE, sentence, dry_run=True, output="LINES")
    height = 22 + LINE * len(lines)
    if pdf.will_page_break(height + 8):
        pdf.add_page()
    top = pdf.get_y() + 6
    pdf.set_fill_color(*PALE)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, "F")
    pdf.set_fill_color(*BLUE)
    pdf.rect(pdf.l_margin, top, 2, height, "F")
    pdf.set_y(top + 4)
    pdf.style(10, colour=SECONDARY)
    pdf.para("Certificate code", 5, indent=8)
    pdf.style(16, bold=True)
    pdf.set_char_spacing(1)
    pdf.para(d.code, 10, indent=8)
    pdf.set_char_spacing(0)
    pdf.style(11)
    pdf.set_x(pdf.l_margin + 8)
    pdf.multi_cell(pdf.epw - 12, LINE, sentence, align="L", link=d.verify_url, new_x="LMARGIN")
    pdf.set_y(top + height)


def _reflection(pdf: _Certificate, d: CertificateDetails) -> None:
    pdf.add_page()
    pdf.style(22, bold=True)
    pdf.para("Reflection", 11)
    pdf.style(11, colour=SECONDARY)
    pdf.para(f"{d.learner_name} - {d.module_title}")
    pdf.para(f"Completed {date_in_words(d.completed_on)} - certificate {d.code}")
    pdf.ln(6)
    if reflection := (d.reflection or "").strip():
        pdf.style(11)
        pdf.para(reflection)
        return
    pdf.style(13, bold=True)
    pdf.para("What did you learn? How will it change your practice?", 8)
    pdf.style(11, colour=SECONDARY)
    pdf.para(
        "Write your reflection by hand below. You can use it as a reflective account "
        "for NMC revalidation or as supporting information for your GP appraisal."
    )
    pdf.set_draw_color(*BORDER)
    pdf.set_line_width(0.3)
    last = pdf.h - BOTTOM_MARGIN - 22
    for y in range(round(pdf.get_y() + 10), round(last) + 1, 9):
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(last + 12)
    pdf.style(11)
    pdf.cell(pdf.epw / 2, LINE, "Signed ______________________________")
    pdf.cell(pdf.epw / 2, LINE, "Date ____________________", align="R")


def _footers(pdf: _Certificate, d: CertificateDetails) -> None:
    # Drawn last, once the page count is known, by returning to each page in turn.
    pdf.set_auto_page_break(False)
    total = pdf.page
    for number in range(1, total + 1):
        pdf.page = number
        pdf.set_draw_color(*BORDER)
        pdf.set_line_width(0.3)
        pdf.line(pdf.l_margin, pdf.h - 17, pdf.w - pdf.r_margin, pdf.h - 17)
        pdf.set_xy(pdf.l_margin, pdf.h - 15)
        pdf.style(9, colour=SECONDARY)
        pdf.cell(pdf.epw / 2, 5, pdf.printable(f"{d.provider} CPD certificate {d.code}"))
        pdf.cell(pdf.epw / 2, 5, f"Page {number} of {total}", align="R")
    pdf.page = total
