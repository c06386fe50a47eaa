"""CPD certificates: verification codes and the PDF, read back with poppler's pdftotext."""

import math
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.certificate_codes import (
    CODE_ALPHABET,
    is_certificate_code,
    new_certificate_code,
    normalise_code,
)
from app.domain.certificates import (
    CertificateDetails,
    cpd_time_in_words,
    date_in_words,
    find_unicode_fonts,
    render_certificate_pdf,
)
from app.domain.reflection import HEADINGS
from tests.pdf_lines import drawn_lines

CODE_FORMAT = re.compile(r"LW(-[2-9A-HJKMNP-TV-Z]{4}){4}")
NO_FONTS = ()  # font_dirs that hold no fonts, forcing the built-in Helvetica

# Missing tools fail the test with what to install, rather than skipping it: a skipped check
# would let a broken PDF through unnoticed.
needs_poppler = pytest.mark.usefixtures("poppler")
needs_unicode_font = pytest.mark.usefixtures("unicode_font")


@pytest.fixture
def poppler():
    """Require poppler's pdftotext and pdfinfo, which read the PDFs back."""
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), (
        "reading PDFs back needs poppler: apt-get install poppler-utils"
    )


@pytest.fixture
def unicode_font():
    """Require a font with the characters the certificate prints."""
    assert find_unicode_fonts(), (
        "the certificate needs a Unicode font: apt-get install fonts-dejavu-core"
    )


@pytest.fixture
def details():
    """Return a typical certificate's details."""
    return CertificateDetails(
        learner_name="Asha Patel",
        profession="Social prescribing link worker",
        registration_number="12A3456E",
        module_title="Social prescribing: roles and responsibilities",
        completed_on=date(2026, 11, 23),
        cpd_minutes=45,
        learning_outcomes=(
            "Explain what social prescribing is and who it helps.",
            "Describe how a link worker differs from a care co-ordinator.",
        ),
        competencies=(("SPLW-1.1", "Person-centred conversations"),),
        score_percent=85,
        code="LW-7KQ4-M9XD-2RTA-H3VN",
        verify_url="https://linkwise.example/certificates/LW-7KQ4-M9XD-2RTA-H3VN",
    )


def pdf_text(pdf: bytes) -> str:
    """Return the text of a PDF, pages separated by form feeds, spaces collapsed."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return "\f".join(" ".join(page.split()) for page in text.split("\f"))


def pdf_info(pdf: bytes) -> dict[str, str]:
    """Return pdfinfo's fields for a PDF."""
    out = subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_count(pdf: bytes) -> int:
    """Return the number of pages in a PDF."""
    return int(pdf_info(pdf)["Pages"])


def test_codes_match_the_printed_format_and_never_repeat():
    codes = [new_certificate_code() for _ in range(10_000)]
    assert all(CODE_FORMAT.fullmatch(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_codes_carry_at_least_60_bits_of_randomness():
    symbols = len(new_certificate_code().removeprefix("LW-").replace("-", ""))
    assert symbols * math.log2(len(CODE_ALPHABET)) >= 60


def test_code_alphabet_has_no_easily_confused_characters():
    assert not set("0O1IL") & set(CODE_ALPHABET)


@given(
    st.builds(lambda _: new_certificate_code(), st.integers()),
    st.sampled_from(
        [
            str,
            str.lower,
            lambda c: c.replace("-", ""),
            lambda c: c.replace("-", " "),
            lambda c: f"  {c.lower().replace('-', '')} ",
            lambda c: c.removeprefix("LW-"),
        ]
    ),
)
def test_normalise_code_accepts_lower_case_spaces_and_missing_dashes(code, typed):
    assert normalise_code(typed(code)) == code
    assert is_certificate_code(typed(code))


@pytest.mark.parametrize("text", ["", "hello", "LW-0000-1111-OOOO-IIII", "LW-7KQ4-M9XD"])
def test_text_that_is_not_a_code_is_recognised(text):
    assert not is_certificate_code(text)


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (121, "2 hours 1 minute"),
        (180, "3 hours"),
    ],
)
def test_cpd_time_is_written_in_hours_and_minutes(minutes, words):
    assert cpd_time_in_words(minutes) == words


def test_completion_date_is_written_in_words():
    assert date_in_words(date(2026, 11, 23)) == "23 November 2026"
    assert date_in_words(date(2027, 1, 5)) == "5 January 2027"


def test_certificate_is_an_a4_pdf_with_metadata(details):
    pdf = render_certificate_pdf(details)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = {key: value.strip() for key, value in pdf_info(pdf).items()}
        assert info["Author"] == "Linkwise"
        assert details.module_title in info["Title"]
        assert details.code in info["Subject"]
        assert info["Page size"].endswith("(A4)")


