"""the dashboard's count triggers return at once when a statement changes no count (PostgreSQL)

A grade re-rates the learner with one INSERT ... ON CONFLICT DO UPDATE on competency_level,
which fires both statement triggers, AFTER INSERT and AFTER UPDATE: one of the two has an
empty transition table (every rating new, or every rating there before), and a re-rating
that leaves every level as it was changes no count at all. Each still locked the learners
and ran its grouped insert, about 0.2 ms of the database's CPU a grade for nothing.

Now `*_counts_added` returns when it has no rows, and `*_counts_changed` when the rows it
counts are the same before and after (the same learners, keys and values, as multisets):
their +1 and -1 would net to nothing under every key, so nothing is written, as before. A
change that counts goes on exactly as in 0017. SQLite's row triggers already fire only on
a change (their WHEN), so it is left as it is.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 19:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0017: the columns of dashboard_count_change, the learners counted, and what one
# row of each table adds (from a transition table, with a sign).
COLUMNS = "organisation_id, team_id, profession, kind, key, value, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"
ADDS = {
    "competency_level": "SELECT user_id, 'level' AS kind, competency_code AS key, "
    "level AS value, {sign} AS change FROM {rows}",
    "completion": "SELECT user_id, 'passed' AS kind, item_key AS key, "
    "to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM') AS value, {sign} AS change "
    "FROM {rows} WHERE item_key LIKE 'quiz:%'",
}


def _counted(rows: str) -> str:
    return f"""
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value, sum(c.change)
  FROM ({rows}) AS c
  JOIN user_account u ON u.id = c.user_id
  LEFT JOIN team_member m ON m.user_id = u.id
  WHERE {LEARNER}
  GROUP BY u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value
  HAVING sum(c.change) <> 0;"""


def _lock(users: str) -> str:
    return f"  PERFORM 1 FROM user_account WHERE id IN ({users}) ORDER BY id FOR SHARE;"


def _functions(table: str, skip: bool) -> str:
    """Return the table's added and changed count functions (with `skip`, the early returns)."""
    added = ADDS[table].format(sign=1, rows="new_rows")
    removed = ADDS[table].format(sign=-1, rows="old_rows")
    # Compared without their sign: the same multiset before and after nets to nothing.
    after, before = (ADDS[table].format(sign=0, rows=rows) for rows in ("new_rows", "old_rows"))
    no_rows = "  IF NOT EXISTS (SELECT FROM new_rows) THEN RETURN NULL; END IF;\n"
    unchanged = (
        f"  IF NOT EXISTS (({after} EXCEPT ALL {before}) UNION ALL ({before} EXCEPT ALL {after}))"
        " THEN RETURN NULL; END IF;\n"
    )
    return f"""
CREATE OR REPLACE FUNCTION {table}_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{no_rows if skip else ""}{_lock("SELECT user_id FROM new_rows")}
{_counted(added)}
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION {table}_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{unchanged if skip else ""}{_lock("SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows")}
{_counted(added + " UNION ALL " + removed)}
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_functions("competency_level", True) + _functions("completion", True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_functions("competency_level", False) + _functions("completion", False))
