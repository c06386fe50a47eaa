"""The reflective account a learner writes about a module, under the NMC's headings.

The NMC asks nurses for reflective accounts under four headings; the same four answers
can support a GP's appraisal reflection (RCGP: what you learned and what you will do
differently) and a pharmacist's GPhC CPD record (what you learned and how it benefits the
people you care for), but never replace them. The wording here is ours; the certificate
page and its PDF both say what the account is for in RECORDS and RECORD_USES.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

# What the account is for, said the same on the certificate page and in its PDF: it can
# support a regulator's record, it is not one.
RECORDS = "What you write here can support your own records, but it does not replace them:"
RECORD_USES = (
    "nurses and midwives (NMC revalidation): it can be one of your reflective accounts, which "
    "you still discuss with another NMC registrant",
    "GPs (appraisal, following RCGP guidance): it is the reflection that lets an hour of "
    "learning count as one CPD credit",
    "pharmacists and pharmacy technicians (GPhC revalidation): it can be the notes for a CPD "
    "record, which you write in the GPhC's own format (planned learning: reflect, plan, act, "
    "evaluate; unplanned learning: what you learned and what changed); revalidation also asks "
    "for a peer discussion and a reflective account of its own",
)

MAX_LENGTH = 2500  # characters under each heading
SHOWN = "shown-"  # the form's field carrying what a part showed when drawn: shown-<key>
# The form's field naming the certificate (its code) whose account the form was drawn for.
CERTIFICATE = "certificate"


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


@dataclass(frozen=True)
class Part:
    """One heading of the reflective account as its form shows it."""

    heading: Heading
    text: str  # what the box holds
    shown: str  # the fingerprint of the saved text the box stands for (see fingerprint)
    error: str | None = None
    # The text saved now, when it differs from the box's because it was changed elsewhere
    # after the form was drawn (None otherwise).
    saved: str | None = None


@dataclass(frozen=True)
class Saving:
    """What a save of the form does: the account to store and the form to show again."""

    account: dict[str, str]
    changed: tuple[str, ...]  # the headings' keys written
    parts: tuple[Part, ...]
    invalid: bool = False  # the form broke a rule, so nothing of it is written

    @property
    def errors(self) -> tuple[Part, ...]:
        """Return the parts with an error, in order."""
        return tuple(part for part in self.parts if part.error)


def _text(value) -> str:
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def fingerprint(text: str) -> str:
    """Return a short fingerprint of a part's text, for the form to carry instead of it."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def drawn(account: Mapping | None) -> tuple[Part, ...]:
    """Return the form showing the account as saved."""
    account = account or {}
    return tuple(
        Part(h, account.get(h.key, ""), fingerprint(account.get(h.key, ""))) for h in HEADINGS
    )


def save(account: Mapping | None, values: Mapping) -> Saving:
    """Return what saving the form's `values` makes of the saved `account`.

    Only the parts the form changed from what it showed are written, so a tab opened
    earlier never wipes or puts back what another saved. A part the form changed that was
    changed elsewhere since is not written: it comes back with both texts and an error,
    and saving again replaces it. A part over the length limit makes the form invalid:
    nothing is written and every text comes back as typed. A part the form does not send,
    or sent by a form drawn without what it showed, counts as showing what is saved now.
    """
    account = {key: text for key, text in (account or {}).items() if key in KEYS}
    sent = {}
    for heading in HEADINGS:
        key, now = heading.key, account.get(heading.key, "")
        if key in values:
            sent[key] = (_text(values.get(key)), values.get(SHOWN + key) or fingerprint(now))
        else:
            sent[key] = (now, fingerprint(now))
    if any(len(text) > MAX_LENGTH for text, _ in sent.values()):
        parts = []
        for heading in HEADINGS:
            text, was = sent[heading.key]
            error = f"The text under “{heading.title}” must be {MAX_LENGTH} characters or fewer"
            parts.append(Part(heading, text, was, error if len(text) > MAX_LENGTH else None))
        return Saving(account, (), tuple(parts), invalid=True)
    stored, changed, parts = dict(account), [], []
    for heading in HEADINGS:
        (text, was), now = sent[heading.key], account.get(heading.key, "")
        if fingerprint(text) == was or text == now:  # left as it showed, or already so
            parts.append(Part(heading, now, fingerprint(now)))
        elif fingerprint(now) != was:
            error = _changed_elsewhere(heading, now)
            parts.append(Part(heading, text, fingerprint(now), error, saved=now))
        else:
            stored[heading.key] = text
            changed.append(heading.key)
            parts.append(Part(heading, text, fingerprint(text)))
    stored = {key: stored[key] for key in KEYS if stored.get(key)}
    return Saving(stored, tuple(changed), tuple(parts))


def as_sent(account: Mapping | None, values: Mapping) -> tuple[Part, ...]:
    """Return the form as it was sent, each part as typed, for a page saying it was not saved.

    Each part keeps what it showed when drawn, so saving again from that page writes only
    the parts this form changed, as its first save would have. A part not sent shows the
    account as saved.
    """
    account = account or {}
    parts = []
    for heading in HEADINGS:
        now, typed = account.get(heading.key, ""), values.get(heading.key)
        if isinstance(typed, str):
            parts.append(Part(heading, typed, values.get(SHOWN + heading.key) or fingerprint(now)))
        else:
            parts.append(Part(heading, now, fingerprint(now)))
    return tuple(parts)


def superseded(account: Mapping | None, values: Mapping) -> Saving:
    """Return the form as typed, unsaved: it was drawn for a certificate no longer the latest.

    A renewal was certified after the form was drawn. The text belongs to the certificate
    the learner was looking at, which keeps its account as it was; nothing is written, and
    saving again puts it in the new certificate's account.
    """
    account = {key: text for key, text in (account or {}).items() if key in KEYS}
    error = (
        "A new certificate for this module was issued after this page was opened, so your "
        "text was not saved. Save again to add it to the new certificate's reflective account"
    )
    saved = [account.get(heading.key, "") for heading in HEADINGS]
    typed = [
        _text(values.get(h.key)) if h.key in values else now
        for h, now in zip(HEADINGS, saved, strict=True)
    ]
    # Each part typed differently says so; a form that changed nothing, its first part.
    wrong = [text != now for text, now in zip(typed, saved, strict=True)]
    wrong[0] = wrong[0] or not any(wrong)
    parts = tuple(
        Part(heading, text, fingerprint(now), error if bad else None)
        for heading, text, now, bad in zip(HEADINGS, typed, saved, wrong, strict=True)
    )
    return Saving(account, (), parts)


def _changed_elsewhere(heading: Heading, now: str) -> str:
    happened = "changed" if now else "cleared"
    return (
        f"The text under “{heading.title}” was {happened} in another tab or window after this "
        "page was opened, so your change was not saved. Save again to replace the saved text "
        "with yours"
    )


def written(account: dict | None) -> bool:
    """Say whether anything has been written under any heading."""
    return any((account or {}).get(key) for key in KEYS)


def as_pairs(account: dict | None) -> tuple[tuple[str, str], ...]:
    """Return (heading title, text) for every heading, in order; text may be empty."""
    account = account or {}
    return tuple((heading.title, account.get(heading.key, "")) for heading in HEADINGS)
