"""The manager dashboard's counts (learners, ratings by level, passes by month), kept.

`dashboard_count_change` rows are written by triggers (migration 0017) in the transaction
of every rating or completion written or removed, every pass graded and credential revoked
(a module's completion counts, once a learner, while one of their passes of its quiz counts,
under any id the quiz has had in the module: migrations 0036 and 0040, services/passes.py)
and every learner added, moved or removed, so the sums here always equal a recount. The
dashboard reads the sums; `compact`
folds an organisation's rows into one per key (nightly, and after recompute-levels);
`rebuild` replaces them with a recount after a bulk load that bypassed the triggers
(seed-demo on PostgreSQL).
"""

from collections import defaultdict

from sqlalchemy import (
    Connection,
    String,
    case,
    column,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    table,
)

from app import db
from app.domain.competencies import INSUFFICIENT_EVIDENCE
from app.models import User
from app.models_counts import DashboardCountChange
from app.models_teams import TeamMember
from app.services.tagged_rows import branch
from app.services.teams import Scope, managed_by_user

KEY = ("organisation_id", "team_id", "profession", "kind", "key", "value")
LEARNER, LEVEL, PASSED = "learner", "level", "passed"

# What each learner adds: their own row, their ratings, their module completions that count
# (a view).
COUNTED = table(
    "dashboard_counted",
    column("user_id"),
    column("kind", String),
    column("key", String),
    column("value", String),
)


def counted(kind: str, scope: Scope, professions: set[str] | None = None):
    """Return a tagged branch `kind`: texts key and value, number the learners.

    `professions` keeps the learners of those professions (None: all of them).
    """
    row = DashboardCountChange
    total = func.sum(row.change)
    query = branch(kind, text=(row.key, row.value), number=(total,)).where(
        row.organisation_id == scope.organisation_id, row.kind == kind
    )
    if professions is not None:
        query = query.where(row.profession.in_(sorted(professions)))
    if not scope.whole_organisation:
        query = query.where(row.team_id.in_(scope.team_ids))
    return query.group_by(row.key, row.value).having(total != 0)


def rated_codes(scope: Scope, professions: set[str] | None = None, *where):
    """Return SELECT of the codes some learner in the scope has a rating in, and whether one
    of those is at a level (`leveled`), from the kept counts: a few rows, not every rating
    read. `professions` as for `counted`; `where`, conditions on the kept rows besides (a
    team's, say)."""
    row = DashboardCountChange
    leveled = func.sum(case((row.value != INSUFFICIENT_EVIDENCE, row.change), else_=0)) > 0
    query = select(row.key, leveled.label("leveled")).where(
        row.organisation_id == scope.organisation_id, row.kind == LEVEL, *where
    )
    if professions is not None:
        query = query.where(row.profession.in_(sorted(professions)))
    if not scope.whole_organisation:
        query = query.where(row.team_id.in_(scope.team_ids))
    return query.group_by(row.key).having(func.sum(row.change) > 0)


def learners_seen(scope: Scope):
    """Return a tagged branch "learners seen": number, every learner in the scope."""
    row = DashboardCountChange
    query = branch("learners seen", number=(func.sum(row.change),)).where(
        row.organisation_id == scope.organisation_id, row.kind == LEARNER
    )
    if not scope.whole_organisation:
        query = query.where(row.team_id.in_(scope.team_ids))
    return query


def learners_by_profession(scope: Scope):
    """Return SELECT of each profession and its learners in the scope, commonest first."""
    row = DashboardCountChange
    total = func.sum(row.change)
    query = select(row.profession).where(
        row.organisation_id == scope.organisation_id, row.kind == LEARNER
    )
    if not scope.whole_organisation:
        query = query.where(row.team_id.in_(scope.team_ids))
    return query.group_by(row.profession).having(total > 0).order_by(total.desc(), row.profession)


