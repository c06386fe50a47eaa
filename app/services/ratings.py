"""Store each learner's ratings as `rate_learner` works them out: after grading, and in bulk.

Grading and supervisors' decisions call `refresh_levels` for one learner (a grading on
PostgreSQL reads what it needs with the attempt's answers, RATED_EVIDENCE and
RATED_PRACTICE, and writes `level_records` in the statement that writes the grade); `linkwise
recompute-levels` calls `recompute_levels`, which re-rates learners a batch at a time:
one query for the batch's evidence, three for its practice steps, the one rating function
in Python, one for the batch's stored ratings, then only what changed written (new ratings
by COPY on PostgreSQL, changed ones by one upsert, ratings with nothing left deleted). Every
writer says why it rated (`cause`); the triggers of migration 0046 append each change of
standing to rating_change, the rating's history. On PostgreSQL the batches
run in one process per CPU, each batch in its own transaction. What is read for a rating
is in rating_reads.py.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, select, update

from app import db
from app.domain.competencies import Evidence, PracticeEvent, Rating, rate_learner
from app.domain.competencies.rules_stamp import rules_stamp
from app.domain.content import Catalogue
from app.models import RATING_COLUMNS, CompetencyLevel, RatingChange, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import ConfirmationRequest, SelfAssessment
from app.services import dashboard_counts
from app.services.bulk import bulk_insert
from app.services.rating_reads import load_evidence, load_practice
from app.services.upsert import insert_for_dialect, json_records, json_rows

BATCH = 2000
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


def _row(
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
        _take_away(
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
            dict(zip(COLUMNS, _row(user_id, organisation_id, r, now, cause, rules), strict=True))
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
                _row(user_id, organisation_id, r, rated_at, cause, rules, text),
                strict=True,
            )
        )
        for r in ratings
    ]


def _take_away(connection, where: tuple, cause: str) -> None:
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
        _UPSERTS[name] = _upsert(name, "rows"), name == "postgresql"
    return _UPSERTS[name]


def _upsert(dialect: str, rows: str):
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
LEVEL_UPSERT_ROWS = _upsert("postgresql", "level_rows")


def recompute_levels(
    catalogue: Catalogue, now=None, batch: int = BATCH, workers: int | None = None
) -> int:
    """Re-rate every learner with evidence or practice steps; return how many.

    Run after a framework or rating rule changes, nightly so that ratings follow evidence
    as it ages, and after upgrading a database. Levels for codes no framework knows stay as
    they were last rated. A rating that comes out as stored is not written (its time and
    cause stay those of the change that made it); one that changed is, with the cause
    "recomputed" and the framework version it was rated by, and its history keeps the
    rating it had. Without `now`, each batch is rated as things stand once its learners are
    locked.
    """
    session = db.session()
    learners = sorted(
        set(session.scalars(select(EvidenceRow.user_id).distinct()))
        | set(session.scalars(select(SelfAssessment.user_id).distinct()))
        | set(session.scalars(select(ConfirmationRequest.user_id).distinct()))
    )
    batches = [learners[start : start + batch] for start in range(0, len(learners), batch)]
    parallel = session.get_bind().dialect.name == "postgresql"
    workers = min(workers or (os.cpu_count() or 1) if parallel else 1, len(batches))
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        url = db.engine().url.render_as_string(hide_password=False)
        session.close()
        db.engine().dispose()  # a forked child must not share the parent's connections
        context = multiprocessing.get_context("fork")
        job = (url, catalogue.frameworks, now)
        with ProcessPoolExecutor(workers, context, initializer=_start, initargs=job) as pool:
            list(pool.map(_batch_in_worker, batches))
    else:
        for user_ids in batches:
            _recompute_batch(session.connection(), user_ids, catalogue.frameworks, now)
            session.commit()
    # Each batch added its changes to the dashboard's counts: fold them into one row a key.
    with db.engine().begin() as connection:
        dashboard_counts.compact(connection)
    return len(learners)


_worker: dict = {}


def _start(url: str, frameworks, now: datetime | None) -> None:
    _worker.update(engine=db.make_engine(url, pooled=False), frameworks=frameworks, now=now)


def _batch_in_worker(user_ids: list[int]) -> None:
    with _worker["engine"].begin() as connection:
        _recompute_batch(connection, user_ids, _worker["frameworks"], _worker["now"])


def _recompute_batch(
    connection: Connection, user_ids: list[int], frameworks, now: datetime | None
) -> None:
    # In id order, as one statement: gradings lock one learner each, so none deadlocks.
    # FOR SHARE, as the dashboard's count triggers lock the learners whose ratings change:
    # taken first, it waits for a grading of one of them to commit before any rating is
    # touched (a weaker lock let the two wait on each other).
    lock = select(User.id, User.organisation_id).where(User.id.in_(user_ids)).order_by(User.id)
    if connection.dialect.name == "postgresql":
        lock = lock.with_for_update(read=True)
    organisations = dict(connection.execute(lock).all())
    # As things stand once the learners are locked, unless a moment was asked for: a
    # supervisor's decision or a request made while the command waited for this batch is
    # counted, not left out as after the command began (and the rating it made undone).
    now = now or utcnow()
    evidence = load_evidence(user_ids, connection=connection)
    practice = load_practice(user_ids, connection=connection)
    rules = rules_of(frameworks)
    rated = {
        (user_id, rating.code): _row(
            user_id, organisations.get(user_id), rating, now, "recomputed", rules
        )
        for user_id in user_ids
        for rating in rate_learner(
            frameworks, evidence.get(user_id, {}), practice.get(user_id, {}), now
        )
    }
    # A rating in a competency no framework has now is left as last worked out: the profile
    # still lists it, apart (services/retired_ratings.py), and no rule is left to re-rate it.
    stored = _stored(connection, user_ids, list(rules))
    # Only what changed is written: a rating as it was stays as it was, when and why it was
    # rated too, so its history (rating_change) records changes, not re-ratings.
    gone = [row_id for key, (row_id, _) in stored.items() if key not in rated]
    new, changed = [], []
    for key, row in rated.items():
        before = stored.get(key)
        if before is None:
            new.append(row)
        elif before[1] != _compared(row):
            changed.append(dict(zip(COLUMNS, row, strict=True)))
    if gone:
        _take_away(connection, (CompetencyLevel.id.in_(gone),), "recomputed")
    bulk_insert(connection, CompetencyLevel, COLUMNS, new)
    if changed:
        name = connection.dialect.name
        if name == "postgresql":
            connection.execute(_UPSERT_ROWS, {"rows": json_rows(changed)})
        else:
            connection.execute(_upsert(name, "rows"), changed)


_AT = {COLUMNS.index(c) for c in TIME_COLUMNS if c in COMPARED}
_COMPARED_AT = [COLUMNS.index(c) for c in COMPARED]


def _compared(row: tuple) -> tuple:
    """Return a competency_level row's COMPARED values, its times as naive UTC."""
    return tuple(_naive(row[i]) if i in _AT else row[i] for i in _COMPARED_AT)


