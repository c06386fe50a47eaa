"""Assignment withdrawals are kept, and an assignment's id is never given twice

Withdrawing an assignment deleted its row, with only the audit log remembering it, so a
second withdrawal (a double click, a stale tab) could not tell "already withdrawn" from
"never there". assignment_withdrawal keeps each withdrawn assignment under its own id: what
it was, who withdrew it and when.

On SQLite the assignment table is rebuilt with AUTOINCREMENT: SQLite otherwise gives the
highest id again once its row is deleted, so a withdrawal's id could come back as a new
assignment (and a stale withdraw form would reach it). PostgreSQL's sequence never gives
an id twice.

Existing rows: none to backfill (withdrawals before this revision are in the audit log).
Downgrade drops the table and, on SQLite, rebuilds assignment without AUTOINCREMENT.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _fk(column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_assignment_withdrawal_{column}_{target}"),
        ondelete=ondelete,
    )


def _rebuild_assignment(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "assignment", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _rebuild_assignment(True)
    op.create_table(
        "assignment_withdrawal",
        sa.Column("assignment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("module_slug", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("profession", sa.String(length=40), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("renew_months", sa.Integer(), nullable=True),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", TZ, nullable=False),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", TZ, nullable=False),
        _fk("organisation_id", "organisation", "CASCADE"),
        _fk("team_id", "team", "SET NULL"),
        _fk("user_id", "user_account", "SET NULL"),
        _fk("assigned_by", "user_account", "SET NULL"),
        _fk("withdrawn_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_assignment_withdrawal")),
    )
    op.create_index(
        "ix_assignment_withdrawal_organisation", "assignment_withdrawal", ["organisation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_assignment_withdrawal_organisation", table_name="assignment_withdrawal")
    op.drop_table("assignment_withdrawal")
    _rebuild_assignment(False)
