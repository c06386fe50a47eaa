"""A character no PDF font can draw is printed as a visible description, never as another
character: an emoji or symbol by its name, anything else by its code point."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.domain import pdf_page
from app.domain.certificates import render_certificate_pdf
from app.domain.confirmation_pdf import ConfirmationRecord, render_confirmation_pdf
from tests.domain.test_certificates import NO_FONTS
from tests.domain.test_pdf_right_to_left import (  # noqa: F401 (an autouse fixture)
    DETAILS,
    fonts_with_these_scripts,
)
from tests.pdf_lines import pdf_text


@pytest.mark.parametrize("font_dirs", [None, NO_FONTS])
def test_an_emoji_in_a_reflection_is_named_on_the_reflective_account(font_dirs):
    account = {"learned": "Hope 🌈 for Mr K"}
    pdf = render_certificate_pdf(replace(DETAILS, reflection=account), font_dirs=font_dirs)
    text = pdf_text(pdf)
    assert "Hope [rainbow] for Mr K" in text
    assert "?" not in text


def test_an_emoji_in_a_supervisor_s_comments_is_named_on_the_practice_record():
    record = _record(comments="Great work 👍🏽 with Mrs B ❤️")
    text = pdf_text(render_confirmation_pdf(record))
    assert "Great work [thumbs up sign][emoji modifier fitzpatrick type-4] with Mrs B ❤" in text
    assert "?" not in text


def test_a_letter_no_font_has_is_given_by_its_code_point():
    # A rare ideograph (CJK extension B) that not even the CJK font has.
    text = pdf_text(render_certificate_pdf(replace(DETAILS, learner_name="Ann 𠮷")))
    assert "Ann [U+20BB7]" in text


def test_what_is_said_for_a_missing_character():
    assert pdf_page.missing("🌈") == "[rainbow]"
    assert pdf_page.missing("\ufe0f") == ""  # an emoji's style: the emoji is what is said
    assert pdf_page.missing("名") == "[U+540D]"


def _record(**fields):
    """The practice record test_pdf_right_to_left draws, with these fields."""
    base = ConfirmationRecord(
        reference="CP-1234",
        learner="Asha Patel",
        profession="Practice nurse",
        organisation="Leeds PCN",
        framework="Referring clinicians",
        competency="RC-1.1 Spotting needs",
        statement="Spots non-medical needs.",
        now_reads="",
        knowledge="Secure",
        self_assessment="",
        reflection="",
        supervisor="Dr Sue Smith",
        confirmed_at=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
        comments="",
        valid_until="6 May 2029",
    )
    return replace(base, **fields)