def test_certificate_is_the_same_bytes_every_time(details):
    assert render_certificate_pdf(details) == render_certificate_pdf(details)


@needs_poppler
@needs_unicode_font
def test_a_certificate_drawn_after_others_is_the_one_drawn_first(details):
    # The font files are read once a process, and each PDF keeps only the letters it uses:
    # what one certificate used must not be left out of, or added to, the next.
    first = render_certificate_pdf(details)
    other = replace(details, learner_name="Gwenllïan ap Dŵr", reflection={"learned": "Ŵŷ ŵ ŷ Ω"})
    assert "Gwenllïan ap Dŵr" in pdf_text(render_certificate_pdf(other))
    again = render_certificate_pdf(details)
    assert again == first
    assert "Ŵŷ ŵ ŷ Ω" not in pdf_text(again) and details.learner_name in pdf_text(again)


@needs_poppler
@pytest.mark.parametrize("font_dirs", [None, NO_FONTS], ids=["unicode-font", "core-font"])
def test_certificate_shows_everything_a_reviewer_checks(details, font_dirs):
    text = pdf_text(render_certificate_pdf(details, font_dirs=font_dirs))
    expected = [
        "Certificate of completion",
        "Continuing professional development (CPD)",
        "Asha Patel",
        "Social prescribing link worker",
        "Registration number: 12A3456E",
        "Social prescribing: roles and responsibilities",
        "provided by Linkwise",
        "23 November 2026",
        "45 minutes",
        "85%",
        *details.learning_outcomes,
        "SPLW-1.1 Person-centred conversations",
        "LW-7KQ4-M9XD-2RTA-H3VN",
        f"Check this certificate at {details.verify_url}",
    ]
    assert [item for item in expected if item not in text] == []


@needs_poppler
def test_the_certificate_says_its_cpd_time_is_an_estimate_and_what_it_shows(details):
    first = pdf_text(render_certificate_pdf(details)).split("\f")[0]
    assert "CPD time is the module's estimate of its reading, activities and reflection" in first
    assert "completed the module and passed its knowledge quiz" in first
    assert "It does not show competence in practice." in first


@needs_poppler
def test_registration_number_is_left_out_when_not_given(details):
    text = pdf_text(render_certificate_pdf(replace(details, registration_number=None)))
    assert "Registration number" not in text


@needs_poppler
def test_long_cpd_time_is_written_in_hours(details):
    text = pdf_text(render_certificate_pdf(replace(details, cpd_minutes=90)))
    assert "1 hour 30 minutes" in text


NMC_HEADINGS = (
    "What happened",
    "What you learned",
    "How it changed your practice",
    "How it relates to the Code",
)


@needs_poppler
def test_empty_reflection_prints_the_nmc_headings_and_lines_to_write_on(details):
    for reflection in ({}, {"learned": "  \n "}):
        pdf = render_certificate_pdf(replace(details, reflection=reflection))
        reflection_page = pdf_text(pdf).split("\f")[1]
        assert "Reflective account" in reflection_page
        assert [h for h in NMC_HEADINGS if h not in reflection_page] == []
        assert "NMC" in reflection_page and "RCGP" in reflection_page
        assert "GPhC" in reflection_page
        # As the certificate page says it: the account supports a record, it is not one.
        assert "can support your own records, but it does not replace them" in reflection_page
        assert "serve as" not in reflection_page and "peer discussion" in reflection_page
        assert "Signed" in reflection_page
        assert page_count(pdf) == 2


@needs_poppler
def test_written_reflection_prints_under_its_headings_in_order(details):
    account = {
        "activity": "I took the module after a patient asked about a walking group.",
        "learned": "Most referrals come from GPs, but anyone can refer.",
        "practice": "I now ask what matters before suggesting anything.",
        "code": "Prioritise people: I listen first.",
    }
    text = pdf_text(render_certificate_pdf(replace(details, reflection=account))).split("\f")[1]
    positions = []
    for heading, key in zip(NMC_HEADINGS, ("activity", "learned", "practice", "code"), strict=True):
        positions += [text.index(heading), text.index(account[key])]
    assert positions == sorted(positions)
    assert "Signed" not in text


