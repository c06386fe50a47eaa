"""Names people give: a person's full name, a team's, an organisation's.

A name is shown on pages, certificates, exports and in email subjects, so it is one line of
visible text. Refused: line breaks, tabs and other control characters (a line break cuts an
email's subject); the characters that turn the direction of the text after them (embeddings,
overrides and isolates, U+202A-U+202E and U+2066-U+2069), which would reorder whatever is
shown beside the name; and a name with nothing visible in it, such as only a zero-width
space. Marks a right-to-left name may carry (U+200E, U+200F) and joiners some scripts need
(U+200C, U+200D) are kept inside a name that has letters.

A person's full name is then made of letters of any script with their accents and other
marks, numbers, spaces, and the marks names are written with: hyphens and other dashes,
apostrophes (' ’ ‘ and the accents ´ ` typed as one), full stops, commas, and the middle dots
of Catalan ("Gal·la") and Japanese ("ジョン・スミス") and the Hebrew geresh. Everything else is
refused as a symbol: emoji, and = + < > | $ @ # % & * ( ) and the like. A name is printed on
certificates, whose fonts have no emoji, and read into spreadsheets, where "=1+2" is a
formula: it is refused rather than printed as something else. Names stored before this rule
stay as they are (pages escape them, exports neutralise a formula).

An organisation's name keeps the wider rule names had before: no emoji or other symbols
outside Latin-1, so "St Mary's & St John's (North)" stays a name an administrator can give.
"""

import re
import unicodedata

MAX_NAME_LENGTH = 200  # each name's column holds this many characters

DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing: fillers of Hangul, and the blank Braille pattern.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control characters (tabs, line breaks) and the line and paragraph separators.
_BREAKING = ("Cc", "Zl", "Zp")
# Symbols rather than letters, and code points that are no character (yet) to print.
_SYMBOLS = ("So", "Sk", "Cs", "Co", "Cn")
# What a person's name is made of besides letters, marks, numbers, spaces and hidden format
# characters (the joiners and right-to-left marks above): see the module's docstring.
PERSON_NAME_MARKS = frozenset("'’‘´`.,·・׳״")


def name_problem(name: str, *, label: str, missing: str) -> str | None:
    """Return why a person's full name (already trimmed) is refused, or None.

    `label` starts a sentence about the field ("Full name"); `missing` is the message for
    an empty one ("Enter your full name").
    """
    return _one_line_problem(name, label=label, missing=missing, allowed=_person_name_character)


def _one_line_problem(name: str, *, label: str, missing: str, allowed) -> str | None:
    if not has_visible_text(name):
        return missing
    if any(unicodedata.category(ch) in _BREAKING for ch in name):
        return f"{label} must be on one line, with no tabs or other hidden control characters"
    if turned := direction_problem(name, label=label):
        return turned
    if not all(allowed(ch) for ch in name):
        return (
            f"{label} must not include emoji or other symbols. "
            "Use letters, and spaces, hyphens or apostrophes where the name has them"
        )
    if len(name) > MAX_NAME_LENGTH:
        return f"{label} must be {MAX_NAME_LENGTH} characters or fewer"
    return None


def direction_problem(text: str, *, label: str, fix: str = "") -> str | None:
    """Return why text holding a character that turns the direction of the text after it
    (an embedding, override or isolate) is refused, or None. Names, and the free text a
    manager types that pages and the audit log show (a reason, email addresses), share it.

    `label` starts the sentence ("Reason"); `fix` says what to do, when retyping is not it.
    """
    if not any(ch in DIRECTION_CONTROLS for ch in text):
        return None
    return (
        f"{label} must not include hidden characters that change the direction of text. "
        f"{fix or 'Type it again rather than pasting it'}"
    )


def organisation_name_problem(name: str) -> str | None:
    """Return why an organisation's name (already trimmed) is refused, or None.

    A person's name's rules, and a team's first character: a letter or a number, so a
    spreadsheet never reads the name (in an export, a report's title) as a formula.
    """
    label = "Organisation name"
    missing = "Enter the organisation's name"
    problem = _one_line_problem(name, label=label, missing=missing, allowed=_not_symbol)
    if problem is None and unicodedata.category(name[0])[0] not in "LN":
        return f"{label} must start with a letter or a number"
    return problem


def _not_symbol(ch: str) -> bool:
    # Latin-1's lone accents (` ^ ´ ¨ ¯ ¸) are modifier symbols too, drawn by every font.
    return unicodedata.category(ch) not in _SYMBOLS or ord(ch) <= 0xFF


def _person_name_character(ch: str) -> bool:
    # Letters, marks, numbers, spaces, dashes, format characters (the direction controls
    # and line breaks are refused before this is asked), and the marks names are written with.
    kind = unicodedata.category(ch)
    return kind[0] in "LMN" or kind in ("Zs", "Pd", "Cf") or ch in PERSON_NAME_MARKS


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


# A team's name: letters and numbers of any script, spaces, and these marks. It starts with
# a letter or number, so a spreadsheet never reads it as a formula (= + - @), and it carries
# nothing a page or an email could take for markup (< > " and the like).
TEAM_NAME_MARKS = "-'’.,&()/"
TEAM_NAME_MARKS_SHOWN = (
    "hyphens, apostrophes, full stops, commas, ampersands (&), brackets and slashes"
)
# Joiners some scripts need between letters (see the module's docstring).
_JOINERS = frozenset("\u200c\u200d")
_SPACES = re.compile(r"[^\S\t\n\r\f\v\x1c-\x1f\x85\u2028\u2029]+")


def normalise_team_name(name: str) -> str:
    """Return a team's name as stored: no spaces around it, one space between its words.

    Only spaces are folded; a tab or a line break stays for `team_name_problem` to refuse.
    """
    return _SPACES.sub(" ", name).strip(" ")


def team_name_key(name: str) -> str:
    """Return what two team names of an organisation may not share: the normalised name in
    one Unicode form, case folded ("Elm Street" and "elm  street" are one name)."""
    return unicodedata.normalize("NFC", normalise_team_name(name)).casefold()


def team_name_problem(name: str, *, label: str = "The team's name") -> str | None:
    """Return why a team's name (normalised) is refused, or None; creation and renaming ask."""
    if not has_visible_text(name):
        return "Enter the team's name"
    if any(unicodedata.category(ch) in _BREAKING for ch in name):
        return f"{label} must be on one line, with no tabs or line breaks"
    if len(name) > MAX_NAME_LENGTH:
        return f"{label} must be {MAX_NAME_LENGTH} characters or fewer"
    if turned := direction_problem(name, label=label):
        return turned
    refused = sorted({ch for ch in name if not _team_name_character(ch)}, key=name.index)
    if refused:
        shown = " ".join(_shown(ch) for ch in refused[:5])
        return (
            f"{label} must only include letters, numbers, spaces, {TEAM_NAME_MARKS_SHOWN}. "
            f"Remove {shown}"
        )
    if unicodedata.category(name[0])[0] not in "LN":
        return f"{label} must start with a letter or a number"
    return None


def _team_name_character(ch: str) -> bool:
    kind = unicodedata.category(ch)
    return kind[0] in "LMN" or ch == " " or ch in TEAM_NAME_MARKS or ch in _JOINERS


def _shown(ch: str) -> str:
    # A character that shows is shown; one that does not is named by its code point.
    if ch.isprintable() and ch not in DIRECTION_CONTROLS and not ch.isspace():
        return ch
    return f"U+{ord(ch):04X}"
