"""How many learners hold each level in each competency, kept as ratings change.

`level_count_change` rows are written by triggers (migration 0017) in the transaction of
every rating written or removed and every move of a learner, so the sums here always equal
a recount of the ratings. The dashboard reads the sums; `compact` folds an organisation's
rows into one per key (nightly, and after recompute-levels); `rebuild` replaces them with
a recount after a bulk load that bypassed the triggers (seed-demo on PostgreSQL).
"""

from collections import defaultdict

from sqlalchemy import Connection, delete, func, insert, select

from app.models import CompetencyLevel, User
from app.models_counts import LevelCountChange
from app.models_teams import TeamMember
from app.services.tagged_rows import branch
from app.services.teams import Scope

KEY = ("organisation_id", "team_id", "profession", "competency_code", "level")


def counted(scope: Scope, professions: set[str] | None = None):
    """Return the tagged "level" branch: learners per code and level in the scope.

    `professions` keeps the learners of those professions (None: all of them).
    """
    table = LevelCountChange
    total = func.sum(table.change)
    query = branch("level", text=(table.competency_code, table.level), number=(total,)).where(
        table.organisation_id == scope.organisation_id
    )
    if professions is not None:
        query = query.where(table.profession.in_(sorted(professions)))
    if not scope.whole_organisation:
        query = query.where(table.team_id.in_(scope.team_ids))
    return query.group_by(table.competency_code, table.level).having(total != 0)


def recount(organisation_id: int | None = None):
    """Return SELECT of the key and count of every learner's ratings, counted afresh."""
    query = (
        select(
            User.organisation_id,
            TeamMember.team_id,
            User.profession,
            CompetencyLevel.competency_code,
            CompetencyLevel.level,
            func.count().label("change"),
        )
        .join(User, User.id == CompetencyLevel.user_id)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .where(User.role == "learner", User.organisation_id.is_not(None))
        .group_by(
            User.organisation_id,
            TeamMember.team_id,
            User.profession,
            CompetencyLevel.competency_code,
            CompetencyLevel.level,
        )
    )
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return query


def kept(organisation_id: int | None = None):
    """Return SELECT of the key and the kept count, keys that sum to nothing left out."""
    table = LevelCountChange
    columns = [table.__table__.c[name] for name in KEY]
    query = (
        select(*columns, func.sum(table.change).label("change"))
        .group_by(*columns)
        .having(func.sum(table.change) != 0)
    )
    if organisation_id is not None:
        query = query.where(table.organisation_id == organisation_id)
    return query


def differences(connection: Connection, organisation_id: int | None = None) -> int:
    """Count the keys whose kept count differs from a recount (0 when all is well)."""
    kept_now = {tuple(row[:5]): row[5] for row in connection.execute(kept(organisation_id))}
    counted_now = {tuple(row[:5]): row[5] for row in connection.execute(recount(organisation_id))}
    return sum(
        kept_now.get(key, 0) != counted_now.get(key, 0) for key in kept_now.keys() | counted_now
    )


def compact(connection: Connection, organisation_id: int | None = None) -> int:
    """Fold the rows (of one organisation, else all) into one per key; return rows left.

    The rows deleted are exactly those summed (DELETE ... RETURNING), so a change written
    meanwhile by another transaction is neither lost nor counted twice.
    """
    table = LevelCountChange
    gone = delete(table)
    if organisation_id is not None:
        gone = gone.where(table.organisation_id == organisation_id)
    sums: dict[tuple, int] = defaultdict(int)
    for *key, change in connection.execute(
        gone.returning(*(table.__table__.c[k] for k in KEY), table.change)
    ):
        sums[tuple(key)] += change
    rows = [dict(zip(KEY, key, strict=True), change=n) for key, n in sums.items() if n]
    if rows:
        connection.execute(insert(table), rows)
    return len(rows)


def rebuild(connection: Connection, organisation_id: int) -> None:
    """Replace the organisation's rows with a recount of its ratings, in one statement.

    On PostgreSQL the delete and the recount share one snapshot, so a rating committed
    meanwhile is counted once: by the recount if it committed first, else by its trigger.
    SQLite has one writer at a time.
    """
    table = LevelCountChange
    gone = delete(table).where(table.organisation_id == organisation_id)
    fresh = insert(table).from_select([*KEY, "change"], recount(organisation_id))
    if connection.dialect.name == "postgresql":
        connection.execute(fresh.add_cte(gone.returning(table.id).cte("gone")))
    else:
        connection.execute(gone)
        connection.execute(fresh)
