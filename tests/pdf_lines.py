"""Read a PDF back with poppler as a reader sees it: which words are drawn where, in what order."""

import html
import re
import subprocess

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def drawn_words(pdf: bytes, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """Return each word on a page as (left, top, right, bottom, letters), in points.

    `pdftotext -bbox` gives a word's letters in the order they are drawn, left to right, so a
    Hebrew word drawn correctly comes back reversed. (Plain pdftotext turns a right-to-left
    word back into typing order, which would hide the order it was drawn in.)
    """
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [
        (float(a), float(b), float(c), float(d), html.unescape(w))
        for a, b, c, d, w in WORD.findall(xml)
    ]


def drawn_lines(pdf: bytes, page: int = 1) -> list[list[str]]:
    """Return the page's lines top to bottom, each its words as seen from left to right."""
    lines: dict[float, list[tuple[float, str]]] = {}
    for left, _top, _right, bottom, letters in drawn_words(pdf, page):
        # Words of one line share a baseline; letters of different scripts differ in height.
        baseline = next((b for b in lines if abs(b - bottom) < 2), bottom)
        lines.setdefault(baseline, []).append((left, letters))
    return [[w for _, w in sorted(words)] for _, words in sorted(lines.items())]


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text in typing order (poppler's reading), spaces collapsed."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    # Poppler marks a right-to-left run with embedding characters, and moves a space into it.
    return " ".join(re.sub("[\u202a-\u202e\u2066-\u2069]", "", text).split())
