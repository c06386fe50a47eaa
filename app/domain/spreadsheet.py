"""CSV that is safe to open in a spreadsheet: the one rule every export of ours follows.

Excel, LibreOffice and Sheets run a cell that starts with =, +, -, @ (or a tab or carriage
return before one) as a formula. A learner named `=HYPERLINK(...)` would otherwise put a
live formula into their manager's export. Such text cells get a leading apostrophe, which
spreadsheets show as plain text; numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

DATE_FORMAT = "yyyy-mm-dd"  # as the CSV writes a date
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return a cell value a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(rows: Iterable[Iterable], chunk_size: int = 64 * 1024) -> Iterator[str]:
    """Yield CSV text for rows, every cell made safe, in chunks of about chunk_size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(rows: Iterable[Iterable]) -> str:
    """Return the whole CSV text for rows, every cell made safe."""
    return "".join(csv_chunks(rows))


def xlsx_bytes(sheets: dict[str, Iterable[Iterable]]) -> bytes:
    """Return an XLSX workbook, one sheet per name; text is stored as text, never a formula,
    and a date as a date cell (sorted and filtered as dates, shown as YYYY-MM-DD)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would take "=..." for a formula
                elif isinstance(value, date) and not isinstance(value, datetime):
                    cell.number_format = DATE_FORMAT
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
