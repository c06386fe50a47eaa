"""indexes for the manager's pages at the scale of a region

- user_account (organisation_id, role, profession, id): the grid's commonest profession
  and its count of the learners a framework applies to, read from the index alone
  (at 100,000 learners each was a scan of the table, about 120 ms).
- competency_level (organisation_id, competency_code) where the rating is met, expired or
  awaiting confirmation: the compliance matrix's competency columns read only these (any
  other rating shows "not met", as no rating does), a few among a region's millions.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_SOME_STANDING = "met IS {true} OR expired IS {true} OR practice = 'Awaiting confirmation'"


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            "ix_user_account_org_role_profession", ["organisation_id", "role", "profession", "id"]
        )
    with op.batch_alter_table("competency_level", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competency_level_org_standing",
            ["organisation_id", "competency_code"],
            postgresql_where=sa.text(IN_SOME_STANDING.format(true="true")),
            sqlite_where=sa.text(IN_SOME_STANDING.format(true="1")),
        )


def downgrade() -> None:
    with op.batch_alter_table("competency_level", schema=None) as batch_op:
        batch_op.drop_index("ix_competency_level_org_standing")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index("ix_user_account_org_role_profession")
