"""Email addresses as people paste them: a list copied from Outlook or NHSmail, or one
address with the person's name around it.

Outlook and NHSmail separate recipients with semicolons and write each as a name and the
address in angle brackets: `Smith, Jane <jane.smith@nhs.net>; "Patel Priya (RIVERSIDE
PCN)" <p.patel@nhs.net>`. The name may hold commas, spaces and brackets of its own, so a
part of the list (between semicolons or line breaks) that has an address in angle brackets
gives only its addresses: those in brackets and any other word with an @ in it. A part
with none is split on commas and spaces, and each word is taken as an address, whatever it
looks like, so the form can say which ones no learner has.
"""

import re

_PARTS = re.compile(r"[;\n\r]+")
_QUOTED = re.compile(r'"[^"]*"')
_BRACKETED = re.compile(r"<([^<>]*)>")
_WORDS = re.compile(r"[\s,]+")


def addresses_in(text: str) -> list[str]:
    """Return the addresses in a pasted list, in the order given (repeats kept)."""
    found: list[str] = []
    # A name in quotes may hold anything, semicolons too: it goes first.
    for part in _PARTS.split(_QUOTED.sub(" ", text)):
        bracketed = _BRACKETED.findall(part)
        words = [w for w in _WORDS.split(_BRACKETED.sub(" ", part)) if w]
        if bracketed:
            found += [a.strip() for a in bracketed if a.strip()]
            found += [w for w in words if "@" in w]
        else:
            found += words
    return found


def one_address(text: str) -> str:
    """Return the address typed into a field for one: the one in angle brackets when the
    person's name came with it ("Jane Smith <jane.smith@nhs.net>"), else all that was typed."""
    bracketed = [a.strip() for a in _BRACKETED.findall(text) if a.strip()]
    return bracketed[0] if len(bracketed) == 1 else text.strip()
