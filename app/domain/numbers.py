"""Reading a whole number someone sent or wrote: ASCII digits 0-9 and nothing else.

`str.isdigit()` is true of '²', '①' and other characters `int()` refuses (a ValueError,
a 500 where a form or URL sent one), and `int()` takes what no form sends: Arabic-Indic
and full-width digits, spaces, '+', '_', and strings too long to convert at all. Every
number read from a request, a cookie or a file the app parses goes through here.
"""

import re

_DIGITS = re.compile(r"[0-9]+")
MOST_DIGITS = 18  # a 64-bit integer's worth, far past any id or count the app keeps


def whole_number(text: str | None, *, most: int | None = None) -> int | None:
    """Return the whole number `text` is written as in ASCII digits, or None when it is not
    one (or has more than MOST_DIGITS digits, or is above `most`)."""
    if not text or len(text) > MOST_DIGITS or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return None if most is not None and number > most else number
