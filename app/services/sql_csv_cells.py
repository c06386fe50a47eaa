"""CSV cells written by PostgreSQL as Python's csv module writes them, safe from formulas.

Text a spreadsheet would run as a formula gets its apostrophe (`safe`); a cell with a
comma, quote or line break is quoted as Python's csv module quotes it (`cell`).
"""

from sqlalchemy import Date, String, case, cast, func, literal, literal_column

from app.domain.spreadsheet import FORMULA_STARTS, csv_text
from app.services.sqlfunctions import UK_ZONE

# What makes Python's csv module quote a cell: the delimiter, the quote, a line break.
QUOTED = (",", '"', "\r", "\n")
# Every formula start is a low code point ("@" the highest): text starting above it needs
# no look at the list.
FORMULA_BELOW = max(ord(mark) for mark in FORMULA_STARTS) + 1


def uk_day(moment):
    """Return the UK day of a timestamp as 'YYYY-MM-DD' (with DateStyle ISO), NULL for NULL:
    the day a person in the UK read it on, as the compliance download and the pages say."""
    return cast(cast(moment.op("AT TIME ZONE")(literal_column(f"'{UK_ZONE}'")), Date), String)


def python_cells(*cells) -> str:
    """Return cells as Python's csv module writes them, each followed by a comma."""
    return csv_text([[*cells, ""]])[:-2]


def cell(value):
    """Return the text as a CSV cell: made safe, then quoted when it must be; '' for NULL."""
    # The apostrophe safe adds never needs quotes: the text as stored decides.
    text = func.coalesce(value, "")
    needs_quotes = sum((func.strpos(text, mark) for mark in QUOTED[1:]), func.strpos(text, ","))
    quoted = '"' + func.replace(safe(text), '"', '""') + '"'
    return case((needs_quotes > 0, quoted), else_=safe(text))


def safe(text):
    """Return the text with an apostrophe before a formula's start."""
    first = func.ascii(text)  # 0 for ''
    starts = [ord(mark) for mark in FORMULA_STARTS]
    formula = (first < FORMULA_BELOW) & first.in_(starts)
    return case((formula, literal("'") + text), else_=text)
