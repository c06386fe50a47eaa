"""CPD certificates: the printable PDF a learner keeps for revalidation or appraisal.

The certificate is one page: when its outcomes and competencies are many, the layout
tightens (competencies in two columns, then smaller type) before anything spills onto a
second page. The reflective account follows on pages of its own (domain/reflection_pdf.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from app.domain.certificate_scope import CPD_TIME, SHOWS
from app.domain.clinical_review import REVIEW_LABEL, content_review
from app.domain.pdf import (
    BLUE,
    BORDER,
    FONT_DIRS,
    LINE,
    PALE,
    SECONDARY,
    WHITE,
    LinkwisePdf,
    PageBreak,
    cpd_time_in_words,
    date_in_words,
    find_unicode_fonts,
)
from app.domain.reflection_pdf import draw_reflective_account

__all__ = [
    "REVIEW_LABEL",
    "CertificateDetails",
    "content_review",
    "cpd_time_in_words",
    "date_in_words",
    "find_unicode_fonts",
    "render_certificate_pdf",
]

QR_SIZE = 28  # millimetres: scans easily from a printed page


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
    # The reflective account by heading key (domain/reflection.py); missing keys are blank.
    reflection: dict = field(default_factory=dict)
    # What its credential recorded when signed: until when the evidence behind it counts
    # (None when it has no end date, or no credential), and when it was revoked.
    valid_until: date | None = None
    revoked_on: date | None = None
    # Who the module named as its clinical reviewer when the certificate was issued, as its
    # file said it; None for a certificate issued before that was recorded (migration 0047).
    clinical_reviewer: str | None = None

    @property
    def content_review(self) -> str:
        """Return what the certificate says of its content's clinical review."""
        return content_review(self.clinical_reviewer)


@dataclass(frozen=True)
class _Layout:
    scale: float = 1.0
    two_columns: bool = False

    def size(self, points: float) -> float:
        """Return a type size or distance scaled to this layout."""
        return round(points * self.scale, 2)


# Tried in turn until the certificate fits on its page.
LAYOUTS = (
    _Layout(),
    _Layout(1.0, True),
    _Layout(0.9, True),
    _Layout(0.82, True),
    _Layout(0.76, True),
)


def render_certificate_pdf(
    details: CertificateDetails, *, font_dirs: Iterable[Path] | None = None
) -> bytes:
    """Return the A4 PDF certificate, with its reflective account, for details."""
    fonts = find_unicode_fonts(FONT_DIRS if font_dirs is None else tuple(font_dirs))
    pdf = _certificate_on_one_page(fonts, details)
    pdf.set_title(pdf.printable(f"CPD certificate: {details.module_title}"))
    pdf.set_subject(pdf.printable(f"CPD certificate for {details.learner_name}, {details.code}"))
    pdf.set_author("Linkwise")
    pdf.set_creator("Linkwise")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(datetime.combine(details.completed_on, datetime.min.time(), UTC))
    draw_reflective_account(pdf, details)
    pdf.draw_footers()
    return bytes(pdf.output())


def _new_pdf(fonts, details: CertificateDetails) -> LinkwisePdf:
    pdf = LinkwisePdf(fonts, footer_text=f"{details.provider} CPD certificate {details.code}")
    pdf.add_page()
    return pdf


def _certificate_on_one_page(fonts, details: CertificateDetails) -> LinkwisePdf:
    """Return a document with the certificate drawn in the first layout that fits one page.

    The drawing that fits is kept and goes on, not drawn again; if none fits, the first. A
    tighter layout is given up at its first break onto a second page: the page count only
    grows, so it would not have fitted, and the rest of it need not be drawn.
    """
    first = _new_pdf(fonts, details)
    _certificate_page(first, details, LAYOUTS[0])
    if first.page == 1:
        return first
    for layout in LAYOUTS[1:]:
        pdf = _new_pdf(fonts, details)
        pdf.last_page = 1
        try:
            _certificate_page(pdf, details, layout)
        except PageBreak:
            continue
        pdf.last_page = None
        return pdf
    return first


def _certificate_page(pdf: LinkwisePdf, d: CertificateDetails, lay: _Layout) -> None:
    for draw in (_award, _facts, _outcomes, _competencies, _verification):
        draw(pdf, d, lay)


def _award(pdf: LinkwisePdf, d: CertificateDetails, lay: _Layout) -> None:
    band = lay.size(52)
    pdf.set_fill_color(*BLUE)
    pdf.rect(0, 0, pdf.w, band, "F")
    pdf.set_y(lay.size(14))
    pdf.style(11, bold=True, colour=WHITE)
    pdf.para(d.provider, 7)
    pdf.style(lay.size(26), bold=True, colour=WHITE)
    pdf.para("Certificate of completion", lay.size(11))
    pdf.style(lay.size(13), colour=WHITE)
    pdf.para("Continuing professional development (CPD)", 7)
    pdf.set_y(band + lay.size(12))
    pdf.style(12, colour=SECONDARY)
    pdf.para("This is to certify that", lay.size(8))
    name, size = pdf.printable(d.learner_name), lay.size(28)
    pdf.style(size, bold=True)
    while size > 16 and pdf.get_string_width(name) > pdf.epw:
        size -= 1
        pdf.style(size, bold=True)
    pdf.para(name, size * 0.45 + 0.5)
    pdf.style(12)
    pdf.para(d.profession)
    if d.registration_number:
        pdf.para(f"Registration number: {d.registration_number}")
    pdf.ln(lay.size(4))
    pdf.style(12, colour=SECONDARY)
    pdf.para("has completed the module", 7)
    pdf.style(lay.size(18), bold=True, colour=BLUE)
    pdf.para(d.module_title, lay.size(8.5))
    pdf.ln(1)
    pdf.style(12, colour=SECONDARY)
    pdf.para(f"provided by {d.provider}")
    pdf.style(lay.size(10), colour=SECONDARY)
    pdf.para(f"{REVIEW_LABEL}: {d.content_review}")


