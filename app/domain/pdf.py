"""The A4 page Linkwise's PDFs share: fonts that may not cover every letter, NHS colours,
wrapped text, headings and page footers.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

MONTHS = (  # noqa: SIM905 - one line reads better than twelve
    "January February March April May June July August September October November December"
).split()

# Liberation Sans has Arial's metrics, the nearest free relative of the NHS typeface;
# DejaVu Sans covers more scripts, so it is the fallback for glyphs Liberation lacks.
# Droid Sans Fallback (Debian's fonts-droid-fallback) draws Chinese, Japanese and Korean,
# which neither has. It has one weight, so it is listed as its own bold; a document opens
# it only when a letter needs it (pdf_page.Page), as it is large: a Latin-only PDF never
# reads it. Its "Full" sibling, the one in /usr/share/fonts, has no Hangul.
FONT_FILES = (
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DroidSansFallback.ttf", "DroidSansFallback.ttf"),
)
FONT_DIRS = (
    Path(__file__).parent / "fonts",
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts-droid-fallback"),  # kept out of fontconfig's sight by Debian
)
CORE_FONT = "helvetica"

# Letters and punctuation that do not decompose into ASCII plus accents, for the core font.
TRANSLITERATIONS = str.maketrans(
    dict(zip("ŁłĐđĦħıĸſ‘’‚“”„–—‐‑−•\u00a0", "LlDdHhiqs'''\"\"\"------ ", strict=True))
    | {"Œ": "OE", "œ": "oe", "Ŋ": "NG", "ŋ": "ng", "…": "...", "€": "EUR", "\t": "    "}
)

BLUE = (0, 94, 184)  # NHS blue #005eb8
TEXT = (33, 43, 50)  # NHS text #212b32
SECONDARY = (76, 97, 114)  # NHS secondary text #4c6272
BORDER = (216, 221, 224)  # NHS grey 4 #d8dde0
PALE = (240, 244, 245)  # NHS grey 5 #f0f4f5
WHITE = (255, 255, 255)

MARGIN = 20
BOTTOM_MARGIN = 24
LINE = 6


class PageBreak(Exception):
    """A document drawn to fit the pages it has ran onto another (`Page.last_page`)."""


def date_in_words(day: date) -> str:
    """Return a date as written on a certificate, e.g. "23 November 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def cpd_time_in_words(minutes: int) -> str:
    """Return CPD time in words, e.g. "45 minutes" or "1 hour 30 minutes"."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == 1 else "s"))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("" if rest == 1 else "s"))
    return " ".join(parts)


@cache
def find_unicode_fonts(font_dirs: tuple[Path, ...] = FONT_DIRS) -> tuple[tuple[Path, Path], ...]:
    """Return the (regular, bold) font files found on this machine, best first."""
    found = []
    for regular, bold in FONT_FILES:
        for folder in font_dirs:
            if not folder.is_dir():
                continue
            paths = [next(folder.rglob(name), None) for name in (regular, bold)]
            if paths[0] and paths[1]:
                found.append((paths[0], paths[1]))
                break
    return tuple(found)


def LinkwisePdf(fonts: tuple[tuple[Path, Path], ...], footer_text: str = "Linkwise"):  # noqa: N802
    """Return a new A4 document (app/domain/pdf_page.py); fpdf2 is imported on first use."""
    from app.domain.pdf_page import Page

    return Page(fonts, footer_text)
