"""Each PDF embeds the glyphs it draws and no other's, however many are made in one process
and at once: the font files, and the fonts cut down to a set of glyphs, are shared by every
document the process makes (app/domain/pdf_fonts.py), and gunicorn's workers are threaded."""

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from fpdf.output import OutputProducer

from app.domain import pdf_fonts
from app.domain.certificates import render_certificate_pdf
from tests.domain.test_pdf_right_to_left import (  # noqa: F401 (an autouse fixture)
    DETAILS,
    fonts_with_these_scripts,
)
from tests.pdf_fonts import embedded_characters
from tests.pdf_lines import pdf_text

# Over more pages than the others: its objects, fonts among them, are numbered differently.
WELSH = replace(
    DETAILS,
    learner_name="Gwenllïan ap Dŵr",
    reflection={"learned": "Ŵŷ ŵ ŷ Ω. " + "I listen first, then ask what matters. " * 150},
)
HEBREW = replace(DETAILS, learner_name="שרה כהן", module_title="Referral routes")
PLAIN = replace(DETAILS, learner_name="Asha Patel", competencies=(("SPLW-1.1", "Listening"),))
ONLY_WELSH, ONLY_HEBREW = set("ŵŷŴΩï"), set("שרהכן")

FRESH_PROCESS = """
import sys
from tests.domain.test_pdf_documents_apart import PLAIN, render_certificate_pdf
sys.stdout.buffer.write(render_certificate_pdf(PLAIN))
"""


def characters(pdf: bytes) -> set[str]:
    """Return every character the PDF's embedded fonts can draw."""
    return set().union(*embedded_characters(pdf).values())


def made_in_a_fresh_process() -> bytes:
    """Return the plain certificate as a process that has made no other PDF makes it."""
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        env={**os.environ, "PYTHONPATH": str(root)},
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout


def test_a_pdf_made_after_others_embeds_only_its_own_glyphs():
    welsh = render_certificate_pdf(WELSH)
    hebrew = render_certificate_pdf(HEBREW)
    plain = render_certificate_pdf(PLAIN)
    assert plain == made_in_a_fresh_process()
    assert not (ONLY_WELSH | ONLY_HEBREW) & characters(plain)
    assert characters(welsh) >= ONLY_WELSH and not ONLY_HEBREW & characters(welsh)
    assert characters(hebrew) >= ONLY_HEBREW and not ONLY_WELSH & characters(hebrew)
    assert "Dŵr" not in pdf_text(plain) and "Dŵr" not in pdf_text(hebrew)
    assert "Gwenllïan ap Dŵr" in pdf_text(welsh)
    assert render_certificate_pdf(WELSH) == welsh


def test_pdfs_made_at_once_in_threads_come_out_as_each_made_alone():
    kinds = (WELSH, HEBREW, PLAIN)
    alone = [render_certificate_pdf(details) for details in kinds]
    jobs = [0, 2, 1, 2] * 3

    def make(kind: int) -> bytes:
        return render_certificate_pdf(kinds[kind])

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(make, jobs))
    assert [
        kinds[kind].learner_name for kind, pdf in zip(jobs, made, strict=True) if pdf != alone[kind]
    ] == []


def test_a_pdf_whose_fonts_are_written_while_another_s_are_comes_out_whole(monkeypatch):
    # Threads take turns where the scheduler likes; this test picks the worst turn: the
    # Welsh certificate (more pages, so its objects are numbered differently) has written
    # its fonts, then the plain one writes its own before the Welsh one goes on. fpdf2's
    # private _add_fonts (2.8.9, pinned) is the step that writes a document's fonts.
    welsh_alone, plain_alone = render_certificate_pdf(WELSH), render_certificate_pdf(PLAIN)
    welsh_fonts_written, plain_fonts_written = threading.Event(), threading.Event()
    add_fonts = OutputProducer._add_fonts

    def in_turn(producer, *args):
        fonts = add_fonts(producer, *args)
        if producer.fpdf.pages_count > 2:
            welsh_fonts_written.set()
            assert plain_fonts_written.wait(timeout=60)
        else:
            plain_fonts_written.set()
        return fonts

    def plain_once_the_welsh_fonts_are_written() -> bytes:
        assert welsh_fonts_written.wait(timeout=60)
        return render_certificate_pdf(PLAIN)

    monkeypatch.setattr(OutputProducer, "_add_fonts", in_turn)
    with ThreadPoolExecutor(2) as pool:
        welsh = pool.submit(render_certificate_pdf, WELSH)
        plain = pool.submit(plain_once_the_welsh_fonts_are_written)
        assert plain.result() == plain_alone
        assert welsh.result() == welsh_alone


def test_a_font_file_is_read_once_a_process_and_each_set_of_glyphs_cut_once():
    render_certificate_pdf(PLAIN)
    files, cuts = pdf_fonts.font_files_read(), pdf_fonts.font_cuts_made()
    for _ in range(3):
        render_certificate_pdf(PLAIN)
    assert pdf_fonts.font_files_read() == files
    assert pdf_fonts.font_cuts_made() == cuts
    render_certificate_pdf(replace(PLAIN, learner_name="Zoë Quinn"))
    # Its name has letters the plain one lacks, in the regular and the bold font alike.
    assert pdf_fonts.font_cuts_made() == cuts + 2


@pytest.mark.parametrize("details", [PLAIN, WELSH], ids=["latin", "welsh"])
def test_a_pdf_from_cut_fonts_kept_is_the_pdf_from_fonts_cut_afresh(details):
    render_certificate_pdf(details)
    kept = render_certificate_pdf(details)
    pdf_fonts.forget_font_cuts()
    assert render_certificate_pdf(details) == kept
