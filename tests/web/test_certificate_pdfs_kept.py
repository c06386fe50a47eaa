"""A certificate's PDF is drawn once and kept, and drawn again when what it prints changes."""

import subprocess
from dataclasses import replace
from datetime import date

import pytest

from app.content import catalogue
from app.domain.certificates import CertificateDetails, render_certificate_pdf
from app.services.certificate_pdfs import KEPT_PDFS, KeptPdfs
from tests.web.journeys import pass_module
from tests.web.quiz_helpers import browser_form

DETAILS = CertificateDetails(
    learner_name="Sam Patel",
    profession="Practice nurse",
    module_title="What social prescribing is",
    completed_on=date(2026, 12, 1),
    cpd_minutes=30,
    learning_outcomes=("Say what social prescribing is.",),
    competencies=(("SPLW-1.1", "What matters to you"),),
    score_percent=90,
    code="LW-AAAA-BBBB",
    verify_url="https://linkwise.example/certificates/LW-AAAA-BBBB",
)


def text_of(pdf: bytes) -> str:
    shown = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(shown.stdout.decode().split())


def test_the_same_details_are_drawn_once_and_served_again():
    kept = KeptPdfs()
    first = kept.pdf(DETAILS)
    assert kept.pdf(replace(DETAILS)) is first  # equal details, another object: the kept PDF
    assert first == render_certificate_pdf(DETAILS)
    assert len(kept) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"learner_name": "Sam Patel-Jones"},
        {"revoked_on": date(2026, 12, 2)},
        {"valid_until": date(2029, 12, 1)},
        {"reflection": {"learned": "Ask what matters first."}},
        {"verify_url": "https://other.example/certificates/LW-AAAA-BBBB"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_any_detail_changed_draws_the_pdf_those_details_draw(change):
    kept = KeptPdfs()
    before = kept.pdf(DETAILS)
    changed = replace(DETAILS, **change)
    after = kept.pdf(changed)
    assert after != before
    assert after == render_certificate_pdf(changed)
    assert len(kept) == 2


def test_only_the_newest_are_kept_within_the_bound_in_bytes():
    size = len(render_certificate_pdf(DETAILS))
    kept = KeptPdfs(most=2 * size + size // 2)  # room for two of these, not three
    names = [f"Learner {n}" for n in range(3)]
    first = kept.pdf(replace(DETAILS, learner_name=names[0]))
    kept.pdf(replace(DETAILS, learner_name=names[1]))
    assert kept.pdf(replace(DETAILS, learner_name=names[0])) is first  # now the newest
    kept.pdf(replace(DETAILS, learner_name=names[2]))  # the second goes, the first stays
    assert len(kept) == 2
    assert kept.pdf(replace(DETAILS, learner_name=names[0])) is first
    assert kept.pdf(replace(DETAILS, learner_name=names[1])) is not first
    assert "Learner 1" in text_of(kept.pdf(replace(DETAILS, learner_name=names[1])))


def test_a_pdf_larger_than_the_bound_is_served_and_not_kept():
    kept = KeptPdfs(most=100)
    assert kept.pdf(DETAILS) == render_certificate_pdf(DETAILS)
    assert len(kept) == 0


def test_a_download_after_the_reflection_changed_prints_the_new_reflection(app, signed_in):
    """The learner's certificate and data export carry the reflection saved since the last."""
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_module(app, signed_in, "learner@example.org", module)
    url = f"/modules/{module.slug}/certificate.pdf"
    KEPT_PDFS.clear()
    first = signed_in.get(url).data
    assert signed_in.get(url).data == first
    assert len(KEPT_PDFS) == 1
    page = f"/modules/{module.slug}/certificate/"
    form = browser_form(signed_in.get(page).text, "reflection-form")
    form["learned"] = "Ask what matters before anything else."
    assert signed_in.post(page, data=form).status_code == 302
    second = signed_in.get(url).data
    assert second != first
    assert "Ask what matters before anything else." in text_of(second)
    assert "Ask what matters before anything else." not in text_of(first)
    assert signed_in.get(url).data == second