@needs_poppler
def test_long_reflection_spans_pages_and_is_all_printed(details):
    sentences = [f"Sentence {n} says what I will change in clinic number {n}." for n in range(400)]
    reflection = "\n\n".join(" ".join(sentences[i : i + 8]) for i in range(0, 400, 8))
    pdf = render_certificate_pdf(replace(details, reflection={"practice": reflection}))
    text = pdf_text(pdf)
    running_text = re.sub(r"Linkwise CPD certificate \S+ Page \d+ of \d+\f", "", text)
    assert page_count(pdf) > 3
    assert [s for s in sentences if s not in running_text] == []
    assert f"Page {page_count(pdf)} of {page_count(pdf)}" in text


@needs_poppler
def test_learner_text_is_printed_literally_not_interpreted(details):
    tricky = "**bold** <b>tag</b> {nb} %PDF \\n (paren) #hash"
    pdf = render_certificate_pdf(
        replace(details, learner_name=tricky, reflection={"learned": tricky})
    )
    assert pdf_text(pdf).count(tricky) >= 2


def _certificate_pages(pdf: bytes) -> list[str]:
    """Return the text of each page before the reflective account."""
    pages = pdf_text(pdf).split("\f")
    return pages[: next(i for i, page in enumerate(pages) if "Reflective account" in page)]


@needs_poppler
def test_certificate_fits_one_page_even_with_many_outcomes_and_competencies(details):
    busy = replace(
        details,
        learning_outcomes=tuple(
            f"Outcome {n}: explain how a link worker supports someone with step {n}."
            for n in range(6)
        ),
        competencies=tuple((f"SPLW-{n}.1", f"Competency number {n} in words") for n in range(12)),
    )
    pages = _certificate_pages(render_certificate_pdf(busy))
    assert len(pages) == 1
    assert "Check this certificate at" in pages[0]
    assert "SPLW-11.1" in pages[0]


@needs_poppler
def test_a_certificate_too_long_for_one_page_leaves_no_near_empty_page(details):
    huge = replace(
        details,
        learning_outcomes=tuple(
            f"Outcome {n}: explain, in your own words and with an example from practice, how "
            f"a link worker supports someone through stage {n} of their plan."
            for n in range(30)
        ),
    )
    pages = _certificate_pages(render_certificate_pdf(huge))
    assert len(pages) > 1
    footer = len("Linkwise CPD certificate LW-7KQ4-M9XD-2RTA-H3VN Page 1 of 9")
    assert all(len(page) - footer > 300 for page in pages), [len(p) for p in pages]


@needs_poppler
@pytest.mark.parametrize(
    "name",
    ["W" * 80, "Wolfeschlegelsteinhausenbergerdorff" * 2 + "Ww" * 5, "W" * 200, "Wwwwwwwww " * 8],
)
def test_a_long_name_keeps_the_certificate_and_its_reflective_account_to_their_pages(details, name):
    """A long name, even one with no spaces to wrap at, is printed whole, and the reflective
    account stays on its page with the line to sign (not spilling onto a page of its own)."""
    pdf = render_certificate_pdf(replace(details, learner_name=name))
    assert page_count(pdf) == 2
    for page in (1, 2):
        lines = drawn_lines(pdf, page)
        assert name.replace(" ", "") in "".join("".join(line) for line in lines), page
    reflective = [" ".join(line) for line in drawn_lines(pdf, 2)]
    assert reflective[0] == "Reflective account"
    signed = next(n for n, line in enumerate(reflective) if line.startswith("Signed"))
    last = HEADINGS[-1].title
    assert any(line.startswith(last) for line in reflective[:signed]), reflective


@needs_poppler
@needs_unicode_font
def test_accented_welsh_and_polish_names_print_exactly_with_a_unicode_font(details):
    names = ["Siân Ó Dálaigh", "Zoë Łukasz", "Gwenllïan ap Dŵr"]
    for name in names:
        text = pdf_text(render_certificate_pdf(replace(details, learner_name=name)))
        assert name in text


@needs_poppler
@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Siân Ó Dálaigh", "Siân Ó Dálaigh"),
        ("Zoë Łukasz", "Zoë Lukasz"),
        ("Gwenllïan ap Dŵr", "Gwenllïan ap Dwr"),
        ("Nguyễn Thị Ánh", "Nguyen Thi Ánh"),
    ],
)
def test_names_are_transliterated_when_no_unicode_font_is_installed(details, name, printed):
    pdf = render_certificate_pdf(replace(details, learner_name=name), font_dirs=NO_FONTS)
    assert printed in pdf_text(pdf)


def test_characters_no_font_can_draw_do_not_break_the_pdf(details):
    odd = replace(
        details, learner_name="𠮷 🐉 \u200b\x07", reflection={"learned": "Emoji 🐉 and \x00 nul"}
    )
    for font_dirs in (None, NO_FONTS):
        assert render_certificate_pdf(odd, font_dirs=font_dirs).startswith(b"%PDF")
