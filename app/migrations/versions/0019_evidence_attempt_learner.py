"""evidence refers to its attempt and learner with one key: one check a row instead of two

- attempt: a unique index on (id, user_id), what the key refers to.
- evidence: the keys to attempt (attempt_id) and to user_account (user_id) become one key,
  (attempt_id, user_id) to attempt (id, user_id), ON DELETE CASCADE as both were. The
  learner exists as the attempt's learner does (attempt.user_id is a key to user_account),
  and the evidence can no longer name a learner other than its attempt's.

A grade writes some twenty evidence rows: PostgreSQL checked each key of each row with a
query of its own (about 12 us of the database's CPU each), so this is some twenty fewer.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 16:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        # An index: a unique constraint would rebuild the table on SQLite, and dropping the
        # old one there cascades to the evidence of every attempt.
        batch_op.create_index("ix_attempt_id_user", ["id", "user_id"], unique=True)
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("fk_evidence_user_id_user_account", type_="foreignkey")
        batch_op.drop_constraint("fk_evidence_attempt_id_attempt", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_evidence_attempt_id_attempt",
            "attempt",
            ["attempt_id", "user_id"],
            ["id", "user_id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("fk_evidence_attempt_id_attempt", type_="foreignkey")
        batch_op.create_foreign_key(
            "fk_evidence_attempt_id_attempt", "attempt", ["attempt_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            "fk_evidence_user_id_user_account",
            "user_account",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_id_user")
