"""The competency export written by PostgreSQL itself: COPY ... TO STDOUT, by pages of learners.

The rows, cells and order are those of `manage.export_rows`, which SQLite serves (and
which the tests hold this to): the standing is worked out with the grid's SQL rule, empty
cells come out as NULLs (COPY quotes an empty string), text a spreadsheet would run as a
formula gets its apostrophe from `safe` below, and each row ends in CRLF as Python's csv
module ends it. Python only passes the bytes on: about 2 us a row instead of 40.

Each COPY covers LEARNERS_A_COPY learners, found by their place in name order, so no
statement runs longer than a moment however slowly the download is read, and the server's
statement timeout holds.
"""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import (
    Integer,
    Numeric,
    String,
    bindparam,
    case,
    column,
    func,
    literal,
    select,
    true,
    tuple_,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.domain.competencies import (
    DUE_SOON,
    EXPIRED,
    INSUFFICIENT_EVIDENCE,
    MET,
    NOT_MET,
    NOT_STARTED,
    STANDING_NAMES,
)
from app.domain.spreadsheet import FORMULA_STARTS, safe_cell
from app.models import CompetencyLevel, User
from app.services.manage_grid import FILTERS, standing_condition
from app.services.sqlfunctions import iso_date

LEARNERS_A_COPY = 500
PAGE = "learners"  # the parameter that names a page's learners, in name order


def copied(
    session: Session,
    who: list,
    codes: dict[str, list[str]],
    standing_filter: str,
    now: datetime,
    chunk_size: int,
) -> Iterator[bytes]:
    """Yield the export's rows as CSV bytes in chunks of about chunk_size (header not included).

    `codes` names each profession's competency codes in order; a profession it does not
    name has no rows.
    """
    wanted = [
        (profession, code, position)
        for profession, found in codes.items()
        for position, code in enumerate(found)
    ]
    if not wanted:
        return
    cursor = session.connection().connection.driver_connection.cursor()
    # Built and compiled once: only the page's learners change from one COPY to the next
    # (compiling it for every page cost more than the rest of the Python side).
    sql, parameters = _compiled(session, _query(who, wanted, standing_filter, now))
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    buffer, size, after = [], 0, None
    while True:
        page = select(User.full_name, User.id).where(*who).order_by(User.full_name, User.id)
        if after is not None:
            page = page.where(tuple_(User.full_name, User.id) > tuple_(*after))
        learners = session.execute(page.limit(LEARNERS_A_COPY)).all()
        if not learners:
            break
        parameters[PAGE] = [learner.id for learner in learners]
        with cursor.copy(copy_sql, parameters) as copy:
            for row in copy:
                # One message a row, ending in LF; a line break inside a quoted cell stays.
                buffer.append(bytes(row[:-1]) + b"\r\n")
                size += len(row) + 1
                if size >= chunk_size:
                    yield b"".join(buffer)
                    buffer, size = [], 0
        after = tuple(learners[-1])
    yield b"".join(buffer)


def _query(who: list, wanted: list[tuple], standing_filter: str, now: datetime):
    # Each profession's codes as arrays (the code, the code as the cell shows it), unnested
    # for the learner's own profession: as one row per profession and code, every learner
    # scanned every code of every framework.
    by_profession: dict[str, tuple[list[str], list[str | None]]] = {}
    for profession, code, _ in wanted:
        found = by_profession.setdefault(profession, ([], []))
        found[0].append(code)
        found[1].append(safe_cell(code) or None)  # as _safe does, in Python
    frameworks = values(
        column("profession", String),
        column("codes", ARRAY(String)),
        column("shown", ARRAY(String)),
        name="framework",
    ).data([(profession, *found) for profession, found in by_profession.items()])
    codes = (
        func.unnest(frameworks.c.codes, frameworks.c.shown)
        .table_valued("code", "shown", with_ordinality="position")
        .render_derived(name="wanted")
    )
    # The page in name order, numbered: rows sort by that number, not by comparing names
    # again (a collation's comparisons cost most of the statement's time).
    page = (
        func.unnest(bindparam(PAGE, [], ARRAY(Integer)))
        .table_valued("id", with_ordinality="place")
        .render_derived(name="page")
    )
    # Each learner looked up by id (LATERAL, LIMIT 1 so the planner keeps it a lookup,
    # whatever its statistics say: joined as tables, the planner hashed every learner of
    # the organisation for each page of 500, and the export grew with the square of the
    # learners), their name and email made safe once, not once a competency.
    person = (
        select(
            User.id,
            _safe(User.full_name).label("full_name"),
            _safe(User.email).label("email"),
            User.profession,
        )
        .where(User.id == page.c.id, *who)
        .limit(1)
        .lateral("person")
    )
    filtered = standing_filter in FILTERS
    # The learner's ratings in their framework's codes, in one index range (OFFSET 0 keeps
    # it one scan), matched to the codes in memory: a lookup per learner and code cost
    # more than the rest of the export.
    ratings = select(CompetencyLevel).where(
        CompetencyLevel.user_id == person.c.id,
        CompetencyLevel.competency_code == func.any(frameworks.c.codes),
    )
    if filtered:
        ratings = ratings.where(standing_condition(standing_filter, now))
    ratings = ratings.correlate(person, frameworks).offset(0).lateral("rating")
    rated = (
        select(codes.c.shown, codes.c.position, *ratings.c)
        .select_from(codes)
        .join(ratings, ratings.c.competency_code == codes.c.code, isouter=not filtered)
        .correlate(person, frameworks)
        .offset(0)
        .lateral("rated")
    )
    level = rated.c
    standing = case(
        (standing_condition(MET, now, level), STANDING_NAMES[MET]),
        (standing_condition(DUE_SOON, now, level), STANDING_NAMES[DUE_SOON]),
        (standing_condition(EXPIRED, now, level), STANDING_NAMES[EXPIRED]),
        else_=STANDING_NAMES[NOT_MET],
    )
    alive = standing_condition(MET, now, level) | standing_condition(DUE_SOON, now, level)
    # As a decimal, so round() goes half up from the stored figure, as the SQLite path does;
    # a decimal of scale 1 prints as "86.3" or "100.0" (cheaper than to_char).
    score = func.round(rated.c.score.cast(Numeric), 1).cast(String)
    return (
        select(
            person.c.full_name,
            person.c.email,
            # A profession code, a score (never negative), a date, a practice status and a
            # standing never start like a formula: only the rest is checked, row by row.
            person.c.profession,
            rated.c.shown,
            _safe(func.coalesce(rated.c.level, INSUFFICIENT_EVIDENCE)),
            score,
            func.coalesce(rated.c.evidence_count, 0),
            iso_date(rated.c.last_evidence_at),
            func.coalesce(rated.c.practice, NOT_STARTED),
            func.coalesce(standing, STANDING_NAMES[NOT_MET]),
            case((alive, iso_date(rated.c.met_until))),
        )
        .select_from(page)
        .join(person, true())
        .join(frameworks, frameworks.c.profession == person.c.profession)
        .join(rated, true())
        .order_by(page.c.place, rated.c.position)
    )


def _safe(value):
    """Return the cell's text with an apostrophe before a formula's start; NULL for empty."""
    text = func.nullif(value, "")
    return case(
        (func.substr(text, 1, 1).in_(FORMULA_STARTS), literal("'") + text),
        else_=text,
    )


def _compiled(session: Session, query) -> tuple[str, dict]:
    # COPY takes no server-side parameters: psycopg binds these on the client.
    compiled = query.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    return str(compiled), compiled.params
