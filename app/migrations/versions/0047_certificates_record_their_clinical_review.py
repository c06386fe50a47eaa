"""certificates record who the module named as its clinical reviewer when issued

Every module says who reviewed it clinically (`clinical_reviewer`, "Awaiting named
independent clinical reviewer ..." while that review is to come), and its "About this
module" shows it; its certificates said nothing of it. Now certificate.clinical_reviewer
records the module's `clinical_reviewer` as it stood at issue, in the same statement as
everything else the certificate records (0024), and the certificate's page, PDF, public check
and the learner's data export say whether a named clinician had reviewed the content. A
review made later does not change a certificate issued before it.

Existing rows stay NULL: what a module said when they were issued was never kept, and
today's content cannot say it. They read "not recorded", which claims no review.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0047"
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, nullable with no default, as 0041: neither database rewrites the table.
def upgrade() -> None:
    op.add_column("certificate", sa.Column("clinical_reviewer", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("certificate", "clinical_reviewer")
