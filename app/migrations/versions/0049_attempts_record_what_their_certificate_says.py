"""attempts record what their certificate will say of the module when they start

An attempt kept the quiz it started with (its question versions, settings and the module's
title: 0007, 0013, 0038), and was graded by it; but the certificate its pass earned took
the module as it stood at grading. A trainer's edit while a learner was part way through
(a new title, more CPD minutes, a reworded outcome, a competency added) went onto a
certificate for a quiz that never tested it, and the learner's record credited the new CPD
time. attempt.module_facts now holds what a certificate records of the module (CPD minutes,
learning outcomes, competencies with their names, clinical reviewer) as it stood when the
attempt started, written in the same statement as the attempt; a pass's certificate and its
credential take them from there, and the title from attempt.module_title.

Existing rows stay NULL: what the module said when they started was never kept, and a
migration reads no course (see 0038). Graded attempts have their certificates already; an
attempt in progress at the upgrade that passes later is certified from the module as it
stands then, under the title it recorded, as before this revision. Knowledge checks' attempts
earn no certificate and keep NULL.

Downgrading drops the column and what it recorded.

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-07 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0049"
down_revision: str | None = "0048"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, nullable with no default, as 0038: neither database rewrites the table,
# and on SQLite the dashboard counts' triggers on attempt stay as they are.
def upgrade() -> None:
    op.add_column("attempt", sa.Column("module_facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("attempt", "module_facts")
