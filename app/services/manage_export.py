"""The competency export written by PostgreSQL itself: finished CSV lines, a page a value.

The rows, cells and order are those of `competency_export.export_rows`, which SQLite
serves (and which the tests hold this to). The database builds each line whole: text a
spreadsheet would run as a formula gets its apostrophe and a cell with a comma, quote or
line break is quoted as Python's csv module quotes it (`sql_csv_cells`), each line ends in CRLF,
a learner's lines follow their framework's order, and a page's learners come as one value in
name order. Python only passes the bytes on (per row, Python's share was more than the
database's; a value a learner, it was still a sixth of the export's CPU).

After a learner's lines for their framework come those of their ratings in competencies no
framework has now (retired_export.retired_lines), by code, as `competency_export` words them.

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
from types import MappingProxyType

from sqlalchemy import (
    Integer,
    Numeric,
    String,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    select,
    true,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from app.domain.accounts import PROFESSIONS
from app.domain.competencies import (
    DUE_SOON,
    EXPIRED,
    INSUFFICIENT_EVIDENCE,
    MET,
    NOT_MET,
    NOT_STARTED,
    PRACTICE_NOT_NEEDED,
    STANDING_NAMES,
)
from app.models import RATING_COLUMNS, CompetencyLevel, User
from app.services.compliance_learners import NO_TEAM, team_name
from app.services.export_confirmations import EMPTY, cells_sql
from app.services.grid_filters import FILTERS, practice_now, standing_condition
from app.services.knowledge_now import knowledge_now
from app.services.retired_export import retired_lines
from app.services.sql_csv_cells import UK_DAYS, cell, python_cells, uk_day

LEARNERS_A_PAGE = 500
PAGE = "learners"  # the parameter that names a page's learners, in name order
# The columns of a rating the lines show or work the standing out from.
RATED = ("competency_code", *RATING_COLUMNS)
NOT_MET_WORDS = STANDING_NAMES[NOT_MET]
UNRATED = (INSUFFICIENT_EVIDENCE, "", 0, "", NOT_STARTED, *EMPTY, NOT_MET_WORDS, "", "", "")


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
    query = _query(who, codes, standing_filter, now, not_needed, known, names or {})
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


def _query(
    who: list,
    codes: dict[str, list[str]],
    standing_filter: str,
    now: datetime,
    not_needed: frozenset[str] = frozenset(),
    known: list[str] | None = None,
    names: Mapping[str, str] = MappingProxyType({}),
):
    # Each profession's codes as arrays (the code, its and its name's cells, its
    # practice when its rule asks for none, and its cells when unrated), unnested for the
    # learner's own profession.
    frameworks = values(
        column("profession", String),
        column("codes", ARRAY(String)),
        column("cells", ARRAY(String)),
        column("practices", ARRAY(String)),
        column("unrated", ARRAY(String)),
        name="framework",
    ).data(
        [
            (
                profession,
                found,
                [python_cells(code, names.get(code, "")) for code in found],
                [PRACTICE_NOT_NEEDED if code in not_needed else None for code in found],
                [_UNRATED_NO_PRACTICE if code in not_needed else _UNRATED for code in found],
            )
            for profession, found in codes.items()
            if found
        ]
    )
    wanted = (
        func.unnest(
            frameworks.c.codes, frameworks.c.cells, frameworks.c.practices, frameworks.c.unrated
        )
        .table_valued("code", "cell", "practice", "unrated", with_ordinality="position")
        .render_derived(name="wanted")
    )
    page = (
        func.unnest(bindparam(PAGE, [], ARRAY(Integer)))
        .table_valued("id", with_ordinality="place")
        .render_derived(name="page")
    )
    # Each learner looked up by id (LATERAL, LIMIT 1 so the planner keeps it a lookup,
    # whatever its statistics say), their name, email, profession and team made cells once.
    named = cell(User.full_name) + "," + cell(User.email) + "," + _profession_cell()
    team = cell(func.coalesce(team_name(User.id), NO_TEAM))
    person = (
        select(User.id, User.profession, (named + team + ",").label("head"))
        .where(User.id == page.c.id, *who)
        .limit(1)
        .lateral("person")
    )
    filtered = standing_filter in FILTERS
    # All the learner's ratings, one range of the (user, competency) index (OFFSET 0 keeps
    # it one scan), matched to the codes in memory; only matched ones are made into cells.
    ratings = select(*(getattr(CompetencyLevel, name) for name in RATED)).where(
        CompetencyLevel.user_id == person.c.id
    )
    if filtered:
        ratings = ratings.where(standing_condition(standing_filter, now))
    rating = ratings.correlate(person).offset(0).subquery("rating")
    # With a standing filter only ratings in it have lines; without, a code never rated
    # has the unrated cells.
    rated = _rated(rating.c, now, wanted.c.practice, person.c.id)
    cells = rated if filtered else func.coalesce(rated, wanted.c.unrated)
    line = person.c.head + wanted.c.cell + cells
    lines = (
        select(func.string_agg(line, aggregate_order_by(literal(""), wanted.c.position)))
        .select_from(wanted)
        .join(rating, rating.c.competency_code == wanted.c.code, isouter=not filtered)
        .correlate(person, frameworks)
        .lateral("lines")
    )
    learner = lines.c[0]
    if known is not None and not filtered:
        retired = retired_lines(person, known, now)
        learner = learner + func.coalesce(retired.c[0], "")
    # The page as one value: a row a learner cost the app more than the database's
    # aggregate does (string_agg skips a learner without lines).
    query = (
        select(func.string_agg(learner, aggregate_order_by(literal(""), page.c.place)))
        .select_from(page)
        .join(person, true())
        .join(frameworks, frameworks.c.profession == person.c.profession)
        .join(lines, true())
    )
    return query.join(retired, true()) if learner is not lines.c[0] else query


def _compiled(connection, query) -> tuple[str, dict]:
    # Bound by psycopg on each execution: the arrays of codes and the page's learners.
    options = {"render_postcompile": True}
    compiled = query.compile(dialect=connection.dialect, compile_kwargs=options)
    return str(compiled), compiled.params


def _rated(rating, now: datetime, practice_not_needed, learner):
    """Return the line's cells after the code, for a stored rating (NULL for none); the
    practice cell is `practice_not_needed` where that is not NULL, the confirmation's
    cells (export_confirmations) the `learner`'s latest while practice is confirmed."""
    until = func.coalesce(uk_day(rating.met_until), "")
    standing = case(
        (standing_condition(MET, now, rating), python_cells(STANDING_NAMES[MET]) + until),
        (
            standing_condition(DUE_SOON, now, rating),
            python_cells(STANDING_NAMES[DUE_SOON]) + until,
        ),
        (standing_condition(EXPIRED, now, rating), python_cells(STANDING_NAMES[EXPIRED])),
        else_=python_cells(STANDING_NAMES[NOT_MET]),
    )
    # As a decimal, so round() goes half up from the stored figure, as the SQLite path does;
    # a decimal of scale 1 prints as "86.3" or "100.0".
    level, score, count = knowledge_now(now, rating)
    score = func.round(cast(score, Numeric), 1).cast(String)
    return (
        cell(level)
        + ","
        + func.coalesce(score, "")
        + ","
        + cast(count, String)
        + ","
        + func.coalesce(uk_day(rating.last_evidence_at), "")
        + ","
        + cell(func.coalesce(practice_not_needed, practice_now(now, rating)))
        + ","
        + cells_sql(learner, rating.competency_code, rating.practice)
        + ","
        + standing
        + ",,\r\n"  # not retired: no more to say
    )


def _profession_cell():
    """Return the learner's profession as the pages name it, a cell and its comma."""
    named = {code: python_cells(label) for code, label in PROFESSIONS.items()}
    return case(named, value=User.profession, else_=cell(User.profession) + ",")


_UNRATED = python_cells(*UNRATED)[:-1] + "\r\n"
_UNRATED_NO_PRACTICE = python_cells(*UNRATED[:4], PRACTICE_NOT_NEEDED, *UNRATED[5:])[:-1] + "\r\n"
