"""honest competence: practice confirmation, evidence that expires, stored met ratings

competency_level gains the practice status and the met rule's outcome (with when it
lapses); self_assessment, confirmation_request and confirmation_decision hold the
supervisor workflow, appended and never edited; supervisor names who may confirm. Run `linkwise recompute-levels` after upgrading, so the new columns are filled.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    op.create_table(
        "supervisor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("named_by", sa.Integer(), nullable=True),
        sa.Column("named_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_supervisor_user_id_user_account"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], name=op.f("fk_supervisor_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["named_by"], ["user_account.id"], name=op.f("fk_supervisor_named_by_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_supervisor")),
    )
    op.create_index("ix_supervisor_organisation_id", "supervisor", ["organisation_id"])
    with op.batch_alter_table("competency_level", schema=None) as batch_op:
        batch_op.alter_column(
            "last_evidence_at", existing_type=sa.DateTime(timezone=True), nullable=True
        )
        batch_op.add_column(
            sa.Column("practice", sa.String(30), nullable=False, server_default="Not started")
        )
        batch_op.add_column(
            sa.Column("met", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("met_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_from", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("expired", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_competency_level_org_met_user",
        "competency_level",
        ["organisation_id", "met", "user_id"],
        unique=False,
    )
    op.create_table(
        "self_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("competency_code", sa.String(40), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("reflection", sa.Text(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "confidence BETWEEN 1 AND 5", name=op.f("ck_self_assessment_confidence_range")
        ),
        sa.CheckConstraint(
            "stage IN ('before', 'after', 'any')", name=op.f("ck_self_assessment_stage_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_self_assessment_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment")),
    )
    op.create_index(
        "ix_self_assessment_user_code",
        "self_assessment",
        ["user_id", "competency_code", "assessed_at"],
    )
    op.create_table(
        "confirmation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("competency_code", sa.String(40), nullable=False),
        sa.Column("self_assessment_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_confirmation_request_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_confirmation_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["user_account.id"],
            name=op.f("fk_confirmation_request_supervisor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["self_assessment_id"],
            ["self_assessment.id"],
            name=op.f("fk_confirmation_request_self_assessment_id_self_assessment"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmation_request")),
    )
    op.create_index(
        "ix_confirmation_request_supervisor",
        "confirmation_request",
        ["supervisor_id", "requested_at"],
    )
    op.create_index(
        "ix_confirmation_request_user_code", "confirmation_request", ["user_id", "competency_code"]
    )
    op.create_table(
        "confirmation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("action_plan", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('confirmed', 'returned')",
            name=op.f("ck_confirmation_decision_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["confirmation_request.id"],
            name=op.f("fk_confirmation_decision_request_id_confirmation_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_confirmation_decision_decided_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmation_decision")),
        sa.UniqueConstraint("request_id", name=op.f("uq_confirmation_decision_request_id")),
    )


def downgrade() -> None:
    op.drop_table("confirmation_decision")
    op.drop_index("ix_confirmation_request_user_code", table_name="confirmation_request")
    op.drop_index("ix_confirmation_request_supervisor", table_name="confirmation_request")
    op.drop_table("confirmation_request")
    op.drop_index("ix_self_assessment_user_code", table_name="self_assessment")
    op.drop_table("self_assessment")
    op.drop_index("ix_competency_level_org_met_user", table_name="competency_level")
    with op.batch_alter_table("competency_level", schema=None) as batch_op:
        for column in ("rated_at", "expired", "due_from", "met_until", "met", "practice"):
            batch_op.drop_column(column)
    op.drop_index("ix_supervisor_organisation_id", table_name="supervisor")
    op.drop_table("supervisor")