def _naive(at: datetime | None) -> datetime | None:
    if at is None or at.tzinfo is None:
        return at  # SQLite hands times back without their zone; they are UTC
    return at.astimezone(UTC).replace(tzinfo=None)


def _stored(connection: Connection, user_ids: list[int], codes: list[str]) -> dict:
    """Return the learners' stored ratings in these codes: (user, code) -> (id, COMPARED)."""
    level = CompetencyLevel.__table__
    found = connection.execute(
        select(level.c.id, *(level.c[c] for c in COMPARED)).where(
            level.c.user_id.in_(user_ids), level.c.competency_code.in_(codes)
        )
    )
    at = [i for i, c in enumerate(COMPARED) if c in TIME_COLUMNS]
    stored = {}
    for row_id, *values in found:
        for i in at:
            values[i] = _naive(values[i])
        stored[values[0], values[1]] = row_id, tuple(values)
    return stored


_UPSERT_ROWS = _upsert("postgresql", "rows")


# What a history row keeps (all of rating_change but its id), from the rating as it stands.
_HISTORY_KEPT = tuple(c.name for c in RatingChange.__table__.columns if c.name != "id")


def begin_histories(connection: Connection, organisation_id: int) -> None:
    """Give each of the organisation's ratings with no history its first rating_change row.

    What the triggers of migration 0046 write as a rating is made, for a load that skipped
    them (the seeder's, in `session_replication_role = replica`).
    """
    level, change = CompetencyLevel.__table__, RatingChange.__table__
    kept = [
        func.coalesce(level.c.rated_at, func.now()) if c == "changed_at" else level.c[c]
        for c in _HISTORY_KEPT
    ]
    begun = (
        select(change.c.id)
        .where(
            change.c.user_id == level.c.user_id,
            change.c.competency_code == level.c.competency_code,
        )
        .exists()
    )
    found = (
        select(*kept)
        .where(level.c.organisation_id == organisation_id, ~begun)
        .order_by(level.c.user_id, level.c.competency_code)
    )
    connection.execute(change.insert().from_select(_HISTORY_KEPT, found))
