"""Re-rate learners in bulk: `linkwise recompute-levels`, and the seeder's first histories.

`recompute_levels` re-rates learners a batch at a time: one query for the batch's evidence,
three for its practice steps, the one rating function in Python, one for the batch's stored
ratings, then only what changed written (new ratings by COPY on PostgreSQL, changed ones by
one upsert, ratings with nothing left deleted). On PostgreSQL the batches run in one process
per CPU, each batch in its own transaction. Rows are built as ratings.py builds them for a
grading, so a re-rating and a grading store a rating alike.
"""

import multiprocessing
import os
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from app import db
from app.domain.competencies import rate_learner
from app.domain.content import Catalogue
from app.models import CompetencyLevel, RatingChange, User, utcnow
from app.models import Evidence as EvidenceRow
from app.models_practice import ConfirmationRequest, SelfAssessment
from app.services import dashboard_counts
from app.services.bulk import bulk_insert
from app.services.rating_reads import load_evidence, load_practice
from app.services.ratings import (
    COLUMNS,
    COMPARED,
    TIME_COLUMNS,
    level_row,
    rules_of,
    take_away,
    upsert_statement,
)
from app.services.upsert import json_rows
from app.services.worker_pools import forked_pool

BATCH = 2000  # learners a batch


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
        job = (url, catalogue.frameworks, now)
        with forked_pool(workers, _start, job) as pool:
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
        (user_id, rating.code): level_row(
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
        take_away(connection, (CompetencyLevel.id.in_(gone),), "recomputed")
    bulk_insert(connection, CompetencyLevel, COLUMNS, new)
    if changed:
        name = connection.dialect.name
        if name == "postgresql":
            connection.execute(_UPSERT_ROWS, {"rows": json_rows(changed)})
        else:
            connection.execute(upsert_statement(name, "rows"), changed)


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


_UPSERT_ROWS = upsert_statement("postgresql", "rows")


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
