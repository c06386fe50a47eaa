"""CSV cells written by PostgreSQL as Python's csv module writes them, safe from formulas.

Text a spreadsheet would run as a formula gets its apostrophe (`safe`); a cell with a
comma, quote or line break is quoted as Python's csv module quotes it (`cell`).
"""

from sqlalchemy import Date, String, case, cast, func, literal

from app.domain.spreadsheet import FORMULA_STARTS, csv_text
from app.services.sqlfunctions import UK_ZONE

# What makes Python's csv module quote a cell: the delimiter, the quote, a line break.
QUOTED = (",", '"', "\r", "\n")
# Every formula start is a low code point ("@" the highest): text starting above it needs
# no look at the list.
FORMULA_BELOW = max(ord(mark) for mark in FORMULA_STARTS) + 1


# Run in the transaction that writes the cells: its times read as UK time and its dates as
# 'YYYY-MM-DD'. A timestamp cast to a date is then its UK day, for what a cast to a date in
# UTC cost. AT TIME ZONE 'Europe/London' says the same but looks the zone up for every value:
# 0.12 s more a million days (PostgreSQL 15), up to a second of the database's time in the
# export at 100,000 learners x 40 competencies.
UK_DAYS = f"SET LOCAL DateStyle = ISO; SET LOCAL TimeZone = '{UK_ZONE}'"


def uk_day(moment):
    """Return the UK day of a timestamp as 'YYYY-MM-DD', NULL for NULL, in a transaction that
    ran UK_DAYS: the day a person in the UK read it on, as the pages and compliance say."""
    return cast(cast(moment, Date), String)


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
