"""Store each learner's ratings as `rate_learner` works them out: after grading, and in bulk.

Grading and supervisors' decisions call `refresh_levels` for one learner (a grading on
PostgreSQL reads what it needs with the attempt's answers, RATED_EVIDENCE and
RATED_PRACTICE, and writes `level_records` in the statement that writes the grade); `linkwise
recompute-levels` calls `recompute_levels`, which re-rates learners a batch at a time:
one query for the batch's evidence, three for its practice steps, the one rating function
in Python, then the batch's rows replaced (COPY on PostgreSQL). On PostgreSQL the batches
run in one process per CPU, each batch in its own transaction.
"""

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    Connection,
    DateTime,
    Text,
    bindparam,
    cast,
    delete,
    exists,
    false,
    func,
    literal,
    null,
    select,
    union_all,
)

from app import db
from app.domain.competencies import Evidence, PracticeEvent, Rating, rate_learner
from app.domain.content import Catalogue
from app.models import RATING_COLUMNS, CompetencyLevel, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
    SelfAssessment,
)
from app.services import dashboard_counts
from app.services.bulk import bulk_insert
from app.services.upsert import insert_for_dialect, json_records, json_rows

BATCH = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COLUMNS = ("user_id", "competency_code", "organisation_id", *RATING_COLUMNS, "rated_at")
TIME_COLUMNS = ("last_evidence_at", "met_until", "due_from", "rated_at")


def aware(at: datetime | None) -> datetime | None:
    """Return a stored time as UTC: SQLite hands times back without their zone."""
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


def _microseconds(at):
    """Return a PostgreSQL time as whole microseconds since 1970 (exact, and quick to read)."""
    return cast(func.extract("epoch", at) * 1_000_000, BigInteger)


def _evidence_columns(postgresql: bool) -> tuple:
    # On PostgreSQL the time comes as whole microseconds since 1970: an integer is read many
    # times faster than a timestamp, and a learner's answers share a handful of moments.
    at_column = _microseconds(EvidenceRow.recorded_at) if postgresql else EvidenceRow.recorded_at
    return (
        EvidenceRow.user_id,
        EvidenceRow.competency_code,
        EvidenceRow.score,
        at_column,
        EvidenceRow.question_id,
        EvidenceRow.quiz_id,
    )


# One learner's evidence in some competencies, and their practice steps: what each grading
# and each supervisor's decision reads, so both statements are built once.
_LEARNER_EVIDENCE = {
    postgresql: select(*_evidence_columns(postgresql)).where(
        EvidenceRow.user_id == bindparam("user_id"),
        EvidenceRow.competency_code.in_(bindparam("codes", expanding=True)),
    )
    for postgresql in (False, True)
}


