"""pending sign-ups record the join code they gave, and whether it was since replaced

A sign-up waiting for its email confirmation recorded the organisation (and team) its join
code joined, not the code: once a manager replaced a leaked code, a sign-up made with it
still joined when confirmed. pending_registration.join_code now holds the code given,
normalised, so a replacement finds the sign-ups that came in through that very code (a
pending row in an organisation with no team may have given the organisation's code, or a
team's code of a team since deleted); join_code_replaced_at records when the replacement
took them out of the organisation, so the page that finishes the sign-up can say why.

Sign-ups from before keep NULL in both and join as they did (they expire within a day).
Downgrading drops the columns and what they recorded.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, nullable with no default, as 0041: neither database rewrites the table.
def upgrade() -> None:
    op.add_column("pending_registration", sa.Column("join_code", sa.String(32), nullable=True))
    op.add_column(
        "pending_registration",
        sa.Column("join_code_replaced_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for column in ("join_code_replaced_at", "join_code"):
        op.drop_column("pending_registration", column)
