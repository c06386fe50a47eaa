"""Who wrote a module, who checked it, when it is due for review, and what it rests on."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .yamlfields import Field, YamlReader

PROVENANCE_KEYS = (
    "version",
    "author",
    "clinical_reviewer",
    "published",
    "next_review",
    "references",
    "further_reading",
)
REFERENCE_KEYS = ("title", "publisher", "year", "url")
# Dates a module may give: none of this course was written before 2000, and a year in the
# 2100s or later is a slip of the keyboard. Fixed, not counted from today, so a file that
# validates once always does (stored results are reused: app/content_cache.py).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


@dataclass(frozen=True)
class Reference:
    """A source in full: its title, publisher, year and web address."""

    title: str
    publisher: str
    year: int
    url: str


@dataclass(frozen=True)
class Provenance:
    """The facts a CPD assessor asks of a module."""

    version: str
    author: str
    clinical_reviewer: str
    published: datetime.date
    next_review: datetime.date
    references: tuple[Reference, ...]
    further_reading: tuple[Reference, ...]


# How a module says its clinical review is still to come (docs/authoring.md asks for plain
# words, e.g. "Awaiting named independent clinical reviewer"), at the start or anywhere in it
# ("Dr A Smith (pending)"): a certificate claims a review only where none of these appears.
NOT_YET_REVIEWED = ("awaiting", "not ", "no ", "none", "to be ", "yet to ")
NOT_YET_ANYWHERE = re.compile(
    r"\b(await\w*|pending|under review|in review|tbc|tbd|tba|n/?a|unknown|not yet|yet to|"
    r"to be (?:confirmed|named|reviewed|decided)|unreviewed|draft)\b"
)


def names_a_reviewer(clinical_reviewer: str | None) -> bool:
    """Return whether a module's `clinical_reviewer` names someone, not a review to come.

    Only text that says nothing of a review still to come counts: a certificate must never
    say "Reviewed by Under review".
    """
    said = (clinical_reviewer or "").strip().lower()
    if not said or said in ("no", "n/a", "-") or said.startswith(NOT_YET_REVIEWED):
        return False
    return NOT_YET_ANYWHERE.search(said) is None


def read_provenance(reader: YamlReader, fields: dict[str, Field]) -> Provenance | None:
    """Return a module's provenance, reporting each missing or malformed value at its line."""
    version = _version(reader, fields)
    author, reviewer = reader.text(fields, "author"), reader.text(fields, "clinical_reviewer")
    published, next_review = (
        _date(reader, fields, "published"),
        _date(reader, fields, "next_review"),
    )
    if published and next_review and next_review <= published:
        reader.error(fields["next_review"].line, "'next_review' must be after 'published'")
        next_review = None
    references = _references(reader, fields, "references")
    further = _references(reader, fields, "further_reading")
    values = (version, author, reviewer, published, next_review, references, further)
    if any(value is None for value in values):
        return None
    return Provenance(*values)


def _version(reader: YamlReader, fields: dict[str, Field]) -> str | None:
    found = fields.get("version")
    if found is None or not reader.single(found, "version", 'text in quotes, such as "2.0"'):
        return None
    value = reader.value(found.node)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if not reader.unbuilt(found.node):
        reader.error(found.line, "'version' must be text in quotes, such as \"2.0\"")
    return None


def _date(reader: YamlReader, fields: dict[str, Field], key: str) -> datetime.date | None:
    found = fields.get(key)
    if found is None or not reader.single(found, key, "a date written like 2026-12-01"):
        return None
    # 2026-02-30 is shaped like a date and is none: one plain message, not PyYAML's.
    written = found.node.value
    unbuilt = f"'{key}' must be a real date written like 2026-12-01, not {written}"
    value = reader.value(found.node, unbuilt)
    if value is None and found.node.tag != "tag:yaml.org,2002:null":
        return None  # it could not be built, and was reported as such
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        reader.error(found.line, f"'{key}' must be a date written like 2026-12-01")
        return None
    if not EARLIEST <= value <= LATEST:
        reader.error(
            found.line,
            f"'{key}' must be a date from {EARLIEST} to {LATEST}, not {value}",
        )
        return None
    return value


def _references(reader: YamlReader, fields: dict[str, Field], key: str) -> tuple | None:
    nodes = reader.sequence(fields, key)
    if nodes is None:
        return None
    found: list[Reference] = []
    for node in nodes:
        item = reader.mapping(node, f"each item of '{key}'")
        if item is None:
            continue
        what = f"an item of '{key}'"
        if not reader.check_keys(
            item, required=REFERENCE_KEYS, known=(), missing_line=reader.line(node), what=what
        ):
            continue
        title, publisher, url = (reader.text(item, k) for k in ("title", "publisher", "url"))
        year = reader.integer(item, "year", minimum=1900, maximum=LATEST.year)
        if url and not url.startswith("https://"):
            reader.error(
                item["url"].line, f"'url' must be a full web address starting https://, not '{url}'"
            )
            url = None
        if title and publisher and year and url:
            found.append(Reference(title, publisher, year, url))
    return tuple(found) if len(found) == len(nodes) else None
