"""accounts people can live with, data rights, the audit log's actor and subject

- pending_registration: a sign-up waits here until its owner follows the emailed link,
  so registering answers the same whether or not the address already has an account.
- user_account.erased_at: an erased account stays as an anonymised row, so its
  organisation's counts still add up.
- certificate.withdrawn_at: erasure withdraws certificates; the public check says so.
- certificate.reflective_account replaces the single reflection text with the NMC
  reflective-account headings; an existing reflection moves under "what you learned".
- audit_event.subject_id (the account an event is about) and via ("web" or "cli"), and
  an index on occurred_at for reading the log by date.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("profession", sa.String(length=40), nullable=False),
        sa.Column("registration_number", sa.String(length=40), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("professional_confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_pending_registration_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registration")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_registration_token_hash")),
    )
    with op.batch_alter_table("pending_registration", schema=None) as batch_op:
        batch_op.create_index("ix_pending_registration_email", ["email"])

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("via", sa.String(length=10), nullable=False, server_default="web")
        )
        batch_op.create_foreign_key(
            "fk_audit_event_subject_id_user_account",
            "user_account",
            ["subject_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_audit_event_subject_id", ["subject_id"])
        batch_op.create_index("ix_audit_event_occurred_at", ["occurred_at"])
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("via", server_default=None)

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reflective_account", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    certificate = sa.table(
        "certificate",
        sa.column("id", sa.Integer()),
        sa.column("reflection", sa.Text()),
        sa.column("reflective_account", sa.JSON()),
    )
    connection = op.get_bind()
    written = connection.execute(
        sa.select(certificate.c.id, certificate.c.reflection).where(certificate.c.reflection != "")
    ).all()
    for certificate_id, reflection in written:
        connection.execute(
            certificate.update()
            .where(certificate.c.id == certificate_id)
            .values(reflective_account={"learned": reflection})
        )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_column("reflection")


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reflection", sa.Text(), nullable=False, server_default="")
        )
    certificate = sa.table(
        "certificate",
        sa.column("id", sa.Integer()),
        sa.column("reflection", sa.Text()),
        sa.column("reflective_account", sa.JSON()),
    )
    connection = op.get_bind()
    for certificate_id, account in connection.execute(
        sa.select(certificate.c.id, certificate.c.reflective_account)
    ).all():
        if isinstance(account, str):
            account = json.loads(account)
        text = "\n\n".join(value for value in (account or {}).values() if value)
        if text:
            connection.execute(
                certificate.update()
                .where(certificate.c.id == certificate_id)
                .values(reflection=text)
            )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.alter_column("reflection", server_default=None)
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("reflective_account")

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_occurred_at")
        batch_op.drop_index("ix_audit_event_subject_id")
        batch_op.drop_constraint("fk_audit_event_subject_id_user_account", type_="foreignkey")
        batch_op.drop_column("via")
        batch_op.drop_column("subject_id")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("pending_registration", schema=None) as batch_op:
        batch_op.drop_index("ix_pending_registration_email")
    op.drop_table("pending_registration")
