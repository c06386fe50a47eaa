"""competencies keep the names they had in the framework files

A competency's name lived only in `competencies/*.yaml`: once a trainer took it out, the
learner's rating of it (listed apart under "No longer in the framework") showed its code
alone. competency_name records each competency's name in each framework as the frameworks
load for serving, with when it was first and last seen; a renamed competency gains a row, so
the latest last_seen_at of a code gives the name it last had (services/competency_names.py).

Existing rows: none to backfill here. A migration reads no course (see 0038): the app records
the names of the frameworks it serves each time it starts. A competency taken out before
this revision was never recorded, and the pages say its name was not recorded.

Downgrade drops the table and the names it recorded.

Revision ID: 0039
Revises: 0038
Create Date: 2027-01-19 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # The key leads with the code: a listed competency's names are read by it alone.
    op.create_table(
        "competency_name",
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("framework_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("first_seen_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint(
            "competency_code", "framework_id", "name", name=op.f("pk_competency_name")
        ),
    )


def downgrade() -> None:
    op.drop_table("competency_name")
