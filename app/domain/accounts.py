"""Account rules: professions, registration numbers, roles, names, email addresses,
passwords, join codes, safe return addresses."""

import re
import secrets
import unicodedata
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

PROFESSIONS = {
    "gp": "GP",
    "practice-nurse": "Practice nurse",
    "pharmacist": "Pharmacist",
    "link-worker": "Social prescribing link worker",
    "care-coordinator": "Care co-ordinator",
    "health-coach": "Health and wellbeing coach",
    "other": "Other healthcare professional",
}

# Supervising is not a role of its own: a practitioner keeps theirs (usually learner) and
# is named a supervisor of their organisation in the `supervisor` table.
ROLES = ("learner", "trainer", "manager", "admin")
# How a person reads each role, on every page, email and command that shows one; inside a
# sentence it is lower case (a_role).
ROLE_NAMES = {
    "learner": "Learner",
    "trainer": "Trainer",
    "manager": "Manager",
    "admin": "Administrator",
}

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# zxcvbn's scale runs 0 to 4; 4 means more than 10^10 guesses. Below that sit the words,
# names, dates and keyboard patterns attackers try first ("Summer2024!!" scores 3).
STRONG_ENOUGH = 4
# zxcvbn's matching grows quickly with length; beyond this a password is long enough that
# its first part decides.
ESTIMATED_PREFIX = 72  # and zxcvbn refuses longer input

# No 0/O or 1/I/L, so a code read aloud or copied from paper survives.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_JOIN_CODE_LENGTH = 32  # as the join code columns hold
# The path of a join link (web/join.py), which the sign-in page carries to registration.
_JOIN_LINK = re.compile(r"/join/([^/?#]+)")
MIN_JOIN_CODE_LENGTH = 6  # a chosen code shorter than this is easy to guess
# The example the join code fields show: made as codes are made (new_join_code: 8 of
# JOIN_CODE_ALPHABET), so it looks like the code a manager hands out. It cannot be a real
# code: none is made or chosen equal to it, so nobody joins by copying it.
EXAMPLE_JOIN_CODE = "H4TR9WKM"
JOIN_CODE_LENGTH = 8  # of a code made

MAX_EMAIL_LENGTH = 254  # the longest address SMTP carries


def a_role(role: str) -> str:
    """Name a role inside a sentence, with its article: "a learner", "an administrator"."""
    name = ROLE_NAMES[role].lower()
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


# UK professional registration numbers (GMC, NMC, GPhC, HCPC, GDC, Social Work England and
# the rest) are letters and digits, sometimes written with the regulator's name, spaces or
# hyphens: "GMC 7654321", "12A3456E", "GPhC 2012345", "PA123456". Nothing else is let in, so
# no formula, markup or emoji reaches a certificate or an export.
MAX_REGISTRATION_NUMBER_LENGTH = 20
_REGISTRATION_CHARACTERS = re.compile(r"[A-Za-z0-9 -]*")
_REGISTRATION_NUMBER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 -]*[A-Za-z0-9])?")


# Each regulator whose numbers have one form for every registrant in the UK, by the
# profession that registers with it: the number (spaces and hyphens taken out) without the
# words people write before it ("NMC PIN 12A3456E"), and the words that ask for it. A GP
# registers with the GMC and a practice nurse with the NMC wherever they work. A
# pharmacist's number is not checked: the GPhC's are 7 digits, but Northern Ireland's
# pharmacists register with the PSNI instead.
_BY_PROFESSION = {
    "gp": (
        ("GMCNUMBER", "GMCNO", "GMC"),
        re.compile(r"\d{7}"),
        "Enter your GMC number in the correct format: 7 digits, like 1234567",
    ),
    "practice-nurse": (
        ("NMCPIN", "NMC", "PIN"),
        re.compile(r"\d{2}[A-Z]\d{4}[A-Z]"),
        "Enter your NMC PIN in the correct format: 2 digits, a letter, 4 digits and a "
        "letter, like 12A3456E",
    ),
}

# The hint beside the field: what the learner's profession's number looks like, or each
# profession's when the form does not know it yet (signing up asks both on one page).
_NO_STATUTORY_REGISTER = "Optional for your role, which has no statutory register."
_HINTS = {
    "gp": "Your GMC number, 7 digits.",
    "practice-nurse": "Your NMC PIN, like 12A3456E.",
    "pharmacist": "Your GPhC number, 7 digits (in Northern Ireland, your PSNI number).",
    "link-worker": _NO_STATUTORY_REGISTER,
    "care-coordinator": _NO_STATUTORY_REGISTER,
    "health-coach": _NO_STATUTORY_REGISTER,
}
REGISTRATION_NUMBER_HINT = (
    "GPs: your GMC number, 7 digits. Practice nurses: your NMC PIN, like 12A3456E. "
    "Pharmacists: your GPhC number, 7 digits (in Northern Ireland, your PSNI number). "
    "Link workers, care co-ordinators and health coaches: optional, as these roles have no "
    "statutory register."
)


def registration_number_hint(profession: str | None = None) -> str:
    """Return the registration number's hint: the profession's own when the form knows it,
    so a GP is not shown a nurse's format; every profession's otherwise."""
    return _HINTS.get(profession or "", REGISTRATION_NUMBER_HINT)


