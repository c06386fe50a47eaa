"""attempts record their module's title when they start

A certificate records its module's title (0024), but an attempt recorded only the module's
slug: once the module left the course (its folder deleted or renamed), an attempt that no
certificate covers, a failed one, was named by its slug on the learner's result page and on
the manager's and trainer's pages of the learner. attempt.module_title now holds the title
as the attempt started, written in the same transaction as the attempt; the pages name a
module that has gone by it.

Existing rows are filled in by `linkwise db upgrade` once the schema is at its newest (and by
`linkwise db fill-attempt-titles`, which does only that), from the course the command's app
loaded, not here. A migration reads no course: it runs where no app is built (Alembic on
its own, tests), the content may have errors then, and 0007 and 0024 had to guess which
folder to read. The command reads the folders the app serves, with the app's own loader,
and says so if the content has errors. Attempts at modules already gone keep NULL: the
pages fall back to the title a certificate of the module recorded, else the slug, as they
did before. New attempts never leave it NULL.

Downgrading drops the column and what it recorded.

Revision ID: 0038
Revises: 0037
Create Date: 2027-01-12 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not a batch: on SQLite a batch that drops the column copies the table,
# and the dashboard counts' triggers on attempt refuse the copy's rename (as in 0033).
# Nullable, with no default: neither database rewrites the table, however many attempts.
def upgrade() -> None:
    op.add_column("attempt", sa.Column("module_title", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("attempt", "module_title")
