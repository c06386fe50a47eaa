"""competency_level's (user_id, competency_code) key carries the columns the CSV export reads

The unique constraint's index INCLUDEs level, score, evidence_count, last_evidence_at,
practice, met, met_until, due_from and expired (PostgreSQL only; SQLite keeps its key as
it is). The export reads a learner's ratings from that index alone: their entries sit
together, where the table has them on several pages. At 100,000 learners (40 ratings each)
a page of 500 learners read 886 buffers from outside shared_buffers instead of 2,258, and
the same export code took 8.3-8.4 s of the database's CPU instead of 11.6-12.2 s. It is the
same index, not one more, so a grade writes no extra index entry for it; but a re-rating
that changes only the score can no longer be a HOT update.

Rebuilding the key takes a lock on competency_level while it runs (about 12 s for five
million ratings on a 2-core machine).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 19:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "uq_competency_level_user_id"
CARRIED = (
    "level, score, evidence_count, last_evidence_at, practice, met, met_until, due_from, expired"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE competency_level DROP CONSTRAINT {KEY}, "
            f"ADD CONSTRAINT {KEY} UNIQUE (user_id, competency_code) INCLUDE ({CARRIED})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE competency_level DROP CONSTRAINT {KEY}, "
            f"ADD CONSTRAINT {KEY} UNIQUE (user_id, competency_code)"
        )
