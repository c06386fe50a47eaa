"""a supervisor's confirmation records until when it is valid

- confirmation_decision.valid_until: until when a confirmation confirms the practice, worked
  out as the supervisor confirms from the competency's (else its framework's) valid_for
  then; NULL, with validity_recorded true, when neither set one (no end date).
- confirmation_decision.validity_recorded: whether the decision recorded its validity
  (true for every confirmation given from this revision on; false for a returned request).

Before this revision nothing stored it: the signed-off record worked "Valid until" out
afresh from today's competency files on every view, so a trainer editing or removing
valid_for changed what every past confirmation said. The record, the learner's and the
supervisor's pages, the data export and the ratings (whether practice is "Confirmed" or
"Confirmation expired", and until when a competency is met) now read the stored date.

Existing rows are left not recorded (validity_recorded false, valid_until NULL), and
their pages say so. The only thing to fill them from is the valid_for in the files at
upgrade time, which need not be the one in force when the supervisor confirmed: a
trainer may have changed it in between, and nothing kept what it was. Writing today's
value would present a guess as what the supervisor signed, which is the defect this
fixes (migration 0025 left the knowledge rating shown unfilled for the same reason).
Their ratings go on ending them valid_for after they were made, as before, which is a
rule about how long evidence counts rather than a claim of the record.

Downgrade drops the two columns (what they recorded is lost).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("confirmation_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "validity_recorded", sa.Boolean(), nullable=False, server_default=sa.text("false")
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("confirmation_decision", schema=None) as batch_op:
        batch_op.drop_column("validity_recorded")
        batch_op.drop_column("valid_until")
