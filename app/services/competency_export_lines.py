"""The statement PostgreSQL writes a page of the competency export's CSV lines by.

Its rows, cells and order are those of `competency_export.export_rows`; manage_export.py
runs it a page of learners (PAGE) at a time, in one snapshot. The database builds each line
whole: text a spreadsheet would run as a formula gets its apostrophe and a cell with a
comma, quote or line break is quoted as Python's csv module quotes it (`sql_csv_cells`),
each line ends in CRLF, a learner's lines follow their framework's order, and a page's
learners come as one value in name order.

After a learner's lines for their framework come those of their ratings in competencies no
framework has now (retired_export.retired_lines), by code, as `competency_export` words them.
"""

from collections.abc import Mapping
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
from app.services.sql_csv_cells import cell, python_cells, uk_day

PAGE = "learners"  # the parameter that names a page's learners, in name order
# The columns of a rating the lines show or work the standing out from.
RATED = ("competency_code", *RATING_COLUMNS)
NOT_MET_WORDS = STANDING_NAMES[NOT_MET]
UNRATED = (INSUFFICIENT_EVIDENCE, "", 0, "", NOT_STARTED, *EMPTY, NOT_MET_WORDS, "", "", "")


def page_lines(
    who: list,
    codes: dict[str, list[str]],
    standing_filter: str,
    now: datetime,
    not_needed: frozenset[str] = frozenset(),
    known: list[str] | None = None,
    names: Mapping[str, str] = MappingProxyType({}),
):
    """Return the statement that writes the lines of one page's learners (PAGE) as one value."""
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
