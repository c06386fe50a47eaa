"""a grade's writes cost the database less: one evidence index fewer, cheaper level checks

- evidence: the index on (user_id, competency_code) and the unique constraint on
  (attempt_id, question_id, competency_code) become one unique constraint,
  uq_evidence_user_id on (user_id, competency_code, attempt_id, question_id). Every reader
  names the learner (and most a competency), which the new index leads with; the learner is
  the attempt's, so a question is still evidence once per competency and attempt. Each
  evidence row a grade inserts (some twenty) updates one index fewer.
- competency_level (PostgreSQL): fillfactor 80, so a re-rating's new row versions find room
  on their own page, and `competency_level_counts_changed` tells that a statement changed
  no count by pairing its rows before and after by id (one hash join) instead of comparing
  them as multisets both ways (two EXCEPT ALLs, four scans and sorts). A row's id does not
  change in an UPDATE, so each row after has exactly one before; should one change, its row
  finds no partner and the counts are worked out in full, as before.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 09:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0017 and 0020: what a rating adds, the learners counted, and the counting.
COLUMNS = "organisation_id, team_id, profession, kind, key, value, change"
LEARNER = "u.role = 'learner' AND u.organisation_id IS NOT NULL"
ADDS = (
    "SELECT user_id, 'level' AS kind, competency_code AS key, level AS value, "
    "{sign} AS change FROM {rows}"
)
# Nothing counted changed: every row after has its row before (by id) with the same
# learner, competency and level. The level, what a re-rating changes, is compared first.
PAIRED = (
    "  IF NOT EXISTS (SELECT FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id"
    " WHERE n.level <> o.level OR n.competency_code <> o.competency_code"
    " OR n.user_id <> o.user_id OR o.id IS NULL) THEN RETURN NULL; END IF;\n"
)
# 0020's test: the same multiset of (learner, competency, level) before and after.
_AFTER, _BEFORE = (ADDS.format(sign=0, rows=rows) for rows in ("new_rows", "old_rows"))
MULTISETS = (
    f"  IF NOT EXISTS (({_AFTER} EXCEPT ALL {_BEFORE}) UNION ALL ({_BEFORE} EXCEPT ALL {_AFTER}))"
    " THEN RETURN NULL; END IF;\n"
)


def _changed(unchanged: str) -> str:
    """Return competency_level_counts_changed, returning early on `unchanged`."""
    rows = (
        ADDS.format(sign=1, rows="new_rows") + " UNION ALL " + ADDS.format(sign=-1, rows="old_rows")
    )
    return f"""
CREATE OR REPLACE FUNCTION competency_level_counts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{unchanged}  PERFORM 1 FROM user_account WHERE id IN
    (SELECT user_id FROM new_rows UNION SELECT user_id FROM old_rows) ORDER BY id FOR SHARE;
  INSERT INTO dashboard_count_change ({COLUMNS})
  SELECT u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value, sum(c.change)
  FROM ({rows}) AS c
  JOIN user_account u ON u.id = c.user_id
  LEFT JOIN team_member m ON m.user_id = u.id
  WHERE {LEARNER}
  GROUP BY u.organisation_id, m.team_id, u.profession, c.kind, c.key, c.value
  HAVING sum(c.change) <> 0;
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_user_code")
        batch_op.drop_constraint("uq_evidence_attempt_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_evidence_user_id", ["user_id", "competency_code", "attempt_id", "question_id"]
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE competency_level SET (fillfactor = 80)")
        op.execute(_changed(PAIRED))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_changed(MULTISETS))
        op.execute("ALTER TABLE competency_level RESET (fillfactor)")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("uq_evidence_user_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_evidence_attempt_id", ["attempt_id", "question_id", "competency_code"]
        )
        batch_op.create_index("ix_evidence_user_code", ["user_id", "competency_code"])
