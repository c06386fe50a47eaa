"""Numbers in content files are written plainly: the digits 0 to 9, a full stop for decimals.

YAML 1.1, as PyYAML reads it, takes far more as a number, and says nothing: `+3` is 3, `010`
is 8 (octal), `0x10` is 16, `1_000` is 1000, `1:30` is 90 (base 60), `8.0e+1` is 80 and
`.inf` is infinity. The quiz body's own lines (`Points:`, `pick:`, `Outcomes:`) were read as
loosely. A trainer who typed `010` for an order meant something, and what the course does
should be what the file shows, so every number a content file sets is held to one plain form,
and anything else is reported with the plain way to write it. A minus sign is plain: no
field takes a negative number, and its range says so in words that state the range.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PLAIN = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
# A number written otherwise, in parts: sign, whole part, fraction, exponent. Digits may be
# grouped by underscores, commas or single spaces.
LOOSE = re.compile(
    r"(?P<sign>[-+]?)(?P<whole>[0-9](?:[0-9_,]| (?=[0-9]))*|)"
    r"(?P<point>\.?)(?P<fraction>[0-9_]*)(?P<exponent>(?:[eE][-+]?[0-9_]+)?)"
)
RADIX = re.compile(r"[-+]?0(?P<radix>[xXoObB])[0-9a-fA-F_]+")
BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
SPECIAL = re.compile(r"[-+]?\.(?P<name>inf|Inf|INF|nan|NaN|NAN)")
RADIX_NAMES = {"x": "in hexadecimal", "o": "in octal", "b": "in binary"}
SPECIAL_NAMES = {"inf": "infinity", "nan": "'not a number'"}


@dataclass(frozen=True)
class Unplain:
    """How a number is written otherwise than plainly, and the plain way when it says one."""

    why: str  # "with a '+' sign", to follow "is written '+3'"
    plain: str | None = None  # "3"

    def fix(self, *, whole: bool) -> str:
        """Return what to write instead: the plain number, or the form to write it in."""
        if self.plain is not None:
            return f"write it as {self.plain}"
        if whole:
            return "write it as a plain whole number, in the digits 0 to 9"
        return "write it as a plain number, in the digits 0 to 9 with a full stop for decimals"


def plain_number(text: str) -> Decimal | Unplain | None:
    """Return the number `text` writes plainly; Unplain for a number written otherwise,
    saying how; None for text that is no number at all.

    Plain is an optional '-', digits with no leading zero, and a full stop with digits after
    it: `3`, `0`, `62.5`, `-1`. Negative zero is not plain.
    """
    ascii_text = "".join(_ascii_digit(character) for character in text)
    if ascii_text != text:
        plain = plain_number(ascii_text)
        return Unplain("in digits other than 0 to 9", _shown(plain))
    if PLAIN.fullmatch(text):
        if text.startswith("-") and Decimal(text) == 0:
            return Unplain("with a '-' sign", _shown(Decimal(text[1:])))
        return Decimal(text)
    if found := RADIX.fullmatch(text):
        return Unplain(RADIX_NAMES[found["radix"].lower()])
    if BASE_60.fullmatch(text):
        return Unplain("with a ':'")
    if found := SPECIAL.fullmatch(text):
        return Unplain(f"which stands for {SPECIAL_NAMES[found['name'].lower()]}")
    found = LOOSE.fullmatch(text)
    if found is None or not any(c.isdigit() for c in found["whole"] + found["fraction"]):
        return None
    return Unplain(" and ".join(_slips(found)), _plain_of(found))


def unplain_message(key: str, written: str, value: object, *, whole: bool) -> str | None:
    """Return the error for `key` written `written`, when that is not plain: with the plain
    way to write it, and what YAML made of it (`value`) when that is another number."""
    unplain = plain_number(written)
    if not isinstance(unplain, Unplain):
        return None
    note = ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        read = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if read.is_finite() and (unplain.plain is None or Decimal(unplain.plain) != read):
            note = f", which YAML reads as {_shown(read)}"
    return f"'{key}' is written '{written}', {unplain.why}{note}: {unplain.fix(whole=whole)}"


def _slips(found: re.Match[str]) -> list[str]:
    whole, fraction = found["whole"], found["fraction"]
    slips = []
    if found["sign"] == "+":
        slips.append("a '+' sign")
    if "_" in whole + fraction + found["exponent"]:
        slips.append("underscores")
    if "," in whole:
        slips.append("a comma")
    if " " in whole:
        slips.append("spaces")
    if len(whole) > 1 and whole[0] == "0":
        slips.append("a leading zero")
    if found["point"] and not whole:
        slips.append("no digit before the full stop")
    elif found["point"] and not fraction:
        slips.append("no digit after the full stop")
    if found["exponent"]:
        slips.append("an exponent")
    if found["sign"] == "-" and not slips:
        slips.append("a '-' sign")  # negative zero
    return [f"with {slips[0]}", *slips[1:]] if slips else ["not plainly"]


def _plain_of(found: re.Match[str]) -> str | None:
    """Return the number written plainly, unless the way it is written leaves it in doubt."""
    if "," in found["whole"] or " " in found["whole"]:
        return None  # 1,5 may be a decimal comma or a thousands separator
    try:
        number = Decimal(found[0].replace("_", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number.adjusted()) > 20:
        return None
    return _shown(number)


def _shown(number: Decimal | Unplain | None) -> str | None:
    """Return a number as written plainly: 80, not 8.0E+1 or 80.0; 0 for -0."""
    if not isinstance(number, Decimal):
        return number.plain if isinstance(number, Unplain) else None
    text = format(abs(number) if number == 0 else number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ascii_digit(character: str) -> str:
    digit = unicodedata.decimal(character, None)
    return character if digit is None else str(digit)
