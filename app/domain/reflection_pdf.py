"""The reflective account in a CPD certificate's PDF, on pages of its own after the certificate.

A heading the learner answered shows the answer; one left blank gets ruled lines to write on,
sharing what the written answers leave of the page, and a line to sign and date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.pdf import BORDER, BOTTOM_MARGIN, LINE, SECONDARY, LinkwisePdf, date_in_words
from app.domain.reflection import HEADINGS, RECORD_USES, RECORDS

if TYPE_CHECKING:
    from app.domain.certificates import CertificateDetails

REFLECTION_NOTE = "The headings follow the NMC's reflective account for revalidation."


RULED = 9  # mm between ruled lines to write on; never closer than CLOSEST
CLOSEST = 7  # a ruled exercise book's spacing: still room to write by hand
HEADING = 4 + 13 * 0.64  # the space above a heading, and its line (LinkwisePdf.heading)
SIGNED = 14  # the line to sign and date
SMALLEST = 7  # points: the smallest a long name heading the reflective account is printed


def _whose(pdf: LinkwisePdf, text: str) -> None:
    """Print whose reflective account it is, on one line where it fits: a long name (one of
    80 letters and no spaces, say) is printed smaller, down to SMALLEST points, rather than
    wrapped at full size onto lines the ruled lines need (the name is never cut short)."""
    size = 11
    pdf.style(size, colour=SECONDARY)
    while size > SMALLEST and pdf.get_string_width(pdf.printable(text)) > pdf.epw:
        size -= 0.5
        pdf.style(size, colour=SECONDARY)
    pdf.para(text, LINE * size / 11)


def _ruled_lines(pdf: LinkwisePdf, account: dict, blank: list) -> tuple[int, float]:
    """Return how many ruled lines each heading left blank gets, and how far apart: what the
    page has left once the written answers, the headings, their hints and the line to sign
    are placed, shared out; at least 3 lines a heading, drawn closer rather than fewer."""
    pdf.style(11)
    answers = [account[h.key].strip() for h in HEADINGS if h not in blank]
    written = sum(HEADING + pdf.text_height(answer) for answer in answers)
    pdf.style(10)
    hints = sum(HEADING + pdf.text_height(h.hint, 5) + 2 for h in blank)
    room = pdf.h - BOTTOM_MARGIN - SIGNED - pdf.get_y() - written - hints
    each = room / len(blank) - 11  # 7 above the first line, 4 below the last
    lines = max(3, int(each / RULED) + 1)
    return lines, max(CLOSEST, min(RULED, each / (lines - 1)))


def draw_reflective_account(pdf: LinkwisePdf, d: CertificateDetails) -> None:
    """Add the reflective account's pages: each heading's answer, or ruled lines to write on."""
    pdf.add_page()
    pdf.style(22, bold=True)
    pdf.para("Reflective account", 11)
    _whose(pdf, f"{d.learner_name} - {d.module_title}")
    pdf.style(11, colour=SECONDARY)
    pdf.para(f"Completed {date_in_words(d.completed_on)} - certificate {d.code}")
    pdf.ln(2)
    pdf.style(8.5, colour=SECONDARY)
    # What it is for, as the certificate page says it: it supports a record, it is not one.
    pdf.para(f"{REFLECTION_NOTE} {RECORDS}", 3.8)
    for use in RECORD_USES:
        pdf.para(f"- {use}", 3.8, indent=3)
    account = d.reflection or {}
    blank = [h for h in HEADINGS if not (account.get(h.key) or "").strip()]
    lines_each, gap = _ruled_lines(pdf, account, blank) if blank else (0, RULED)
    for heading in HEADINGS:
        text = (account.get(heading.key) or "").strip()
        pdf.heading(heading.title, 13, 4)
        if text:
            pdf.style(11)
            pdf.para(text)
            continue
        pdf.style(10, colour=SECONDARY)
        pdf.para(heading.hint, 5)
        # The line to sign goes with the last heading's lines, never on a page of its own.
        signed = SIGNED if heading == blank[-1] else 0
        if pdf.will_page_break(7 + gap * (lines_each - 1) + 4 + signed):
            pdf.add_page()
        pdf.set_draw_color(*BORDER)
        pdf.set_line_width(0.3)
        y = pdf.get_y() + 7
        for _ in range(lines_each):
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            y += gap
        pdf.set_y(y - gap + 4)
    if blank:
        if pdf.will_page_break(14):
            pdf.add_page()
        pdf.ln(6)
        pdf.style(11)
        pdf.cell(pdf.epw / 2, LINE, "Signed ______________________________")
        pdf.cell(pdf.epw / 2, LINE, "Date ____________________", align="R")