def load_evidence(user_ids: Iterable[int], codes=None, connection: Connection | None = None):
    """Return each learner's evidence by competency code (one query)."""
    connection = connection or db.session().connection()
    postgresql = connection.dialect.name == "postgresql"
    user_ids = list(user_ids)
    if len(user_ids) == 1 and codes is not None:
        rows = connection.execute(
            _LEARNER_EVIDENCE[postgresql], {"user_id": user_ids[0], "codes": sorted(set(codes))}
        ).all()
    else:
        query = select(*_evidence_columns(postgresql)).where(EvidenceRow.user_id.in_(user_ids))
        if codes is not None:
            query = query.where(EvidenceRow.competency_code.in_(set(codes)))
        rows = _rows(connection, query, user_ids)
    found: dict[int, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    # One answer is evidence for each of its question's competencies: one value serves all.
    made: dict[tuple, Evidence] = {}
    for user_id, code, score, at, question_id, quiz_id in rows:
        key = (score, at, question_id, quiz_id)
        evidence = made.get(key)
        if evidence is None:
            when = EPOCH + timedelta(microseconds=at) if postgresql else aware(at)
            evidence = made[key] = Evidence.stored(score, when, question_id, quiz_id)
        found[user_id][code].append(evidence)
    return found


def _rows(connection: Connection, query, user_ids) -> list[tuple]:
    # On PostgreSQL, straight from the driver: re-rating everyone reads millions of rows,
    # and SQLAlchemy's per-row processing was most of the time. Times come back in UTC.
    if connection.dialect.name == "postgresql" and query.whereclause is not None:
        compiled = query.compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()
    return connection.execute(query).fetchall()


def _practice_steps(user_is) -> tuple:
    """Return the selects of the learner's practice steps: kind, user, code, time, and a
    decision's validity as recorded (valid until, whether recorded).

    Self-assessments, requests and decisions as one list of steps: a decision's kind is its
    outcome. A request closed undecided (its supervisor can no longer decide it) is no step:
    it waits for no one. `user_is(column)` is the condition on each step's learner.
    """
    no_end, unrecorded = null().cast(DateTime(timezone=True)), false()
    return (
        select(
            literal("self-assessed").label("kind"),
            SelfAssessment.user_id,
            SelfAssessment.competency_code.label("code"),
            SelfAssessment.assessed_at.label("at"),
            no_end.label("valid_until"),
            unrecorded.label("recorded"),
        ).where(user_is(SelfAssessment.user_id)),
        select(
            literal("requested"),
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            ConfirmationRequest.requested_at,
            no_end,
            unrecorded,
        ).where(
            user_is(ConfirmationRequest.user_id),
            ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
        ),
        select(
            ConfirmationDecision.outcome,
            ConfirmationRequest.user_id,
            ConfirmationRequest.competency_code,
            ConfirmationDecision.decided_at,
            ConfirmationDecision.valid_until,
            ConfirmationDecision.validity_recorded,
        )
        .join(ConfirmationRequest, ConfirmationRequest.id == ConfirmationDecision.request_id)
        .where(user_is(ConfirmationRequest.user_id)),
    )


_PRACTICE_STEPS = union_all(
    *_practice_steps(lambda user_id: user_id.in_(bindparam("ids", expanding=True)))
)


def load_practice(user_ids: Iterable[int], codes=None, connection: Connection | None = None):
    """Return each learner's practice steps by competency code (one query)."""
    connection, ids = connection or db.session().connection(), list(user_ids)
    found: dict[int, dict[str, list[PracticeEvent]]] = defaultdict(lambda: defaultdict(list))
    for kind, user_id, code, at, until, recorded in connection.execute(
        _PRACTICE_STEPS, {"ids": ids}
    ):
        if codes is None or code in codes:
            found[user_id][code].append(PracticeEvent(kind, aware(at), aware(until), recorded))
    return found


def _row(user_id: int, organisation_id: int | None, rating: Rating, rated_at, time=None) -> tuple:
    """Return a rating's competency_level row (COLUMNS), its times passed through `time`."""
    knowledge = rating.knowledge
    last, until, due = rating.last_evidence_at, rating.met_until, rating.due_from
    if time is not None:
        last, until, due = time(last), time(until), time(due)
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
        rated_at,
    )


