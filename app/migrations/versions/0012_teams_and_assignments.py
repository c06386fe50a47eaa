"""teams, leavers, assignments, reminders and mail preferences

team (with join codes), team_member (one team per learner), team_manager (a manager
confined to named teams), organisation_leaver (who was removed, kept for audit),
assignment (a module due by a date for a team, profession or learner), reminder_sent
(what reminder was sent, unique so a rerun sends nothing) and mail_preference; a sign-up
with a team's join code keeps the team in pending_registration.team_id.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("join_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _fk("team", "organisation_id", "organisation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("join_code", name=op.f("uq_team_join_code")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_team_organisation_id")),
    )
    op.create_index(op.f("ix_team_organisation_id"), "team", ["organisation_id"])
    op.create_table(
        "team_member",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=True),
        sa.Column("joined_at", TZ, nullable=False),
        _fk("team_member", "user_id", "user_account", "CASCADE"),
        _fk("team_member", "team_id", "team", "CASCADE"),
        _fk("team_member", "placed_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_team_member")),
    )
    op.create_index(op.f("ix_team_member_team_id"), "team_member", ["team_id"])
    op.create_table(
        "team_manager",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        _fk("team_manager", "user_id", "user_account", "CASCADE"),
        _fk("team_manager", "team_id", "team", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_manager")),
        sa.UniqueConstraint("user_id", "team_id", name=op.f("uq_team_manager_user_id")),
    )
    op.create_index(op.f("ix_team_manager_team_id"), "team_manager", ["team_id"])
    op.create_table(
        "organisation_leaver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.Column("left_at", TZ, nullable=False),
        _fk("organisation_leaver", "organisation_id", "organisation", "CASCADE"),
        _fk("organisation_leaver", "user_id", "user_account", "CASCADE"),
        _fk("organisation_leaver", "removed_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_leaver")),
    )
    op.create_index(
        "ix_organisation_leaver_org_left", "organisation_leaver", ["organisation_id", "left_at"]
    )
    op.create_index(op.f("ix_organisation_leaver_user_id"), "organisation_leaver", ["user_id"])
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
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
        _fk("assignment", "organisation_id", "organisation", "CASCADE"),
        _fk("assignment", "team_id", "team", "CASCADE"),
        _fk("assignment", "user_id", "user_account", "CASCADE"),
        _fk("assignment", "assigned_by", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        sa.UniqueConstraint(
            "organisation_id",
            "module_slug",
            "target",
            name=op.f("uq_assignment_organisation_id"),
        ),
    )
    op.create_index("ix_assignment_team", "assignment", ["team_id"])
    op.create_index("ix_assignment_user", "assignment", ["user_id"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_slug", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        _fk("reminder_sent", "user_id", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint(
            "user_id", "module_slug", "kind", "due_on", name=op.f("uq_reminder_sent_user_id")
        ),
    )
    with op.batch_alter_table("pending_registration") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_pending_registration_team_id_team"),
            "team",
            ["team_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "mail_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unsubscribed_at", TZ, nullable=False),
        _fk("mail_preference", "user_id", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mail_preference")),
    )


def downgrade() -> None:
    op.drop_table("mail_preference")
    with op.batch_alter_table("pending_registration") as batch:
        batch.drop_constraint(op.f("fk_pending_registration_team_id_team"), type_="foreignkey")
        batch.drop_column("team_id")
    op.drop_table("reminder_sent")
    op.drop_index("ix_assignment_user", table_name="assignment")
    op.drop_index("ix_assignment_team", table_name="assignment")
    op.drop_table("assignment")
    op.drop_index(op.f("ix_organisation_leaver_user_id"), table_name="organisation_leaver")
    op.drop_index("ix_organisation_leaver_org_left", table_name="organisation_leaver")
    op.drop_table("organisation_leaver")
    op.drop_index(op.f("ix_team_manager_team_id"), table_name="team_manager")
    op.drop_table("team_manager")
    op.drop_index(op.f("ix_team_member_team_id"), table_name="team_member")
    op.drop_table("team_member")
    op.drop_index(op.f("ix_team_organisation_id"), table_name="team")
    op.drop_table("team")
