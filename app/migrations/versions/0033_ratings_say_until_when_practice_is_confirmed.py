"""a rating records until when its confirmed practice stays confirmed

- competency_level.practice_until: when a "Confirmed" practice stops confirming (its
  confirmation's end); NULL when it does not end or the practice is not "Confirmed".

Before this revision a stored rating kept saying "Confirmed" after its confirmation had
ended, until the next `linkwise recompute-levels`: the learner's pages, the manager's
learner page and the export claimed a confirmation the supervisor's page already called
expired. Pages and exports now say "Confirmation expired" from practice_until on, as they
already work Met, Due soon and Expired out from met_until and due_from.

Existing "Confirmed" rows are filled from their latest confirmation's valid_until, where
its decision recorded one (migration 0032); a confirmation made before that recorded no
end, and its rating ends it valid_for after it was made, from the competency files, which
SQL cannot read: those rows stay NULL until `linkwise recompute-levels` (run nightly, and
after an upgrade) re-rates them.

Downgrade drops the column.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The latest confirmation of the rating's learner and competency: its recorded end (NULL
# when it recorded none). The same SQL on SQLite and PostgreSQL.
FILL = """
UPDATE competency_level SET practice_until = (
    SELECT confirmation_decision.valid_until
    FROM confirmation_decision
    JOIN confirmation_request ON confirmation_request.id = confirmation_decision.request_id
    WHERE confirmation_request.user_id = competency_level.user_id
      AND confirmation_request.competency_code = competency_level.competency_code
      AND confirmation_decision.outcome = 'confirmed'
    ORDER BY confirmation_decision.decided_at DESC, confirmation_decision.id DESC
    LIMIT 1
)
WHERE practice = 'Confirmed'
"""


# Plain ALTER TABLE, not a batch: on SQLite a batch that drops a column copies the table,
# and the dashboard counts' triggers on competency_level refuse the copy's rename.
def upgrade() -> None:
    op.add_column(
        "competency_level", sa.Column("practice_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_column("competency_level", "practice_until")
