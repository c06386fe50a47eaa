"""Reading numbers: whole numbers sent or written (ids, counts), and numbers learners type.

`str.isdigit()` is true of '²', '①' and other characters `int()` refuses (a ValueError,
a 500 where a form or URL sent one), and `int()` takes what no form sends: Arabic-Indic
and full-width digits, spaces, '+', '_', and strings too long to convert at all. Every
whole number read from a request, a cookie or a file the app parses goes through
`whole_number`.

A learner's answer to a numeric question is read by `typed_number`, on the site and, in
the same words, by a SCORM package's JavaScript (app/scorm_runtime/linkwise-scorm-ui.js,
readNumber): what one accepts the other accepts, at the same value. The rule is what a
UK learner writes: a full stop for decimals ('12.50', '.5'), a sign ('-3'), commas or
single spaces between groups of three digits ('1,000', '1 000'), scientific notation
('1.5e3'), and the digits of any script ('١٠٠٠', '３'). Python's own readings also take
'1_000', an accident of its syntax that no learner means: it is refused, and so is a
decimal comma ('1,5'), each with a message saying what to type instead.
"""

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

_DIGITS = re.compile(r"[0-9]+")
MOST_DIGITS = 18  # a 64-bit integer's worth, far past any id or count the app keeps

# A typed number once its digits are ASCII: grouped by commas or by single spaces, or not.
_TYPED = re.compile(
    r"[-+]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]*)?"
    r"|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
)
NOT_A_NUMBER = "enter a number, like 42 or 1.5"
UNDERSCORES = "enter the number without underscores, like 1000 or 1,000"
DECIMAL_COMMA = "write decimals with a full stop, like 1.5, and thousands like 1,000"


def whole_number(text: str | None, *, most: int | None = None) -> int | None:
    """Return the whole number `text` is written as in ASCII digits, or None when it is not
    one (or has more than MOST_DIGITS digits, or is above `most`)."""
    if not text or len(text) > MOST_DIGITS or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return None if most is not None and number > most else number


def typed_number(text: str) -> Decimal | str:
    """Return the number a learner typed, or the message saying what to type instead.

    Spaces around it are ignored (Python's `str.strip()`). The number is one a float can
    hold, as marking compares floats.
    """
    ascii_text = "".join(_ascii_digit(character) for character in text.strip())
    if not _TYPED.fullmatch(ascii_text):
        if "_" in ascii_text:
            return UNDERSCORES
        return DECIMAL_COMMA if "," in ascii_text else NOT_A_NUMBER
    try:
        number = Decimal(ascii_text.replace(",", "").replace(" ", ""))
    except InvalidOperation:  # an exponent past what Decimal can write
        return NOT_A_NUMBER
    return number if math.isfinite(float(number)) else NOT_A_NUMBER


def _ascii_digit(character: str) -> str:
    digit = unicodedata.decimal(character, None)
    return character if digit is None else str(digit)


@cache
def digit_zeros() -> tuple[int, ...]:
    """Return the code point of each script's zero: its digits 0-9 follow it in order.

    Unicode keeps every script's decimal digits together and in order, so these tell a SCORM
    package's JavaScript the digits `typed_number` reads, in the Unicode version Python has.
    """
    return tuple(c for c in range(0x110000) if unicodedata.decimal(chr(c), None) == 0)
