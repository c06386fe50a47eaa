"""a rating's every change of standing is appended to rating_change, with its cause

competency_level holds each learner's rating as it stands, rewritten in place by every
re-rating: a grade, a supervisor's decision, a revocation, and `linkwise recompute-levels`,
which rates by the framework's rules as they stand now. So a rating a learner was given
under a framework's earlier rules (a competency "Secure, Met" before a trainer raised its
minimum_evidence) was overwritten with no trace of it.

Now every writer says why it rated (competency_level.cause) and by which rules
(competency_level.rules, "referrer 0.2 9ca750aa": the framework's id, version and a digest
of its rules), and triggers append to rating_change the new standing whenever it changes
(its knowledge level, practice status, met or expired; a new score alone is not a change of
standing) or it is rated by other rules than before (ones recorded), a rating is first
made, or a rating is taken away (nothing left to rate: no level; the cause its writer set on
the row before deleting it). So the rules a
history row names are always those the rating had from then on, and a later change can say
whether the framework changed under it. The triggers catch every writer, the grade's one
statement on PostgreSQL included. rating_change is only ever appended to.

PostgreSQL: statement triggers with transition tables, as the dashboard's counts (0017):
an update's old and new rows joined by id, so a re-rating that leaves every standing as it
was writes nothing. Their functions carry the search_path 0044 gives every trigger function.
SQLite: row triggers, the update's with a WHEN on the four columns.

The upgrade records each rating as it stands as the first row of its history, cause
"rated" (made before causes were kept), at the time it was rated. Downgrade drops the
triggers, the table and the two columns.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0046"
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
STANDING = ("level", "practice", "met", "expired")
KEPT = ("user_id", "competency_code", "changed_at", "cause", "rules")
KEPT += ("level", "score", "evidence_count", "practice", "met", "expired")
FUNCTIONS = (
    "competency_level_history_added",
    "competency_level_history_changed",
    "competency_level_history_removed",
)


def _kept(row: str, changed_at: str) -> str:
    """Return the rating_change values of a competency_level row (`row` its alias or NEW)."""
    values = [f"{row}.user_id", f"{row}.competency_code", changed_at, f"{row}.cause"]
    values += [f"{row}.{c}" for c in KEPT[4:]]
    return ", ".join(values)


def _removed(row: str, changed_at: str) -> str:
    """Return the rating_change values of a rating taken away: its writer's cause, no level."""
    return ", ".join(
        [f"{row}.user_id", f"{row}.competency_code", changed_at, f"{row}.cause", f"{row}.rules"]
        + ["NULL"] * 6
    )


def _postgresql(schema: str) -> str:
    into = f"INSERT INTO rating_change ({', '.join(KEPT)})"
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in STANDING)
    changed += " OR (o.rules IS NOT NULL AND n.rules IS DISTINCT FROM o.rules)"
    bodies = {
        "added": f"{into}\n  SELECT {_kept('n', 'coalesce(n.rated_at, now())')}"
        " FROM new_rows n ORDER BY n.user_id, n.competency_code;",
        "changed": f"{into}\n  SELECT {_kept('n', 'coalesce(n.rated_at, now())')}"
        f" FROM new_rows n JOIN old_rows o ON o.id = n.id\n  WHERE {changed}"
        " ORDER BY n.user_id, n.competency_code;",
        "removed": f"{into}\n  SELECT {_removed('o', 'now()')}"
        " FROM old_rows o ORDER BY o.user_id, o.competency_code;",
    }
    events = {
        "added": ("INSERT", "NEW TABLE AS new_rows"),
        "changed": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        "removed": ("DELETE", "OLD TABLE AS old_rows"),
    }
    return "".join(
        f"""
CREATE FUNCTION competency_level_history_{kind}() RETURNS trigger LANGUAGE plpgsql
SET search_path = {schema}, pg_temp AS $$
BEGIN
  {body}
  RETURN NULL;
END $$;
CREATE TRIGGER competency_level_history_{kind} AFTER {events[kind][0]} ON competency_level
  REFERENCING {events[kind][1]}
  FOR EACH STATEMENT EXECUTE FUNCTION competency_level_history_{kind}();
"""
        for kind, body in bodies.items()
    )


# SQLAlchemy's own text form of a time on SQLite, to the microsecond.
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


def _sqlite() -> list[str]:
    into = f"INSERT INTO rating_change ({', '.join(KEPT)})"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in STANDING)
    changed += " OR (OLD.rules IS NOT NULL AND OLD.rules IS NOT NEW.rules)"
    at = f"coalesce(NEW.rated_at, {SQLITE_NOW})"
    return [
        "CREATE TRIGGER competency_level_history_added AFTER INSERT ON competency_level"
        f" BEGIN {into} VALUES ({_kept('NEW', at)}); END",
        "CREATE TRIGGER competency_level_history_changed"
        f" AFTER UPDATE OF {', '.join(STANDING)}, rules ON competency_level WHEN {changed}"
        f" BEGIN {into} VALUES ({_kept('NEW', at)}); END",
        "CREATE TRIGGER competency_level_history_removed AFTER DELETE ON competency_level"
        f" BEGIN {into} VALUES ({_removed('OLD', SQLITE_NOW)}); END",
    ]


def upgrade() -> None:
    op.add_column(
        "competency_level",
        sa.Column("cause", sa.String(30), server_default="rated", nullable=False),
    )
    op.add_column("competency_level", sa.Column("rules", sa.Text(), nullable=True))
    op.create_table(
        "rating_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("competency_code", sa.String(40), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("cause", sa.String(30), nullable=False),
        sa.Column("rules", sa.Text(), nullable=True),
        sa.Column("level", sa.String(40), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("evidence_count", sa.Integer(), nullable=True),
        sa.Column("practice", sa.String(30), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("expired", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_change")),
    )
    op.create_index(
        "ix_rating_change_user_code", "rating_change", ["user_id", "competency_code", "id"]
    )
    level = sa.table(
        "competency_level",
        *(sa.column(c) for c in ("user_id", "competency_code", "rated_at", "cause", "rules")),
        *(sa.column(c) for c in KEPT[5:]),
    )
    change = sa.table("rating_change", *(sa.column(c) for c in KEPT))
    first = sa.select(
        level.c.user_id,
        level.c.competency_code,
        sa.func.coalesce(level.c.rated_at, sa.func.current_timestamp()),
        level.c.cause,
        level.c.rules,
        *(level.c[c] for c in KEPT[5:]),
    ).order_by(level.c.user_id, level.c.competency_code)
    op.execute(change.insert().from_select(KEPT, first))
    if op.get_bind().dialect.name == "postgresql":
        schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
        quoted = op.get_bind().dialect.identifier_preparer.quote_schema(schema)
        op.execute(_postgresql(quoted))
    else:
        for statement in _sqlite():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in FUNCTIONS:
            op.execute(f"DROP TRIGGER {name} ON competency_level")
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in FUNCTIONS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_rating_change_user_code", table_name="rating_change")
    op.drop_table("rating_change")
    op.drop_column("competency_level", "rules")
    op.drop_column("competency_level", "cause")
