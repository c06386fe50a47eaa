"""The competency export a manager downloads: a CSV row per learner and competency, audited.

The learners are those the manager sees (or the grid's, filtered, every page), each with
the competencies of their framework (or those the grid shows). On PostgreSQL the database
writes the CSV lines itself (manage_export.py); elsewhere `export_rows` builds them here,
each learner's rows assembled by competency_export_rows.py, and the tests hold the two to
the same rows.

After a learner's rows for their framework come their ratings in competencies taken out of
every framework since (services/retired_export.py), by code. None comes with a standing
asked (a retired competency has none now) or a module's competencies (it is no module's).
"""

from collections.abc import Iterator

from sqlalchemy import and_, case, false, func, literal, or_, select

from app import db
from app.domain.accounts import PROFESSIONS
from app.domain.competencies import (
    DUE_SOON,
    INSUFFICIENT_EVIDENCE,
    MET,
    PRACTICE_NOT_NEEDED,
    STANDING_NAMES,
    codes_needing_no_practice,
    practice_shown,
    standing,
)
from app.domain.content import Catalogue
from app.domain.dates import uk_day
from app.domain.spreadsheet import csv_chunks, csv_text
from app.models import CompetencyLevel, Organisation, User, utcnow
from app.services import audit, export_confirmations
from app.services.competency_export_rows import CURRENT, framework_rows, one_decimal, retired_rows
from app.services.competency_names import last_name
from app.services.compliance_learners import NO_TEAM, team_name
from app.services.grid_filters import FILTERS, Filters, selection, standing_condition
from app.services.knowledge_now import knowledge_now
from app.services.manage_export import copied
from app.services.rating_reads import aware
from app.services.retired_export import (
    CONFIRMED_ON,
    NAME_NOT_RECORDED,
    NOT_COUNTED,
    RETIRED,
    latest_confirmation,
)
from app.services.retired_ratings import known_codes
from app.services.sqlfunctions import iso_date
from app.services.teams import Scope, as_scope, in_scope

# Plain words, as the compliance download's, and each profession named as the pages name it.
HEADER = [
    "Learner",
    "Email",
    "Profession",
    "Team",  # the team's name, or NO_TEAM, as the compliance download says
    "Competency",  # its code
    "Competency name",  # the framework's name for it; a retired one's last known name
    "Knowledge",
    # The score behind the knowledge rating, 0 to 100: weighted over the quiz attempts as
    # the framework's method says, so not any one quiz's mark.
    "Knowledge rating score (%)",
    "Quiz answers counted",  # those behind the knowledge rating, still counting
    "Last quiz answer",
    "Practice",
    *export_confirmations.HEADER,
    "Met",
    "Met until",
    "Retired",
    "Last known name",
]


def export_csv(
    scope: Scope | int,
    catalogue: Catalogue,
    actor_id: int,
    standing_filter: str = "",
    filters: Filters | None = None,
    chunk_size: int = 64 * 1024,
) -> Iterator[str | bytes]:
    """Yield the export as CSV in chunks: PostgreSQL writes it itself, else `export_rows`."""
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        yield from csv_chunks(
            export_rows(scope, catalogue, actor_id, standing_filter, filters), chunk_size
        )
        return
    who, codes_for, standing_filter, now = _export_started(
        scope, catalogue, actor_id, standing_filter, filters
    )
    known = _retired_shown(catalogue, standing_filter, filters)
    if not isinstance(codes_for, _Shown):
        codes_for = {
            profession: [c.code for c in framework.competencies]
            for profession in PROFESSIONS
            if (framework := catalogue.framework_for(profession))
        }
    else:
        codes_for = dict.fromkeys(PROFESSIONS, codes_for.codes)
    yield csv_text([HEADER]).encode()
    not_needed = codes_needing_no_practice(catalogue.frameworks)
    yield from copied(
        session,
        who,
        codes_for,
        standing_filter,
        now,
        chunk_size,
        not_needed,
        known,
        names=competency_names(catalogue),
    )