def refresh_levels(
    user_id: int, organisation_id: int | None, codes, catalogue: Catalogue, now=None
) -> dict[str, list[PracticeEvent]]:
    """Re-rate the learner in these competencies from all their evidence; the caller commits.

    Return the learner's practice steps in every competency, as read for the rating (the
    query reads them all): grading names the confirmations among them in a credential.
    """
    evidence = load_evidence([user_id], codes).get(user_id, {})
    steps = load_practice([user_id]).get(user_id, {})
    records = level_records(user_id, organisation_id, codes, evidence, steps, catalogue, now)
    session = db.session()
    # A competency left with nothing to rate (its one request closed undecided) has no row,
    # as `recompute-levels` would leave it, rather than the rating it had.
    empty = {code for code in codes if code not in evidence and code not in steps}
    if empty:
        session.execute(
            delete(CompetencyLevel).where(
                CompetencyLevel.user_id == user_id, CompetencyLevel.competency_code.in_(empty)
            )
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
    if not times_as_text:
        return [
            dict(zip(COLUMNS, _row(user_id, organisation_id, r, now), strict=True)) for r in ratings
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
        dict(zip(COLUMNS, _row(user_id, organisation_id, r, rated_at, text), strict=True))
        for r in ratings
    ]


def array_text(values: Iterable[str]) -> str:
    """Return strings as a PostgreSQL array literal: '{"a","b"}'.

    A statement casts it to an array: the driver adapts a Python list item by item (about
    20 us for a grade's codes), one string at once.
    """
    quoted = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return "{" + ",".join(f'"{value}"' for value in quoted) + "}"


# What re-rating a learner after a grade reads, as two JSON arrays a grading on PostgreSQL
# reads with the attempt's answers, under the learner's lock (services/submissions.py): the
# learner's evidence in the competencies graded, and their practice steps in every
# competency. Bound as "rated_learner" and "rated_codes" (array_text). The grade's own
# evidence is not written yet: `read_for_rating` adds it.
RATED_EVIDENCE = (
    select(
        func.json_agg(
            func.json_build_array(
                EvidenceRow.competency_code,
                EvidenceRow.score,
                _microseconds(EvidenceRow.recorded_at),
                EvidenceRow.question_id,
                EvidenceRow.quiz_id,
            ),
            type_=JSON,
        )
    )
    .where(
        EvidenceRow.user_id == bindparam("rated_learner"),
        EvidenceRow.competency_code
        == func.any(
            cast(bindparam("rated_codes", type_=Text), ARRAY(EvidenceRow.competency_code.type))
        ),
    )
    .scalar_subquery()
)
_RATED_STEPS = union_all(
    *_practice_steps(lambda user_id: user_id == bindparam("rated_learner"))
).subquery("steps")
RATED_PRACTICE = (
    select(
        func.json_agg(
            func.json_build_array(
                _RATED_STEPS.c.kind,
                _RATED_STEPS.c.code,
                _microseconds(_RATED_STEPS.c.at),
                _microseconds(_RATED_STEPS.c.valid_until),
                _RATED_STEPS.c.recorded,
            ),
            type_=JSON,
        )
    )
    .select_from(_RATED_STEPS)
    .scalar_subquery()
)


def read_for_rating(
    earlier: list | None, steps: list | None, added: Iterable[dict]
) -> tuple[dict[str, list[Evidence]], dict[str, list[PracticeEvent]]]:
    """Return the evidence and practice steps, by code, that RATED_EVIDENCE and RATED_PRACTICE read.

    `added` are the evidence rows the grade writes (grade_writes.EVIDENCE_COLUMNS): they
    come after the earlier evidence, as a statement run after the grade would read them.
    """
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    # One answer is evidence for each of its question's competencies: one value serves all.
    # An attempt's answers share their moment: each is worked out once.
    made: dict[tuple, Evidence] = {}
    moments: dict[int, datetime] = {}
    for code, score, at, question_id, quiz_id in earlier or ():
        key = (score, at, question_id, quiz_id)
        found = made.get(key)
        if found is None:
            when = moments.get(at)
            if when is None:
                when = moments[at] = EPOCH + timedelta(microseconds=at)
            found = made[key] = Evidence.stored(score, when, question_id, quiz_id)
        evidence[code].append(found)
    # The grade's rows of one answer (one for each competency of its question) differ only
    # in their code: one value serves them all too.
    answered: dict[str, Evidence] = {}
    for row in added:
        question_id = row["question_id"]
        found = answered.get(question_id)
        if found is None:
            found = answered[question_id] = Evidence.stored(
                row["score"], row["recorded_at"], question_id, row["quiz_id"]
            )
        evidence[row["competency_code"]].append(found)
    practice: dict[str, list[PracticeEvent]] = defaultdict(list)
    for kind, code, at, until, recorded in steps or ():
        ends = None if until is None else EPOCH + timedelta(microseconds=until)
        practice[code].append(
            PracticeEvent(kind, EPOCH + timedelta(microseconds=at), ends, bool(recorded))
        )
    return evidence, practice


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
    as it ages, and after upgrading a database. Levels for codes no framework knows go.
    """
    session, now = db.session(), now or utcnow()
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


def _start(url: str, frameworks, now: datetime) -> None:
    _worker.update(engine=db.make_engine(url, pooled=False), frameworks=frameworks, now=now)


def _batch_in_worker(user_ids: list[int]) -> None:
    with _worker["engine"].begin() as connection:
        _recompute_batch(connection, user_ids, _worker["frameworks"], _worker["now"])


def _recompute_batch(connection: Connection, user_ids: list[int], frameworks, now) -> None:
    # In id order, as one statement: gradings lock one learner each, so none deadlocks.
    # FOR SHARE, as the dashboard's count triggers lock the learners whose ratings change:
    # taken first, it waits for a grading of one of them to commit before any rating is
    # touched (a weaker lock let the two wait on each other).
    lock = select(User.id, User.organisation_id).where(User.id.in_(user_ids)).order_by(User.id)
    if connection.dialect.name == "postgresql":
        lock = lock.with_for_update(read=True)
    organisations = dict(connection.execute(lock).all())
    evidence = load_evidence(user_ids, connection=connection)
    practice = load_practice(user_ids, connection=connection)
    rows = [
        _row(user_id, organisations.get(user_id), rating, now)
        for user_id in user_ids
        for rating in rate_learner(
            frameworks, evidence.get(user_id, {}), practice.get(user_id, {}), now
        )
    ]
    connection.execute(delete(CompetencyLevel).where(CompetencyLevel.user_id.in_(user_ids)))
    bulk_insert(connection, CompetencyLevel, COLUMNS, rows)
