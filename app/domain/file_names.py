"""The names of the files people download: what they hold, in safe ASCII, and the day.

A manager who downloads two organisations', two teams' or two filters' files on one day keeps
them apart by name: linkwise-compliance-riverside-pcn-elm-street-surgery-2026-12-07.csv.
Every part is a slug (lower-case ASCII letters and digits joined by single hyphens), so the
name needs no quoting or encoding in a Content-Disposition header and is safe on any disk.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

PART_LENGTH = 40  # letters a part keeps at most: the name stays readable, well under 255
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, length: int = PART_LENGTH) -> str:
    """Return the text as a slug: accents dropped ("Zoë" is "zoe"), other letters and marks
    that ASCII cannot hold made hyphens, at most `length` letters ('' for none left)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", plain).strip("-")[:length].strip("-")


def download_name(what: str, parts: Iterable[str], day: date, extension: str) -> str:
    """Return a download's file name: linkwise-WHAT-PARTS-YYYY-MM-DD.EXTENSION, each part a
    slug (a part with nothing left of it is left out)."""
    slugs = [found for part in parts if (found := slug(part))]
    return "-".join(["linkwise", slug(what), *slugs, day.isoformat()]) + "." + slug(extension)
