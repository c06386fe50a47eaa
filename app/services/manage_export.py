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
from app.domain.spreadsheet import FORMULA_STARTS
from app.models import CompetencyLevel, User
from app.services.manage_grid import FILTERS, standing_condition
from app.services.sqlfunctions import iso_date

LEARNERS_A_COPY = 500


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
    buffer, size, after = [], 0, None
    while True:
        page = select(User.full_name, User.id).where(*who).order_by(User.full_name, User.id)
        if after is not None:
            page = page.where(tuple_(User.full_name, User.id) > tuple_(*after))
        learners = session.execute(page.limit(LEARNERS_A_COPY)).all()
        if not learners:
            break
        query = _query(who, wanted, standing_filter, now, [learner.id for learner in learners])
        sql, parameters = _compiled(session, query)
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", parameters) as copy:
            for row in copy:
                # One message a row, ending in LF; a line break inside a quoted cell stays.
                buffer.append(bytes(row[:-1]) + b"\r\n")
                size += len(row) + 1
                if size >= chunk_size:
                    yield b"".join(buffer)
                    buffer, size = [], 0
        after = tuple(learners[-1])
    yield b"".join(buffer)


def _query(who: list, wanted: list[tuple], standing_filter: str, now: datetime, ids: list[int]):
    codes = values(
        column("profession", String), column("code", String), column("position", Integer),
        name="wanted",
    ).data(wanted)  # fmt: skip
    # The page in name order, numbered: rows sort by that number, not by comparing names
    # again (a collation's comparisons cost most of the statement's time).
    page = (
        func.unnest(literal(ids, ARRAY(Integer)))
        .table_valued("id", with_ordinality="place")
        .render_derived(name="page")
    )
    # Each learner looked up by id and each rating by learner and code (LATERAL, LIMIT 1
    # so the planner keeps them lookups, whatever its statistics say): joined as tables,
    # the planner hashed every learner of the organisation for each page of 500, and the
    # export grew with the square of the learners.
    person = (
        select(User.id, User.full_name, User.email, User.profession)
        .where(User.id == page.c.id, *who)
        .limit(1)
        .lateral("person")
    )
    filtered = standing_filter in FILTERS
    standing = case(
        (standing_condition(MET, now), STANDING_NAMES[MET]),
        (standing_condition(DUE_SOON, now), STANDING_NAMES[DUE_SOON]),
        (standing_condition(EXPIRED, now), STANDING_NAMES[EXPIRED]),
        else_=STANDING_NAMES[NOT_MET],
    )
    alive = standing_condition(MET, now) | standing_condition(DUE_SOON, now)
    # As a decimal, so round() goes half up from the stored figure, as the SQLite path does;
    # a decimal of scale 1 prints as "86.3" or "100.0" (cheaper than to_char).
    score = func.round(CompetencyLevel.score.cast(Numeric), 1).cast(String)
    rating = select(
        CompetencyLevel.level,
        score.label("score"),
        CompetencyLevel.evidence_count,
        iso_date(CompetencyLevel.last_evidence_at).label("last_evidence"),
        CompetencyLevel.practice,
        standing.label("standing"),
        case((alive, iso_date(CompetencyLevel.met_until))).label("met_until"),
    ).where(CompetencyLevel.user_id == person.c.id, CompetencyLevel.competency_code == codes.c.code)
    if filtered:
        rating = rating.where(standing_condition(standing_filter, now))
    rating = rating.limit(1).lateral("rating")
    return (
        select(
            _safe(person.c.full_name),
            _safe(person.c.email),
            # A profession code, a score (never negative), a date, a practice status and a
            # standing never start like a formula: only the rest is checked, row by row.
            person.c.profession,
            _safe(codes.c.code),
            _safe(func.coalesce(rating.c.level, INSUFFICIENT_EVIDENCE)),
            rating.c.score,
            func.coalesce(rating.c.evidence_count, 0),
            rating.c.last_evidence,
            func.coalesce(rating.c.practice, NOT_STARTED),
            func.coalesce(rating.c.standing, STANDING_NAMES[NOT_MET]),
            rating.c.met_until,
        )
        .select_from(page)
        .join(person, true())
        .join(codes, codes.c.profession == person.c.profession)
        .join(rating, true(), isouter=not filtered)
        .order_by(page.c.place, codes.c.position)
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