def normalise_registration_number(number: str) -> str:
    """Return a registration number as it is stored: trimmed, single spaces, capitals (as
    regulators print them), with the GPhC's name as it writes it. Empty for none."""
    number = " ".join(number.split()).upper()
    return "GPhC" + number[4:] if number.startswith("GPHC") else number


def registration_number_problem(number: str, profession: str | None = None) -> str | None:
    """Return why a registration number (trimmed; empty for none) is refused, or None.

    With the learner's profession, a number their regulator could not have issued is
    refused too (_BY_PROFESSION)."""
    if not number:
        return None
    if not _REGISTRATION_CHARACTERS.fullmatch(number):
        return "Registration number must only include letters, numbers, spaces and hyphens"
    if len(number) > MAX_REGISTRATION_NUMBER_LENGTH:
        limit = MAX_REGISTRATION_NUMBER_LENGTH
        return f"Registration number must be {limit} characters or fewer"
    if not _REGISTRATION_NUMBER.fullmatch(number) or not any(c.isdigit() for c in number):
        return "Enter a registration number in the correct format, like GMC 7654321 or 12A3456E"
    return _profession_problem(number, profession)


def _profession_problem(number: str, profession: str | None) -> str | None:
    if profession not in _BY_PROFESSION:
        return None
    written_before, pattern, message = _BY_PROFESSION[profession]
    compact = number.upper().replace(" ", "").replace("-", "")
    for words in written_before:  # the longest first: "NMC PIN" before "NMC"
        if compact.startswith(words):
            compact = compact.removeprefix(words)
            break
    return None if pattern.fullmatch(compact) else message


def email_problem(email: str) -> str | None:
    """Return why an email address (already trimmed) is refused, or None, by the rules and
    words of the web forms' email fields."""
    if not email:
        return "Enter an email address"
    if len(email) > MAX_EMAIL_LENGTH:
        return f"Email address must be {MAX_EMAIL_LENGTH} characters or fewer"
    # Imported when first needed: start-up imports this module only for its roles.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "Enter an email address in the correct format, like name@example.org"
    return None


def normalise_email(email: str) -> str:
    """Return the form an email address is stored and compared in."""
    return email.strip().lower()


def normalise_password(password: str) -> str:
    """Return the password in Unicode NFKC form, so equivalent input hashes alike."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """Return the bundled list of common passwords, lower-cased."""
    text = resources.files("app.domain").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    password = normalise_password(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 3:
        return "Password is too common. Try a few unrelated words together"
    personal = {normalise_email(email), normalise_email(email).split("@")[0], full_name.lower()}
    if lowered in {p for p in personal if p}:
        return "Password must not be your name or email address"
    return _guessable(password, [*full_name.split(), *personal])


def _guessable(password: str, personal: list[str]) -> str | None:
    """Return why zxcvbn (with its lists of common passwords, names and words) refuses it."""
    # Imported when first needed: its word lists take a twentieth of a second to load, and
    # start-up and `linkwise validate` import this module only for its roles and professions.
    from zxcvbn import zxcvbn

    rating = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=[p for p in personal if p])
    if rating["score"] >= STRONG_ENOUGH:
        return None
    warning = rating["feedback"].get("warning") or ""
    if "name" in warning.lower() or rating["score"] <= 1 and warning:
        reason = warning.rstrip(".")
    else:
        reason = "It is built from a common word, name, date or pattern"
    return f"Password is too easy to guess. {reason}. Try 3 or 4 unrelated words together"


def new_join_code(length: int = JOIN_CODE_LENGTH) -> str:
    """Return a random organisation or team join code, never the fields' example."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))
        if code != EXAMPLE_JOIN_CODE:
            return code


def normalise_join_code(code: str) -> str:
    """Return a join code as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def join_code_problem(chosen: str) -> str | None:
    """Return why a join code a person chose for an organisation or team is refused.

    Checked as typed, before `normalise_join_code`: upper-casing turns 'é' into 'É' and 'ß'
    into 'SS', and a short code is easy to guess. Codes learners type are only normalised.
    """
    code = chosen.replace(" ", "").replace("-", "")
    ascii_letters_or_digits = code.isascii() and code.isalnum()
    if not ascii_letters_or_digits or not MIN_JOIN_CODE_LENGTH <= len(code) <= MAX_JOIN_CODE_LENGTH:
        return (
            f"A join code must be {MIN_JOIN_CODE_LENGTH} to {MAX_JOIN_CODE_LENGTH} letters "
            "(A to Z) or digits, with spaces or dashes between them if you like"
        )
    if code.upper() == EXAMPLE_JOIN_CODE:
        return (
            f"{EXAMPLE_JOIN_CODE} is the example every join code field shows: choose another code"
        )
    return None


def linked_join_code(target: str) -> str:
    """Return the join code a path is a join link for (/join/<code>), or ""."""
    found = _JOIN_LINK.fullmatch(target)
    return found.group(1)[:MAX_JOIN_CODE_LENGTH] if found else ""


def safe_next(target: str | None, default: str = "/") -> str:
    """Return target when it is a path on this site, otherwise default."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
