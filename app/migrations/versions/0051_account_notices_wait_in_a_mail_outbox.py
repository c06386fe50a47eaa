"""account notices wait in a mail outbox until the mail server takes them

The email that tells a person their password was changed (or reset), that a change of their
email address was asked for, or that their address was changed, was sent once after the
change committed: with the mail server down or answering "try later" (4xx) it was lost, and
a takeover could go unnoticed. mail_outbox now holds each such notice, written in the same
transaction as the change: the address it goes to, the template's name and its fields (a
name and a time; never a token or a link), when it is next tried and how many tries failed,
and when it was sent or refused (5xx). `linkwise send-mail` sends what is due and deletes
what was sent or refused 30 days before (services/mail_outbox.py).

A new table: nothing before it is changed. Downgrading drops it and any notice still to send.

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
PENDING = "sent_at IS NULL AND refused_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.Column("refused_at", TZ, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_mail_outbox_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_user_id", "mail_outbox", ["user_id"], unique=False)
    op.create_index(
        "ix_mail_outbox_due",
        "mail_outbox",
        ["next_attempt_at", "id"],
        unique=False,
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_user_id", table_name="mail_outbox")
    op.drop_table("mail_outbox")
