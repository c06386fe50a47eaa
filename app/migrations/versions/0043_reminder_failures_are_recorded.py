"""reminder emails the mail server refuses are recorded, for managers to see

A reminder whose address the mail server refused (a typo, a mailbox closed when its owner
left) was taken back and tried again by every run, the failure only logged: the learner was
never reminded and no manager knew. reminder_failure keeps each spell of such refusals: the
person, the kind of email, whether the address or the message was refused, the server's
reply (one short line), how many runs failed one after another and since when, and when and
how it was put right (an email that went through, or a new address). At most one spell a
person is open (the partial unique index), so runs at once add to the same row.

A new table: nothing before it is changed. Downgrading drops it and what it recorded.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
OPEN = "resolved_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "reminder_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("refused", sa.String(length=20), nullable=False),
        sa.Column("reply", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", TZ, nullable=False),
        sa.Column("last_failed_at", TZ, nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.Column("resolved_how", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_reminder_failure_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_failure")),
    )
    op.create_index(
        "uq_reminder_failure_open",
        "reminder_failure",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_reminder_failure_open", table_name="reminder_failure")
    op.drop_table("reminder_failure")
