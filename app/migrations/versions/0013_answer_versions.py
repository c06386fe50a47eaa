"""answers name the question version they answered, for item analysis

Item analysis groups answers by the exact version of a question a learner saw. The
version sits in each attempt's selection; a column on the answer lets the database
group a quiz's answers without reading every selection. Graded answers made before this
revision get it from their attempt's selection.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("question_version", sa.String(length=64), nullable=True))
    # A quiz's graded attempts in a date range: the filter item analysis starts from.
    # On PostgreSQL the index also holds what item analysis reads from each attempt, so
    # the attempts' wide rows (their selections) are not read at all.
    op.create_index(
        "ix_attempt_quiz_status_submitted",
        "attempt",
        ["quiz_id", "status", "submitted_at"],
        postgresql_include=["id", "points", "percent", "number"],
    )
    _backfill()


def _backfill() -> None:
    connection = op.get_bind()
    attempt = sa.table(
        "attempt",
        sa.column("id", sa.Integer),
        sa.column("selection", sa.JSON),
        sa.column("status", sa.String),
    )
    answer = sa.table(
        "answer",
        sa.column("attempt_id", sa.Integer),
        sa.column("question_id", sa.String),
        sa.column("question_version", sa.String),
    )
    rows = connection.execute(sa.select(attempt.c.id, attempt.c.selection)).all()
    updates = [
        {"a": attempt_id, "q": entry["question"], "v": entry["version"]}
        for attempt_id, selection in rows
        for entry in selection or ()
        if entry.get("version")
    ]
    if updates:
        connection.execute(
            answer.update()
            .where(
                answer.c.attempt_id == sa.bindparam("a"), answer.c.question_id == sa.bindparam("q")
            )
            .values(question_version=sa.bindparam("v")),
            updates,
        )


def downgrade() -> None:
    op.drop_index("ix_attempt_quiz_status_submitted", table_name="attempt")
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("question_version")
