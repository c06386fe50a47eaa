"""A right-to-left name on the PDF certificate looks as Chromium draws it, letters joined."""

import io
import os
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from app.domain.certificates import render_certificate_pdf
from app.domain.pdf import find_unicode_fonts
from tests.domain.test_pdf_right_to_left import DETAILS
from tests.pdf_lines import drawn_words

# Set LINKWISE_SHOTS to a folder to keep both pictures for a person to look at.
SHOTS = os.environ.get("LINKWISE_SHOTS")
DPI = 96  # CSS pixels: a 28pt name is as many pixels in both pictures
PAGE = "http://pdf-names.test/"


def ink(image: Image.Image) -> Image.Image:
    """Return the dark pixels of a picture as a mask, cropped to them."""
    mask = image.convert("L").point(lambda v: 255 if v < 150 else 0).convert("1")
    return mask.crop(mask.getbbox())


def overlap(a: Image.Image, b: Image.Image) -> float:
    """Return how much two masks, stretched to one size, cover the same pixels (0 to 1)."""
    size = (max(a.width, b.width), max(a.height, b.height))
    a, b = a.resize(size), b.resize(size)
    both = ImageChops.logical_and(a, b).histogram()[-1]
    either = ImageChops.logical_or(a, b).histogram()[-1]
    return both / either


def chromium_picture(page, name: str, font: Path) -> Image.Image:
    """Return Chromium's drawing of name, bold 28pt, in the font file the PDF uses for it."""
    html = (
        "<!doctype html><meta charset=utf-8><style>@font-face{font-family:pdf;"
        "src:url(name.ttf)} p{font:28pt pdf;display:inline-block;padding:8px}</style>"
        f"<p id=name>{name}</p>"
    )
    page.route(PAGE + "name.ttf", lambda route: route.fulfill(body=font.read_bytes()))
    page.route(PAGE, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(PAGE)
    page.evaluate("document.fonts.ready")
    return Image.open(io.BytesIO(page.locator("#name").screenshot()))


def pdf_picture(pdf: bytes, letters: str) -> Image.Image:
    """Return page 1 of the PDF, at DPI, cut to the words holding these letters."""
    boxes = [w[:4] for w in drawn_words(pdf) if set(w[4]) & set(letters)]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    scale = DPI / 72
    page = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil()
    box = (left * scale - 4, top * scale - 4, right * scale + 4, bottom * scale + 4)
    return page.crop(tuple(round(v) for v in box))


@pytest.mark.parametrize("name", ["שרה כהן", "سارة أحمد"], ids=["hebrew", "arabic"])
def test_a_right_to_left_name_on_the_certificate_looks_as_chromium_draws_it(page, name, tmp_path):
    # DejaVu Sans Bold draws the name: Liberation Sans has no Hebrew or Arabic.
    bold = next((b for _, b in find_unicode_fonts() if b.name == "DejaVuSans-Bold.ttf"), None)
    assert bold, "apt-get install fonts-dejavu-core"
    chromium = chromium_picture(page, name, bold)
    pdf = pdf_picture(render_certificate_pdf(replace(DETAILS, learner_name=name)), name)
    target = Path(SHOTS) if SHOTS else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    chromium.save(target / "name-chromium.png")
    pdf.save(target / "name-pdf.png")
    # Drawn in typing order, or with Arabic letters standing apart, the two cover about a
    # fifth to a third of the same pixels; drawn alike, over four fifths.
    assert overlap(ink(chromium), ink(pdf)) > 0.6
