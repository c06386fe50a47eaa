"""The reflective account in a CPD certificate's PDF, on pages of its own after the certificate.

A heading the learner answered shows the answer; one left blank gets ruled lines to write on,
sharing what the written answers leave of the page, and a line to sign and date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.pdf import BORDER, BOTTOM_MARGIN, LINE, SECONDARY, LinkwisePdf, date_in_words
from app.domain.reflection import HEADINGS

if TYPE_CHECKING:
    from app.domain.certificates import CertificateDetails

REFLECTION_NOTE = (
    "The headings follow the NMC's reflective account for revalidation. The same answers "
    "serve as a reflection for a GP's appraisal (RCGP) and as a pharmacist's CPD record "
    "(GPhC)."
)


def draw_reflective_account(pdf: LinkwisePdf, d: CertificateDetails) -> None:
    """Add the reflective account's pages: each heading's answer, or ruled lines to write on."""
    pdf.add_page()
    pdf.style(22, bold=True)
    pdf.para("Reflective account", 11)
    pdf.style(11, colour=SECONDARY)
    pdf.para(f"{d.learner_name} - {d.module_title}")
    pdf.para(f"Completed {date_in_words(d.completed_on)} - certificate {d.code}")
    pdf.ln(2)
    pdf.style(10, colour=SECONDARY)
    pdf.para(REFLECTION_NOTE, 5)
    account = d.reflection or {}
    blank = [h for h in HEADINGS if not (account.get(h.key) or "").strip()]
    lines_each = 0
    if blank:  # ruled lines to write on, sharing what the written answers leave of the page
        room = (
            pdf.h
            - BOTTOM_MARGIN
            - 14
            - pdf.get_y()
            - sum(16 + pdf.text_height(account[h.key]) for h in HEADINGS if h not in blank)
        )
        lines_each = max(3, int(room / len(blank) / 9) - 2)
    for heading in HEADINGS:
        text = (account.get(heading.key) or "").strip()
        pdf.heading(heading.title, 13, 4)
        if text:
            pdf.style(11)
            pdf.para(text)
            continue
        pdf.style(10, colour=SECONDARY)
        pdf.para(heading.hint, 5)
        if pdf.will_page_break(9 * lines_each):
            pdf.add_page()
        pdf.set_draw_color(*BORDER)
        pdf.set_line_width(0.3)
        y = pdf.get_y() + 7
        for _ in range(lines_each):
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            y += 9
        pdf.set_y(y - 5)
    if blank:
        if pdf.will_page_break(14):
            pdf.add_page()
        pdf.ln(6)
        pdf.style(11)
        pdf.cell(pdf.epw / 2, LINE, "Signed ______________________________")
        pdf.cell(pdf.epw / 2, LINE, "Date ____________________", align="R")
