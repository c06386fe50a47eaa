"""The competency export written by PostgreSQL itself: finished CSV lines, a page a value.

The rows, cells and order are those of `competency_export.export_rows`, which SQLite
serves (and which the tests hold this to). The database builds each line whole, by the
statement in competency_export_lines.py; this module runs it. Python only passes the bytes
on (per row, Python's share was more than the database's; a value a learner, it was still a
sixth of the export's CPU).

The learners' order is read once, from the name index; each statement covers the next
LEARNERS_A_PAGE of them, so no statement runs longer than a moment however slowly the
download is read, and the server's statement timeout holds. All of them read one snapshot
(REPEATABLE READ): the file shows the learners and ratings as they stood when the download
began, whatever changes during it. Even pages are read on this connection and odd ones on
a second that imports its snapshot, each by a thread of its own that keeps AHEAD pages
ready: the database builds two pages at once (its work is most of the export's), while the
pages before them are sent, and the file is the same.
"""

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User
from app.services.competency_export_lines import PAGE, page_lines
from app.services.sql_csv_cells import UK_DAYS

LEARNERS_A_PAGE = 500


def copied(
    session: Session,
    who: list,
    codes: dict[str, list[str]],
    standing_filter: str,
    now: datetime,
    chunk_size: int,
    not_needed: frozenset[str] = frozenset(),
    known: list[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> Iterator[bytes]:
    """Yield the export's rows as CSV bytes in chunks of about chunk_size (header not included).

    `codes` names each profession's competency codes in order, `names` each code's name
    (its cell beside the code); a profession it does not name has no rows. `not_needed`
    names the codes whose met rule asks for no confirmation of practice: their practice
    reads "Not needed", rated or not. `known` names the codes
    some framework has now: a learner's ratings in any other have lines after theirs (None:
    none has).
    """
    if not any(codes.values()):
        return
    connection = session.connection()
    connection.exec_driver_sql(SNAPSHOT)
    # Compiled once: only the page's learners change from one statement to the next
    # (compiling it for every page cost more than the rest of the Python side).
    query = page_lines(who, codes, standing_filter, now, not_needed, known, names or {})
    sql, parameters = _compiled(connection, query)
    # Every learner's place, read once from the name index: the pages are slices of it,
    # so neither reader waits for the other to learn where its next page starts.
    order = select(User.id).where(*who).order_by(User.full_name, User.id)
    learners = connection.execute(order).scalars().all()
    pages = [
        {**parameters, PAGE: learners[start : start + LEARNERS_A_PAGE]}
        for start in range(0, len(learners), LEARNERS_A_PAGE)
    ]
    exported = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    other = session.get_bind().connect()
    # One thread a connection, each reading its pages ahead of the download, so both
    # keep the database busy while the pages before theirs are sent.
    readers = [ThreadPoolExecutor(max_workers=1) for _ in range(2)]
    try:
        readers[1].submit(_share_snapshot, other, exported).result()
        for text in _read_ahead(pages, readers, (connection, other), sql):
            data = text.encode()
            for start in range(0, len(data), chunk_size):
                yield data[start : start + chunk_size]
    finally:
        for reader in readers:
            reader.shutdown(wait=True, cancel_futures=True)
        other.close()  # rolls the second reader's transaction back
    session.commit()  # the read-only snapshot ends with the file


# A date cast to text is written in the DateStyle: ISO is 'YYYY-MM-DD', as iso_date's
# to_char() writes it, at a fraction of the cost (to_char was a quarter of the database's
# time a row); a time cast to a date is its day in the TimeZone, the UK's (UK_DAYS). No
# Memoize over the learners' lines: every learner is a miss, and hashing its key cost about
# a twentieth of the database's time.
SNAPSHOT = (
    f"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; {UK_DAYS}; "
    "SET LOCAL enable_memoize = off"
)
# Pages each reader may have read and not yet sent: enough that it never waits for the
# download while the other reader's page goes out.
AHEAD = 2


def _share_snapshot(connection, exported: str) -> None:
    connection.exec_driver_sql(SNAPSHOT)
    connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{exported}'")


def _read_ahead(pages: list[dict], readers: list, connections: tuple, sql: str) -> Iterator[str]:
    # Page n is read on connection n % 2, by that connection's own thread; the pages come
    # back in order.
    pending = {}
    for number in range(len(pages)):
        for ahead in range(number, min(number + AHEAD * len(readers), len(pages))):
            if ahead not in pending:
                turn = ahead % len(readers)
                pending[ahead] = readers[turn].submit(_page, connections[turn], sql, pages[ahead])
        text = pending.pop(number).result()
        if text is not None:
            yield text


def _page(connection, sql: str, parameters: dict) -> str | None:
    # The page's lines as one text value, in name order (None when no learner has one).
    return connection.exec_driver_sql(sql, parameters).scalar()


def _compiled(connection, query) -> tuple[str, dict]:
    # Bound by psycopg on each execution: the arrays of codes and the page's learners.
    options = {"render_postcompile": True}
    compiled = query.compile(dialect=connection.dialect, compile_kwargs=options)
    return str(compiled), compiled.params
