"""people may choose to be signed out after a longer time without use

Sessions now end after a time without use (LINKWISE_IDLE_MINUTES, 30 by default), as well
as 12 hours after signing in (app/idle.py). WCAG 2.2.1 (Timing Adjustable) asks that a
person can lengthen such a limit to at least ten times its usual length: the account page
offers it, and user_account.long_idle_limit records the choice, read when they sign in.

Everyone starts on the usual limit: NOT NULL with a constant default, which neither
database rewrites the table for (PostgreSQL 11 and later keep the default in the catalogue).

Downgrade drops the column.

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0052"
down_revision: str | None = "0051"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "user_account",
        sa.Column("long_idle_limit", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )


def downgrade() -> None:
    op.drop_column("user_account", "long_idle_limit")