def _facts(pdf: LinkwisePdf, d: CertificateDetails, lay: _Layout) -> None:
    facts = (
        ("Date completed", date_in_words(d.completed_on)),
        ("CPD time", cpd_time_in_words(d.cpd_minutes)),
        ("Quiz score", f"{d.score_percent}%"),
    ) + _standing(d)
    pdf.ln(lay.size(7))
    top, width, height = pdf.get_y(), pdf.epw / len(facts), lay.size(20)
    pdf.set_draw_color(*BORDER)
    pdf.set_line_width(0.4)
    pdf.rect(pdf.l_margin, top, pdf.epw, height)
    for index, (label, value) in enumerate(facts):
        x = pdf.l_margin + index * width
        pdf.line(x, top, x, top + height)
        pdf.set_xy(x + 4, top + lay.size(3.5))
        pdf.style(10, colour=SECONDARY)
        pdf.cell(width - 8, 5, label)
        pdf.set_xy(x + 4, top + lay.size(10))
        pdf.style(lay.size(13), bold=True)
        pdf.cell(width - 8, 7, value)
    pdf.set_y(top + height + lay.size(2))
    # What the figures do and do not show (domain/certificate_scope.py).
    pdf.style(8.5, colour=SECONDARY)  # never smaller: it says what the figures mean
    pdf.para(f"{CPD_TIME} {SHOWS}", 3.8)


def _standing(d: CertificateDetails) -> tuple[tuple[str, str], ...]:
    # A revoked certificate says so where a valid one says until when it is valid.
    if d.revoked_on:
        return (("Revoked on", date_in_words(d.revoked_on)),)
    return (("Valid until", date_in_words(d.valid_until)),) if d.valid_until else ()


def _outcomes(pdf: LinkwisePdf, d: CertificateDetails, lay: _Layout) -> None:
    if d.learning_outcomes:
        pdf.heading("Learning outcomes", lay.size(14), lay.size(5))
    line = lay.size(LINE)
    for outcome in d.learning_outcomes:
        pdf.style(lay.size(11))
        pdf.keep_together(outcome, indent=6, height=line)
        pdf.set_fill_color(*BLUE)
        pdf.ellipse(pdf.l_margin + 1, pdf.get_y() + line * 0.37, 1.6, 1.6, "F")
        pdf.para(outcome, line, indent=6)
        pdf.ln(lay.size(1))


def _competencies(pdf: LinkwisePdf, d: CertificateDetails, lay: _Layout) -> None:
    if not d.competencies:
        return
    pdf.heading("Competencies addressed", lay.size(14), lay.size(5))
    columns = 2 if lay.two_columns and len(d.competencies) > 3 else 1
    gap = 6
    column_width = (pdf.epw - gap * (columns - 1)) / columns
    pdf.style(lay.size(11), bold=True)
    codes = [pdf.get_string_width(pdf.printable(code)) for code, _ in d.competencies]
    indent = min(max(codes, default=0) + 4, column_width / 3)
    line = lay.size(LINE)
    rows = [d.competencies[i : i + columns] for i in range(0, len(d.competencies), columns)]
    for row in rows:
        pdf.style(lay.size(11))
        tallest = max(
            pdf.multi_cell(
                column_width - indent, line, pdf.printable(name), dry_run=True, output="HEIGHT"
            )
            for _, name in row
        )
        if pdf.will_page_break(tallest):
            pdf.add_page()
        top, bottom = pdf.get_y(), pdf.get_y()
        for index, (code, name) in enumerate(row):
            x = pdf.l_margin + index * (column_width + gap)
            pdf.set_xy(x, top)
            pdf.style(lay.size(11), bold=True)
            pdf.multi_cell(indent - 2, line, pdf.printable(code), align="L")
            pdf.set_xy(x + indent, top)
            pdf.style(lay.size(11))
            pdf.multi_cell(column_width - indent, line, pdf.printable(name), align="L")
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(pdf.l_margin, bottom + lay.size(1))


def _verification(pdf: LinkwisePdf, d: CertificateDetails, lay: _Layout) -> None:
    pdf.style(11)
    sentence = pdf.printable(
        f"Check this certificate at {d.verify_url}, or scan the QR code with a phone camera."
    )
    qr, text_width = QR_SIZE, pdf.epw - 12 - QR_SIZE - 10
    lines = pdf.multi_cell(text_width, LINE, sentence, dry_run=True, output="LINES")
    height = max(22 + LINE * len(lines), qr + 12)
    if pdf.will_page_break(height + lay.size(6)):
        pdf.add_page()
    top = pdf.get_y() + lay.size(6)
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
    pdf.multi_cell(text_width, LINE, sentence, align="L", link=d.verify_url, new_x="LMARGIN")
    # White behind the code keeps the quiet zone a scanner needs around it.
    qr_x, qr_y = pdf.l_margin + pdf.epw - qr - 6, top + (height - qr) / 2
    pdf.set_fill_color(*WHITE)
    pdf.rect(qr_x - 4, qr_y - 4, qr + 8, qr + 8, "F")
    pdf.qr_code(d.verify_url, qr_x, qr_y, qr)
    pdf.set_y(top + height)
