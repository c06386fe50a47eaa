"""assignments record their module's title when they are made

An assignment recorded only its module's slug. Once the module left the course, the pages
named it by the title an attempt or a certificate of it had recorded (0038, 0024): a module
assigned, then removed before anyone started it, was shown to the learner and their manager
by its slug. assignment.module_title now holds the module's title as it was assigned, written
by the same statement as the assignment, and assignment_withdrawal keeps it as it keeps the
assignment's other columns.

Existing assignments are given their module's title by `linkwise db upgrade` once the schema
is at its newest, from the course the command's app loaded (as 0038 does for attempts, and
for its reasons: a migration reads no course). An assignment of a module already gone keeps
NULL, and is named as services/module_titles.py says. New assignments never leave it NULL.

Downgrading drops the columns and what they recorded.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("assignment", "assignment_withdrawal")


# Plain ALTER TABLE, nullable with no default, as 0038: neither database rewrites the table.
def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("module_title", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "module_title")