def commonest_profession_column():
    """Return the column that reads, with the signed-in manager, the commonest profession
    among the learners they see (as `learners_by_profession`, the scope worked out in SQL)."""
    row = DashboardCountChange
    total = func.sum(row.change)
    managed = managed_by_user()
    return (
        select(row.profession)
        .where(
            row.organisation_id == User.organisation_id,
            row.kind == LEARNER,
            or_(~exists(managed), row.team_id.in_(managed)),
        )
        .group_by(row.profession)
        .having(total > 0)
        .order_by(total.desc(), row.profession)
        .limit(1)
        .scalar_subquery()
        .label("commonest_profession")
    )


def remember_commonest(scope: Scope, profession: str | None) -> None:
    """Keep the commonest profession read with the signed-in manager for this request."""
    db.remember_read(("commonest_profession", scope), profession or "")


def commonest_read_earlier(scope: Scope) -> str | None:
    """Return the commonest profession read with the signed-in manager ("" for none), or
    None when this request did not read it."""
    return db.read_earlier(("commonest_profession", scope))


def recount(organisation_id: int | None = None):
    """Return SELECT of the key and count of everything counted, counted afresh."""
    keys = (
        User.organisation_id,
        TeamMember.team_id,
        User.profession,
        COUNTED.c.kind,
        COUNTED.c.key,
        COUNTED.c.value,
    )
    query = (
        select(*keys, func.count().label("change"))
        .select_from(COUNTED)
        .join(User, User.id == COUNTED.c.user_id)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .where(User.role == "learner", User.organisation_id.is_not(None))
        .group_by(*keys)
    )
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return query


def kept(organisation_id: int | None = None):
    """Return SELECT of the key and the kept count, keys that sum to nothing left out."""
    columns = [DashboardCountChange.__table__.c[name] for name in KEY]
    total = func.sum(DashboardCountChange.change)
    query = select(*columns, total.label("change")).group_by(*columns).having(total != 0)
    if organisation_id is not None:
        query = query.where(DashboardCountChange.organisation_id == organisation_id)
    return query


def differences(connection: Connection, organisation_id: int | None = None) -> int:
    """Count the keys whose kept count differs from a recount (0 when all is well)."""
    now_kept = {tuple(row[:-1]): row[-1] for row in connection.execute(kept(organisation_id))}
    afresh = {tuple(row[:-1]): row[-1] for row in connection.execute(recount(organisation_id))}
    return sum(now_kept.get(key, 0) != afresh.get(key, 0) for key in now_kept.keys() | afresh)


def compact(connection: Connection, organisation_id: int | None = None) -> int:
    """Fold the rows (of one organisation, else all) into one per key; return rows left.

    The rows deleted are exactly those summed (DELETE ... RETURNING), so a change written
    meanwhile by another transaction is neither lost nor counted twice.
    """
    row = DashboardCountChange
    gone = delete(row)
    if organisation_id is not None:
        gone = gone.where(row.organisation_id == organisation_id)
    columns = [row.__table__.c[name] for name in KEY]
    sums: dict[tuple, int] = defaultdict(int)
    for *key, change in connection.execute(gone.returning(*columns, row.change)):
        sums[tuple(key)] += change
    rows = [dict(zip(KEY, key, strict=True), change=n) for key, n in sums.items() if n]
    if rows:
        connection.execute(insert(row), rows)
    return len(rows)


def rebuild(connection: Connection, organisation_id: int) -> None:
    """Replace the organisation's rows with a recount, in one statement on PostgreSQL.

    There the delete and the recount share one snapshot, so a change committed meanwhile
    is counted once: by the recount if it committed first, else by its trigger. SQLite has
    one writer at a time.
    """
    row = DashboardCountChange
    gone = delete(row).where(row.organisation_id == organisation_id)
    fresh = insert(row).from_select([*KEY, "change"], recount(organisation_id))
    if connection.dialect.name == "postgresql":
        connection.execute(fresh.add_cte(gone.returning(row.id).cte("gone")))
    else:
        connection.execute(gone)
        connection.execute(fresh)
