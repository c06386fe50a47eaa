"""indexes for the manager dashboard and export at the scale of a region

- user_account (organisation_id, role, full_name, id): an organisation's learners in name
  order, so the grid's pages and the export read them without sorting; it replaces the
  index on organisation_id alone, which is its prefix.
- competency_level (organisation_id, level, user_id, competency_code): each learner's
  count of competencies at a level, read in learner order, for "sort by competencies
  reached".
- completion (item_key, user_id, completed_at): who passed each module's quiz, and when,
  read without visiting anyone else's completions.
- evidence (organisation_id, competency_code) goes: dashboards count competency_level,
  evidence is read by learner only, and the index cost every graded answer a write.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 23:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_account_org_role_name", ["organisation_id", "role", "full_name", "id"]
        )
        batch_op.drop_index("ix_user_account_organisation_id")
    with op.batch_alter_table("competency_level", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competency_level_org_level_user",
            ["organisation_id", "level", "user_id", "competency_code"],
        )
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.create_index("ix_completion_item_user", ["item_key", "user_id", "completed_at"])
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_org_code")


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_org_code", ["organisation_id", "competency_code"])
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.drop_index("ix_completion_item_user")
    with op.batch_alter_table("competency_level", schema=None) as batch_op:
        batch_op.drop_index("ix_competency_level_org_level_user")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index("ix_user_account_organisation_id", ["organisation_id"])
        batch_op.drop_index("ix_user_account_org_role_name")
