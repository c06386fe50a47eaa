"""the xAPI statement outbox

statement_outbox holds each xAPI statement from the moment the event it reports is
committed (same transaction) until the learning record store has taken it.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_outbox")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_statement_outbox_statement_id")),
    )
    op.create_index(
        "ix_statement_outbox_due",
        "statement_outbox",
        ["sent_at", "next_attempt_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_statement_outbox_due", table_name="statement_outbox")
    op.drop_table("statement_outbox")
