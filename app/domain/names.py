"""Names people give: a person's full name, a team's, an organisation's.

A name is shown on pages, certificates, exports and in email subjects, so it is one line of
visible text. Refused: line breaks, tabs and other control characters (a line break cuts an
email's subject); the characters that turn the direction of the text after them (embeddings,
overrides and isolates, U+202A-U+202E and U+2066-U+2069), which would reorder whatever is
shown beside the name; and a name with nothing visible in it, such as only a zero-width
space. Marks a right-to-left name may carry (U+200E, U+200F) and joiners some scripts need
(U+200C, U+200D) are kept inside a name that has letters.

Also refused: emoji and other symbols that are not letters (Unicode's "other symbol" and
"modifier symbol" categories, surrogates, private-use and unassigned code points). A name is
printed on certificates, whose fonts have letters in many scripts but no emoji: a name is
refused rather than printed as something else. Accents, apostrophes, hyphens, numbers and
letters of every script are kept, and so are the accent marks a keyboard types on their
own (` ^ ´ ¨), which every font draws.
"""

import unicodedata

MAX_NAME_LENGTH = 200  # each name's column holds this many characters

DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing: fillers of Hangul, and the blank Braille pattern.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control characters (tabs, line breaks) and the line and paragraph separators.
_BREAKING = ("Cc", "Zl", "Zp")
# Symbols rather than letters, and code points that are no character (yet) to print.
_SYMBOLS = ("So", "Sk", "Cs", "Co", "Cn")


def name_problem(name: str, *, label: str, missing: str) -> str | None:
    """Return why a name (already trimmed) is refused, or None.

    `label` starts a sentence about the field ("Full name"); `missing` is the message for
    an empty one ("Enter your full name").
    """
    if not has_visible_text(name):
        return missing
    if any(unicodedata.category(ch) in _BREAKING for ch in name):
        return f"{label} must be on one line, with no tabs or other hidden control characters"
    if any(ch in DIRECTION_CONTROLS for ch in name):
        return (
            f"{label} must not include hidden characters that change the direction of text. "
            "Type it again rather than pasting it"
        )
    if any(_is_symbol(ch) for ch in name):
        return (
            f"{label} must not include emoji or other symbols. "
            "Use letters, and spaces, hyphens or apostrophes where the name has them"
        )
    if len(name) > MAX_NAME_LENGTH:
        return f"{label} must be {MAX_NAME_LENGTH} characters or fewer"
    return None


def _is_symbol(ch: str) -> bool:
    # Latin-1's lone accents (` ^ ´ ¨ ¯ ¸) are modifier symbols too, typed in names
    # ("D´Angelo") and drawn by every font: kept.
    return unicodedata.category(ch) in _SYMBOLS and ord(ch) > 0xFF


def has_visible_text(text: str) -> bool:
    """Say whether text has a character that shows: a letter, number, punctuation or symbol."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_GLYPHS for ch in text)


def one_line(text: str) -> str:
    """Return text as one line: each run of line breaks, tabs, other control characters and
    spaces made one space, and direction controls left out. For an email subject built from
    a name stored before names were checked."""
    if text.isprintable():
        return text
    kept = (" " if unicodedata.category(ch) in _BREAKING else ch for ch in text)
    return " ".join("".join(ch for ch in kept if ch not in DIRECTION_CONTROLS).split())
