"""Names and text in right-to-left scripts in the PDFs: drawn in the order a reader reads them.

Poppler is the oracle: `drawn_lines` gives each word's letters as drawn, left to right, so
a Hebrew or Arabic word drawn correctly comes back reversed; plain pdftotext gives them back
in typing order.
"""

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain.certificates import CertificateDetails, render_certificate_pdf
from app.domain.confirmation_pdf import ConfirmationRecord, render_confirmation_pdf
from app.domain.learning_record import CpdTotals, LearningRecord
from app.domain.pdf import find_unicode_fonts
from app.domain.record_pdf import render_record_pdf
from tests.pdf_lines import drawn_lines, pdf_text

# A name as typed, and its words as seen on the page from left to right.
NAMES = {
    "hebrew": ("שרה כהן", ["ןהכ", "הרש"]),
    "arabic": ("سارة أحمد", ["دمحأ", "ةراس"]),
}

DETAILS = CertificateDetails(
    learner_name="Asha Patel",
    profession="Social prescribing link worker",
    module_title="Social prescribing: roles and responsibilities",
    completed_on=date(2026, 11, 23),
    cpd_minutes=45,
    score_percent=85,
    code="LW-7KQ4-M9XD-2RTA-H3VN",
    verify_url="https://linkwise.example/certificates/LW-7KQ4-M9XD-2RTA-H3VN",
)


@pytest.fixture(autouse=True)
def fonts_with_these_scripts():
    """Require a font with Hebrew and Arabic (DejaVu Sans), and poppler to read them back."""
    fonts = [regular.name for regular, _ in find_unicode_fonts()]
    assert "DejaVuSans.ttf" in fonts, "apt-get install fonts-dejavu-core"
    assert shutil.which("pdftotext"), "apt-get install poppler-utils"


def line_with(lines: list[list[str]], word: str) -> list[str]:
    return next((line for line in lines if word in line), [f"no line has {word!r}", *lines])


@pytest.mark.parametrize("script", NAMES)
def test_a_right_to_left_name_is_drawn_right_to_left_on_the_certificate(script):
    name, seen = NAMES[script]
    pdf = render_certificate_pdf(replace(DETAILS, learner_name=name))
    assert line_with(drawn_lines(pdf), seen[0]) == seen
    assert name in pdf_text(pdf)


@pytest.mark.parametrize("script", NAMES)
def test_a_right_to_left_name_reads_in_place_inside_an_english_sentence(script):
    name, seen = NAMES[script]
    sentence = f"This certifies that {name} completed the module."
    pdf = render_certificate_pdf(replace(DETAILS, reflection={"learned": sentence}))
    english = ["This", "certifies", "that", *seen, "completed", "the", "module."]
    assert line_with(drawn_lines(pdf, page=2), "certifies") == english


def test_a_long_right_to_left_reflection_wraps_with_each_line_drawn_right_to_left():
    words = ("שלום", "עולם", "ספר", "בית") * 12
    pdf = render_certificate_pdf(replace(DETAILS, reflection={"learned": " ".join(words)}))
    lines = [line for line in drawn_lines(pdf, page=2) if "\u0590" <= line[0][0] <= "\u05ff"]
    assert len(lines) > 1
    # Read right to left, line after line, the words come in the order they were typed.
    assert [word[::-1] for line in lines for word in reversed(line)] == list(words)


@pytest.mark.parametrize(
    ("name", "seen"),
    [(*NAMES["hebrew"],), ("Անի Պետրոսյան", ["Անի", "Պետրոսյան"])],
    ids=["hebrew", "armenian"],
)
def test_the_line_after_a_name_the_first_font_lacks_is_drawn_in_its_own_font(name, seen):
    # The reflective account's second line starts with the name, drawn in the fallback font;
    # the line after it came out as garbage, in a stale font and size.
    lines = drawn_lines(render_certificate_pdf(replace(DETAILS, learner_name=name)), page=2)
    assert line_with(lines, "Social")[:4] == [*seen, "-", "Social"]
    completed = ["Completed", "23", "November", "2026", "-", "certificate", DETAILS.code]
    assert line_with(lines, "Completed") == completed


def test_letters_no_font_has_are_still_marked_beside_right_to_left_ones():
    pdf = render_certificate_pdf(replace(DETAILS, learner_name="שרה 𠮷"))
    assert line_with(drawn_lines(pdf), "הרש") == ["הרש", "[U+20BB7]"]


@pytest.mark.parametrize("script", NAMES)
def test_the_learning_record_draws_a_right_to_left_name_right_to_left(script):
    name, seen = NAMES[script]
    record = LearningRecord(
        learner_name=name,
        profession="Practice nurse",
        registration_number=None,
        generated_on=date(2027, 2, 3),
        modules=(),
        totals=CpdTotals(date(2026, 4, 1), 0, 3, date(2024, 2, 3), 0),
    )
    lines = drawn_lines(render_record_pdf(record, lambda code: code))
    assert line_with(lines, seen[0]) == seen
    assert lines[-1][:3] == ["Linkwise", "learning", "record:"] and lines[-1][3:5] == seen


@pytest.mark.parametrize("script", NAMES)
def test_the_practice_record_draws_right_to_left_names_right_to_left(script):
    name, seen = NAMES[script]
    record = ConfirmationRecord(
        reference="CP-1234",
        learner=name,
        profession="Practice nurse",
        organisation="Leeds PCN",
        framework="Referring clinicians",
        competency="RC-1.1 Spotting needs",
        statement="Spots non-medical needs.",
        now_reads="",
        knowledge="Secure",
        self_assessment="",
        reflection="",
        supervisor=f"Dr {name}",
        confirmed_at=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
        comments="",
        valid_until="6 May 2029",
    )
    lines = drawn_lines(render_confirmation_pdf(record))
    assert [*seen, "(Practice", "nurse)"] in lines
    assert ["Dr", *seen] in lines


BLOCKED_UHARFBUZZ = """
import sys
sys.modules["uharfbuzz"] = None  # as if it were not installed: importing it fails
from dataclasses import replace
from tests.domain.test_pdf_right_to_left import DETAILS, render_certificate_pdf
out = sys.argv[1]
hebrew = replace(DETAILS, learner_name="שרה כהן")
open(out + "/latin.pdf", "wb").write(render_certificate_pdf(DETAILS))
open(out + "/hebrew.pdf", "wb").write(render_certificate_pdf(hebrew))
"""


def test_without_uharfbuzz_the_pdfs_are_drawn_as_before_rather_than_failing(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run(
        [sys.executable, "-c", BLOCKED_UHARFBUZZ, str(tmp_path)], env=env, cwd=root, check=True
    )
    # Latin text is never shaped: the same bytes whether or not uharfbuzz is there.
    assert (tmp_path / "latin.pdf").read_bytes() == render_certificate_pdf(DETAILS)
    # Without it, a Hebrew name is drawn in typing order, as it was before shaping.
    hebrew = (tmp_path / "hebrew.pdf").read_bytes()
    assert line_with(drawn_lines(hebrew), "שרה") == ["שרה", "כהן"]
