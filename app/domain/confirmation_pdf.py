"""A supervisor's confirmation of practice as a signed-off PDF record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.domain.dates import uk_day
from app.domain.pdf import (
    BLUE,
    FONT_DIRS,
    SECONDARY,
    LinkwisePdf,
    date_in_words,
    find_unicode_fonts,
)


@dataclass(frozen=True)
class ConfirmationRecord:
    """What the signed-off record says, as plain values."""

    reference: str
    learner: str
    profession: str
    organisation: str
    framework: str
    competency: str  # code and name, as confirmed
    statement: str  # as confirmed
    now_reads: str  # how the wording reads now, if it has changed since; else empty
    knowledge: str  # the knowledge rating shown to the supervisor when they confirmed
    self_assessment: str  # confidence in words, or empty
    reflection: str
    supervisor: str
    confirmed_at: datetime
    comments: str
    valid_until: str  # as the decision recorded it, in words (`validity_in_words`)
    # Whether the learner's account has been erased since: what they and the supervisor
    # wrote about them (reflection, comments) was removed with it.
    learner_erased: bool = False
    # Whether the supervisor's account has been erased since: their name left the record.
    supervisor_erased: bool = False


# Said in place of text that erasure removed, so the record never reads as if none was written.
REMOVED_AT_ERASURE = "Removed when the learner's account was erased"


# Who confirmed, once the supervisor's account is erased: no one is named any more.
SUPERVISOR_ERASED = "A supervisor whose account has since been erased"


# A confirmation decided before Linkwise recorded its validity (migration 0032).
VALIDITY_NOT_RECORDED = "Not recorded (confirmed before Linkwise kept how long it is valid)"


def validity_in_words(
    valid_until: datetime | None, recorded: bool, now: datetime | None = None
) -> str:
    """Say until when a confirmation is valid, as its decision recorded it; with `now`, say
    too whether it has expired."""
    if not recorded:
        return VALIDITY_NOT_RECORDED
    if valid_until is None:
        return "No end date"
    day = date_in_words(uk_day(valid_until))
    return f"{day}: it has expired" if now is not None and valid_until <= now else day


def _reflection(record: ConfirmationRecord) -> str:
    """Return the reflection row: as sent, none sent, or removed with the learner's account."""
    if record.learner_erased and record.self_assessment:
        return REMOVED_AT_ERASURE
    return record.reflection or "None given"


def render_confirmation_pdf(
    record: ConfirmationRecord, *, font_dirs: Iterable[Path] | None = None
) -> bytes:
    """Return the confirmation of practice as an A4 PDF."""
    fonts = find_unicode_fonts(FONT_DIRS if font_dirs is None else tuple(font_dirs))
    pdf = LinkwisePdf(fonts, footer_text=f"Linkwise confirmation of practice {record.reference}")
    pdf.set_title(pdf.printable(f"Confirmation of practice: {record.learner}"))
    pdf.set_author("Linkwise")
    pdf.set_creator("Linkwise")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(record.confirmed_at.astimezone(UTC).replace(microsecond=0))
    pdf.add_page()
    pdf.style(20, bold=True, colour=BLUE)
    pdf.para("Confirmation of practice", 10)
    pdf.style(11, colour=SECONDARY)
    pdf.para(f"Reference {record.reference}")
    rows = [
        ("Learner", f"{record.learner} ({record.profession})"),
        ("Organisation", record.organisation),
        ("Framework", record.framework),
        ("Competency", record.competency),
        ("Statement", record.statement),
        *((("Wording since", record.now_reads),) if record.now_reads else ()),
        ("Knowledge rating from quizzes", record.knowledge),
        ("Learner's own confidence", record.self_assessment or "Not given"),
        ("Learner's reflection or example", _reflection(record)),
        ("Confirmed by", SUPERVISOR_ERASED if record.supervisor_erased else record.supervisor),
        ("Confirmed on", date_in_words(uk_day(record.confirmed_at))),
        (
            "Supervisor's comments",
            REMOVED_AT_ERASURE if record.learner_erased else record.comments or "None",
        ),
        ("Valid until", record.valid_until),
    ]
    for label, value in rows:
        pdf.ln(3)
        pdf.style(10, bold=True, colour=SECONDARY)
        pdf.para(label, 5)
        pdf.style(12)
        pdf.para(value)
    pdf.ln(6)
    pdf.style(10, colour=SECONDARY)
    who = (
        f"{SUPERVISOR_ERASED} confirmed"
        if record.supervisor_erased
        else "The supervisor named above confirmed"
    )
    pdf.para(
        f"{who}, through Linkwise, that they have seen the learner's practice in this "
        "competency. Quiz results show knowledge only; this record is the person's "
        "confirmation of practice."
    )
    pdf.draw_footers()
    return bytes(pdf.output())