def export_rows(
    scope: Scope | int,
    catalogue: Catalogue,
    actor_id: int,
    standing_filter: str = "",
    filters: Filters | None = None,
) -> Iterator[list]:
    """Yield one row per learner and competency of their framework; audit-logged.

    With a standing filter, only the rows in that standing (met, due soon, expired,
    awaiting confirmation) now. With the grid's filters, the grid's learners (every page)
    and the competencies it shows. Then the learner's rows in retired competencies.
    """
    session = db.session()
    who, codes_for, standing_filter, now = _export_started(
        scope, catalogue, actor_id, standing_filter, filters
    )
    yield HEADER
    known = _retired_shown(catalogue, standing_filter, filters)
    # Core rows (no ORM loading), the date formatted by the database: this loop runs once
    # per learner and competency, millions of times for a region.
    joined = CompetencyLevel.user_id == User.id
    if standing_filter in FILTERS:
        joined = and_(joined, standing_condition(standing_filter, now))
    # A retired competency's last name and latest confirmation, read for its rows alone.
    gone = false() if known is None else CompetencyLevel.competency_code.not_in(known)
    held = or_(CompetencyLevel.evidence_count > 0, CompetencyLevel.level != INSUFFICIENT_EVIDENCE)
    rows = session.connection().execute(
        select(
            User.id,
            User.full_name,
            User.email,
            User.profession,
            func.coalesce(team_name(User.id), NO_TEAM),
            CompetencyLevel.competency_code,
            *knowledge_now(now),
            iso_date(CompetencyLevel.last_evidence_at),
            CompetencyLevel.practice,
            CompetencyLevel.met,
            CompetencyLevel.met_until,
            CompetencyLevel.due_from,
            CompetencyLevel.expired,
            CompetencyLevel.practice_until,
            case((gone, last_name(CompetencyLevel.competency_code))),
            case((gone, iso_date(latest_confirmation()))),
            case((gone & held, literal(True)), else_=literal(False)),
            *export_confirmations.columns(
                User.id, CompetencyLevel.competency_code, CompetencyLevel.practice
            ),
        )
        .outerjoin(CompetencyLevel, joined)
        .where(*who)
        .order_by(User.full_name, User.id)
        .execution_options(yield_per=5000)
    )
    current, person, found, retired = None, (), {}, {}
    known = None if known is None else set(known)
    not_needed = codes_needing_no_practice(catalogue.frameworks)  # as the learner's page says
    names = competency_names(catalogue)
    for user_id, name, email, profession, team, code, level, score, count, last, *rest in rows:
        if user_id != current:
            yield from framework_rows(
                person, found, codes_for, catalogue, standing_filter, not_needed, names
            )
            yield from retired_rows(person, retired, codes_for)
            current, person, found, retired = user_id, (name, email, profession, team), {}, {}
        if code is not None and known is not None and code not in known:
            practice, met, until, due, expired, confirmed_until, named, confirmed, kept = rest[:9]
            if kept or confirmed:  # as on the learner's page: a request alone is not
                practice = practice_shown(practice, aware(confirmed_until), now)
                retired[code] = (
                    named or NAME_NOT_RECORDED,
                    level,
                    "" if score is None else one_decimal(score),
                    count,
                    last or "",
                    f"{CONFIRMED_ON}{confirmed}" if confirmed else practice,
                    *export_confirmations.EMPTY,  # the practice cell gives the latest's day
                    NOT_COUNTED,
                    "",
                    RETIRED,
                    named or NAME_NOT_RECORDED,
                )
        elif code is not None:
            practice, met, until, due, expired, confirmed_until = rest[:6]
            where = standing(met, aware(until), aware(due), expired, now)
            found[code] = (
                names.get(code, ""),
                level,
                "" if score is None else one_decimal(score),
                count,
                last or "",
                PRACTICE_NOT_NEEDED
                if code in not_needed
                else practice_shown(practice, aware(confirmed_until), now),
                *export_confirmations.cells(*rest[9:]),
                STANDING_NAMES[where],
                uk_day(until).isoformat() if until and where in (MET, DUE_SOON) else "",
                *CURRENT,
            )
    yield from framework_rows(
        person, found, codes_for, catalogue, standing_filter, not_needed, names
    )
    yield from retired_rows(person, retired, codes_for)


def _retired_shown(catalogue: Catalogue, standing_filter: str, filters: Filters | None):
    """Return the codes some framework has now, whose others' rows the export gives; None
    when it gives none (a standing asked, or a module's competencies)."""
    if standing_filter in FILTERS or (filters is not None and filters.module_slug):
        return None
    return known_codes(catalogue)


def _export_started(scope, catalogue, actor_id, standing_filter, filters):
    # The learners, codes and standing an export covers; the export audit-logged.
    session, now = db.session(), utcnow()
    scope = as_scope(scope)
    who, codes_for = [in_scope(scope)], {}
    if filters is not None:
        _, codes, who = selection(scope, catalogue, filters, now)
        codes_for, standing_filter = _Shown(codes), filters.status
    organisation = session.get(Organisation, scope.organisation_id)
    audit.record(session, "export.competencies", actor_id=actor_id, organisation=organisation.name)
    # While the database only reads, the export is still given, its event logged instead.
    db.commit_or_log(
        session, "export.competencies", actor=actor_id, organisation=scope.organisation_id
    )
    return who, codes_for, standing_filter, now


def competency_names(catalogue: Catalogue) -> dict[str, str]:
    """Return each competency's name by its code, as its framework gives it now."""
    return {c.code: c.name for f in catalogue.frameworks for c in f.competencies}


class _Shown(dict):
    # Every profession gets the codes the filtered grid shows.
    def __init__(self, codes: list[str]):
        super().__init__()
        self.codes = codes

    def __contains__(self, profession) -> bool:
        return True

    def __getitem__(self, profession) -> list[str]:
        return self.codes
