"""The learning record as a PDF, to take to an appraisal or NMC revalidation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from app.domain.certificate_scope import CPD_TIME
from app.domain.learning_record import (
    CERTIFICATE_REVOKED,
    STATUS_WORDS,
    LearningRecord,
    describe_minutes,
)
from app.domain.pdf import (
    BLUE,
    FONT_DIRS,
    PALE,
    SECONDARY,
    LinkwisePdf,
    date_in_words,
    find_unicode_fonts,
)


def render_record_pdf(
    record: LearningRecord,
    verify_url: Callable[[str], str],
    *,
    font_dirs: Iterable[Path] | None = None,
) -> bytes:
    """Return the learner's record of modules, certificates and CPD time as an A4 PDF."""
    fonts = find_unicode_fonts(FONT_DIRS if font_dirs is None else tuple(font_dirs))
    pdf = LinkwisePdf(fonts, footer_text=f"Linkwise learning record: {record.learner_name}")
    pdf.set_title(pdf.printable(f"Learning record: {record.learner_name}"))
    pdf.set_author("Linkwise")
    pdf.set_creator("Linkwise")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(datetime.combine(record.generated_on, datetime.min.time(), UTC))
    pdf.add_page()
    _heading(pdf, record)
    _totals(pdf, record)
    for module in record.modules:
        _module(pdf, module, verify_url, record.rcgp)
    pdf.draw_footers()
    return bytes(pdf.output())


def _heading(pdf: LinkwisePdf, record: LearningRecord) -> None:
    pdf.style(11, bold=True, colour=BLUE)
    pdf.para("Linkwise", 7)
    pdf.style(24, bold=True)
    pdf.para("Learning record", 11)
    pdf.style(14, bold=True)
    pdf.para(record.learner_name, 8)
    pdf.style(11)
    pdf.para(record.profession)
    if record.registration_number:
        pdf.para(f"Registration number: {record.registration_number}")
    pdf.style(11, colour=SECONDARY)
    pdf.para(f"Produced on {date_in_words(record.generated_on)}")


def _totals(pdf: LinkwisePdf, record: LearningRecord) -> None:
    t = record.totals
    rows = (
        (
            f"CPD time since {date_in_words(t.year_start)}",
            describe_minutes(t.year_minutes, t.year_reflected_minutes, t.rcgp),
        ),
        (
            f"CPD time in the last {t.period_years} years (since {date_in_words(t.period_start)})",
            describe_minutes(t.period_minutes, t.period_reflected_minutes, t.rcgp),
        ),
    )
    pdf.ln(5)
    top = pdf.get_y()
    height = 8 + 12 * len(rows)
    pdf.set_fill_color(*PALE)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, "F")
    pdf.set_fill_color(*BLUE)
    pdf.rect(pdf.l_margin, top, 2, height, "F")
    pdf.set_y(top + 4)
    for label, value in rows:
        pdf.style(10, colour=SECONDARY)
        pdf.para(label, 5, indent=8)
        pdf.style(13, bold=True)
        pdf.para(value, 7, indent=8)
    pdf.set_y(top + height + 2)
    pdf.style(9, colour=SECONDARY)
    pdf.para(f"CPD time counts when a module is completed. {CPD_TIME} {record.cpd_note}", 4.5)


def _module(pdf: LinkwisePdf, module, verify_url: Callable[[str], str], rcgp: bool) -> None:
    facts = []
    if module.started_on:
        facts.append(f"started {date_in_words(module.started_on)}")
    if module.completed_on:
        facts.append(f"completed {date_in_words(module.completed_on)}")
    elif module.status == CERTIFICATE_REVOKED:
        facts.append(f"certificate issued {date_in_words(module.issued_on)}")
    if module.certificate_expired_on:
        facts.append(f"certificate expired {date_in_words(module.certificate_expired_on)}")
    if module.score_percent is not None:
        facts.append(f"best quiz score {module.score_percent}%")
    status = STATUS_WORDS[module.status]
    lines = [f"{status}: {', '.join(facts)}." if facts else f"{status}."]
    if module.renewed:
        lines.insert(0, f"An earlier certificate: this module was {module.passed_again_in_words}.")
    if module.counted:
        minutes = describe_minutes(module.credited_minutes, module.reflected_minutes, rcgp)
        lines.append(f"CPD time: {minutes}.")
    elif module.certificate_revoked_on:
        lines.append("CPD time: not counted, as its certificate was revoked.")
    if module.certificate_code:
        code = module.certificate_code
        if module.certificate_revoked_on:
            revoked = date_in_words(module.certificate_revoked_on)
            lines.append(f"Certificate {code} was revoked on {revoked}: it no longer counts.")
            if module.completed_through:
                lines.append(_completed_through(module.completed_through))
        else:
            lines.append(f"Certificate {code}: {verify_url(code)}")
        lines.append(f"Clinical review of the content: {module.clinical_review}.")
        if module.certificate_expired_on:
            lines.append(_expired(module))
        written = "written" if module.reflection_written else "not yet written"
        lines.append(f"Reflective account {written}.")
    pdf.style(13, bold=True)
    pdf.keep_together(module.title + "\n" + "\n".join(lines))
    pdf.heading(module.title, 13, 4)
    pdf.style(11)
    for line in lines:
        pdf.para(line)


def _expired(module) -> str:
    # The certificate the module stands on, in the words of its own page; its time still counts.
    code = module.completed_through.code if module.completed_through else module.certificate_code
    day = date_in_words(module.certificate_expired_on)
    return f"Certificate {code} expired on {day}: the learning it records is due again."


def _completed_through(earlier) -> str:
    return (
        f"The module stays completed through the earlier certificate {earlier.code}, "
        f"issued on {date_in_words(earlier.issued_on)}, which still stands."
    )
