"""Store each learner's ratings as `rate_learner` works them out: after grading, and in bulk.

Grading and supervisors' decisions call `refresh_levels` for one learner (a grading on
PostgreSQL reads what it needs with the attempt's answers, RATED_EVIDENCE and
RATED_PRACTICE, and writes `level_records` in the statement that writes the grade); `linkwise
recompute-levels` re-rates learners in bulk (rating_recompute.py), writing rows as
`level_row` builds them. Every writer says why it rated (`cause`); the triggers of migration
0046 append each change of standing to rating_change, the rating's history. What is read
for a rating is in rating_reads.py.
"""

from datetime import datetime

from sqlalchemy import delete, update

from app import db
from app.domain.competencies import Evidence, PracticeEvent, Rating, rate_learner
from app.domain.competencies.rules_stamp import rules_stamp
from app.domain.content import Catalogue
from app.models import RATING_COLUMNS, CompetencyLevel, utcnow
from app.services.rating_reads import load_evidence, load_practice
from app.services.upsert import insert_for_dialect, json_records, json_rows

COLUMNS = (
    "user_id",
    "competency_code",
    "organisation_id",
    *RATING_COLUMNS,
    "rated_at",
    "cause",
    "rules",
)
# What a re-rating compares with the row it would replace: all but when and why it was rated.
COMPARED = tuple(c for c in COLUMNS if c not in ("rated_at", "cause"))
TIME_COLUMNS = (
    "last_evidence_at",
    "met_until",
    "due_from",
    "practice_until",
    "knowledge_until",
    "rated_at",
)


def rules_of(frameworks) -> dict[str, str]:
    """Return each competency's rules stamp ("referrer 0.2 5c1e07a9": domain/competencies/
    rules_stamp.py), worked out once for the frameworks loaded."""
    cached = _RULES.get("frameworks")
    if cached is not frameworks:
        stamps = {framework.id: rules_stamp(framework) for framework in frameworks}
        _RULES.update(
            frameworks=frameworks,
            rules={
                c.code: stamps[framework.id]
                for framework in frameworks
                for c in framework.competencies
            },
        )
    return _RULES["rules"]


_RULES: dict = {}


def level_row(
    user_id: int,
    organisation_id: int | None,
    rating: Rating,
    rated_at,
    cause: str,
    rules: dict[str, str],
    time=None,
) -> tuple:
    """Return a rating's competency_level row (COLUMNS), its times passed through `time`."""
    knowledge = rating.knowledge
    last, until, due = rating.last_evidence_at, rating.met_until, rating.due_from
    confirmed_until, known_until = rating.practice_until, rating.knowledge_until
    if time is not None:
        last, until, due = time(last), time(until), time(due)
        confirmed_until, known_until = time(confirmed_until), time(known_until)
    return (
        user_id,
        rating.code,
        organisation_id,
        knowledge.level,
        knowledge.score,
        knowledge.evidence_count,
        last,
        rating.practice,
        rating.met,
        until,
        due,
        rating.expired,
        confirmed_until,
        known_until,
        rated_at,
        cause,
        rules.get(rating.code),
    )


def refresh_levels(
    user_id: int, organisation_id: int | None, codes, catalogue: Catalogue, now=None, *, cause: str
) -> dict[str, list[PracticeEvent]]:
    """Re-rate the learner in these competencies from all their evidence; the caller commits.

    `cause` says what re-rated them (models.RATING_CAUSES): a change of standing records it.

    Return the learner's practice steps in every competency, as read for the rating (the
    query reads them all): grading names the confirmations among them in a credential.
    """
    evidence = load_evidence([user_id], codes).get(user_id, {})
    steps = load_practice([user_id]).get(user_id, {})
    records = level_records(
        user_id, organisation_id, codes, evidence, steps, catalogue, now, cause=cause
    )
    session = db.session()
    # A competency left with nothing to rate (its one request closed undecided) has no row,
    # as `recompute-levels` would leave it, rather than the rating it had.
    empty = {code for code in codes if code not in evidence and code not in steps}
    if empty:
        take_away(
            session,
            (CompetencyLevel.user_id == user_id, CompetencyLevel.competency_code.in_(empty)),
            cause,
        )
    if records:
        statement, postgresql = _level_upsert(session)
        if postgresql:  # one statement, its rows bound as one JSON array
            session.execute(statement, {"rows": json_rows(records)})
        else:
            session.execute(statement, records)
    return steps


def level_records(
    user_id: int,
    organisation_id: int | None,
    codes,
    evidence: dict[str, list[Evidence]],
    steps: dict[str, list[PracticeEvent]],
    catalogue: Catalogue,
    now=None,
    *,
    cause: str,
    times_as_text: bool = False,
) -> list[dict]:
    """Return the learner's competency_level rows (COLUMNS each) in these competencies.

    What refresh_levels writes; a grading on PostgreSQL writes them in its grade's statement
    (services/grade_writes.py, with LEVEL_UPSERT_ROWS). With `times_as_text` the times are
    ISO 8601 text, as json_rows would write them: the rows' few moments (the time rated is
    every row's) are each written once, not by the JSON encoder at every row.
    """
    now = now or utcnow()
    practice = {code: steps[code] for code in set(codes) if code in steps}
    ratings = rate_learner(catalogue.frameworks, evidence, practice, now)
    rules = rules_of(catalogue.frameworks)
    if not times_as_text:
        return [
            dict(
                zip(COLUMNS, level_row(user_id, organisation_id, r, now, cause, rules), strict=True)
            )
            for r in ratings
        ]
    written: dict[datetime, str] = {}

    def text(at: datetime | None) -> str | None:
        if at is None:
            return None
        found = written.get(at)
        if found is None:
            found = written[at] = at.isoformat()
        return found

    rated_at = text(now)
    return [
        dict(
            zip(
                COLUMNS,
                level_row(user_id, organisation_id, r, rated_at, cause, rules, text),
                strict=True,
            )
        )
        for r in ratings
    ]


def take_away(connection, where: tuple, cause: str) -> None:
    """Delete the ratings `where` selects, their history row (written by the trigger, from
    the row as it was) recording this writer's cause."""
    connection.execute(update(CompetencyLevel).where(*where).values(cause=cause))
    connection.execute(delete(CompetencyLevel).where(*where))


_UPSERTS: dict = {}


def _level_upsert(session):
    """Return the competency-level upsert for the session's database, built once.

    Built per grade with its rows as literal VALUES, it was compiled anew for each grade
    (the statement differs with the number of rows); this one is compiled once and cached.
    """
    name = session.get_bind().dialect.name
    if name not in _UPSERTS:
        _UPSERTS[name] = upsert_statement(name, "rows"), name == "postgresql"
    return _UPSERTS[name]


def upsert_statement(dialect: str, rows: str):
    """Return the competency-level upsert for a database, its rows bound as `rows`."""
    table = CompetencyLevel.__table__
    statement = insert_for_dialect(dialect)(table)
    if dialect == "postgresql":
        statement = statement.from_select(COLUMNS, json_records(table, COLUMNS, rows))
    return statement.on_conflict_do_update(
        index_elements=["user_id", "competency_code"],
        set_={key: statement.excluded[key] for key in COLUMNS[2:]},
    )


# The same upsert on PostgreSQL with its rows (level_records, as json_rows encodes them)
# bound as "level_rows": a grading's statement writes it as one of its WITH queries.
LEVEL_UPSERT_ROWS = upsert_statement("postgresql", "level_rows")
