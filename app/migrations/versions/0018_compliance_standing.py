"""an index for the compliance matrix's completions

- attempt (user_id, module_slug, submitted_at) where passed: each learner's latest pass of
  each module, the completion the compliance matrix's status is worked out from, read from
  this narrow index alone instead of the wide attempt rows (their answers and settings).

Nothing is stored besides: the matrix derives every status in SQL on the day asked, from
assignments, teams and completions as they are, so there is nothing to backfill.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attempt_passed_user_module",
            ["user_id", "module_slug", "submitted_at"],
            postgresql_where=sa.text("passed IS true"),
            sqlite_where=sa.text("passed IS 1"),
        )


def downgrade() -> None:
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_passed_user_module")
