"""Numbers read from a page's query string: ASCII digits only, and never an error.

Werkzeug's `type=int` takes what `int()` takes: '٣', ' 2', '+5', '1_000', and numbers far
past anything the database holds, which then fail the query they go into (a 500).
"""

from flask import request

from app.domain.numbers import whole_number
from app.domain.paging import MOST_PAGES, asked
from app.security import MAX_ID


def id_arg(name: str) -> int | None:
    """Return ?name= as a row id, or None when it is not one (not digits, or past any id)."""
    return whole_number(request.args.get(name), most=MAX_ID)


def page_arg() -> int:
    """Return ?page= within 1 to MOST_PAGES: 1 when it is not a number, and a number past
    every listing (however many digits) as the last page a listing can have."""
    text = request.args.get("page", "")
    number = whole_number(text)
    if number is None:
        return MOST_PAGES if text.isascii() and text.isdigit() else 1
    return asked(number)
