"""Chinese, Japanese and Korean names in the PDFs: drawn in a CJK font's glyphs, never as
code points, and read back by poppler as the letters typed."""

import shutil
from dataclasses import replace

import pytest

from app.domain.certificates import render_certificate_pdf
from app.domain.confirmation_pdf import render_confirmation_pdf
from app.domain.pdf import LinkwisePdf, find_unicode_fonts
from tests.domain.test_pdf_missing_glyphs import _record
from tests.domain.test_pdf_right_to_left import DETAILS, line_with
from tests.pdf_lines import drawn_lines, drawn_words, pdf_text

CJK_FONT = "DroidSansFallback.ttf"
# Two outcomes and a competency: a two-letter name fits the first layout, the longest not.
OUTCOMES = replace(
    DETAILS,
    learning_outcomes=(
        "Explain what social prescribing is and who it helps.",
        "Describe how a link worker differs from a care co-ordinator.",
    ),
    competencies=(("SPLW-1.1", "Person-centred conversations"),),
)


@pytest.fixture(autouse=True)
def east_asian_font():
    """Require the CJK font (which CI installs) and poppler to read the PDFs back."""
    fonts = [regular.name for regular, _ in find_unicode_fonts()]
    assert CJK_FONT in fonts, "CJK names need their font: apt-get install fonts-droid-fallback"
    assert shutil.which("pdftotext"), "apt-get install poppler-utils"


def test_chinese_japanese_and_korean_names_read_back_from_the_certificate():
    account = {"learned": "Shadowed 李明 (Beijing) and 佐藤 花子 (Osaka)."}
    text = pdf_text(
        render_certificate_pdf(replace(DETAILS, learner_name="김민준", reflection=account))
    )
    assert "This is to certify that 김민준 Social prescribing link worker" in text
    # The reflective account's line after the name, which starts in the CJK font, is drawn in
    # its own font (tests/domain/test_pdf_right_to_left.py has the story).
    completed = f"Completed 23 November 2026 - certificate {DETAILS.code}"
    assert f"김민준 - Social prescribing: roles and responsibilities {completed}" in text
    assert "Shadowed 李明 (Beijing) and 佐藤 花子 (Osaka)." in text
    assert "[U+" not in text


def test_cjk_names_read_back_from_the_supervisor_s_confirmation_of_practice():
    record = _record(learner="李明", supervisor="佐藤 花子", comments="김민준 씨와 잘 했습니다.")
    text = pdf_text(render_confirmation_pdf(record))
    assert "李明 (Practice nurse)" in text
    assert "佐藤 花子" in text and "김민준 씨와 잘 했습니다." in text
    assert "[U+" not in text


def test_the_longest_cjk_name_fits_the_certificate_page_in_a_tighter_layout():
    name = "佐藤花子" * 50  # 200 letters, the most a name may have
    short, long = (
        render_certificate_pdf(replace(OUTCOMES, learner_name=n)) for n in ("李明", name)
    )
    page_one = "".join(word for line in drawn_lines(long) for word in line)
    assert name in page_one and "Checkthiscertificateat" in page_one
    # A tighter layout draws the title smaller.
    assert _height(long, "Certificate") < _height(short, "Certificate")


def test_a_cjk_name_beside_a_hebrew_one_keeps_its_place_and_the_hebrew_reads_right_to_left():
    pdf = render_certificate_pdf(replace(DETAILS, learner_name="שרה 李明"))
    assert line_with(drawn_lines(pdf), "הרש") == ["הרש", "李明"]


def test_a_document_opens_the_cjk_font_only_once_a_letter_needs_it():
    pdf = LinkwisePdf(find_unicode_fonts())
    pdf.printable("Zoë Łukasz שרה כהן 🌈 Ω")
    assert CJK_FONT not in {path.name for path, _ in pdf.font_files.values()}
    pdf.printable("Ann 李")
    assert CJK_FONT in {path.name for path, _ in pdf.font_files.values()}


def _height(pdf: bytes, word: str) -> float:
    """Return how tall a word's box is where first drawn on page 1."""
    return next(bottom - top for _, top, _, bottom, w in drawn_words(pdf) if w == word)
