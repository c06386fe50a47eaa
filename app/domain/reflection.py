"""The reflective account a learner writes about a module, under the NMC's headings.

The NMC asks nurses for reflective accounts under four headings; the same four answers
serve a GP's appraisal reflection (RCGP: what you learned and what you will do
differently) and a pharmacist's GPhC CPD record (what you learned and how it benefits the
people you care for). The wording here is ours.
"""

from dataclasses import dataclass

MAX_LENGTH = 2500  # characters under each heading


@dataclass(frozen=True)
class Heading:
    """One part of the reflective account."""

    key: str
    title: str
    hint: str


HEADINGS = (
    Heading(
        "activity",
        "What happened",
        "The learning you did and why: the module, and the question or situation in your "
        "work that led you to it.",
    ),
    Heading(
        "learned",
        "What you learned",
        "What is new to you, or what you now understand differently.",
    ),
    Heading(
        "practice",
        "How it changed your practice",
        "What you do differently now, or will do, and how the people you care for benefit.",
    ),
    Heading(
        "code",
        "How it relates to the Code",
        "Nurses: the NMC Code's themes (prioritise people, practise effectively, preserve "
        "safety, promote professionalism and trust). Pharmacists and doctors: the standards "
        "your regulator sets.",
    ),
)
KEYS = tuple(heading.key for heading in HEADINGS)


def clean(values: dict) -> dict[str, str]:
    """Return the account as stored: each known heading's text, trimmed and cut to length."""
    account = {}
    for key in KEYS:
        text = values.get(key) or ""
        text = text.replace("\r\n", "\n").strip()[:MAX_LENGTH] if isinstance(text, str) else ""
        if text:
            account[key] = text
    return account


def written(account: dict | None) -> bool:
    """Say whether anything has been written under any heading."""
    return any((account or {}).get(key) for key in KEYS)


def as_pairs(account: dict | None) -> tuple[tuple[str, str], ...]:
    """Return (heading title, text) for every heading, in order; text may be empty."""
    account = account or {}
    return tuple((heading.title, account.get(heading.key, "")) for heading in HEADINGS)
