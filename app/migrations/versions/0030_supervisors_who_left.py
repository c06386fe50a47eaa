"""a supervisor who left their organisation is no longer named one there

Leaving an organisation (on one's own, removed by a manager, moving to another, erasure)
kept the person's supervisor row, naming the organisation they left. It gave them nothing
while they were away, but should they ever rejoin, they were silently its supervisor again,
able to read its learners' answers and confirm their practice. Leaving now ends it, audited.

Existing rows: every supervisor row whose person is no longer in its organisation is
deleted. The audit log has no row for these (the upgrade is not a person); the requests
that waited for them were closed when they left.

Downgrade changes nothing: putting the rows back would be the defect this fixes.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_supervisor = sa.table(
    "supervisor", sa.column("user_id", sa.Integer), sa.column("organisation_id", sa.Integer)
)
_user = sa.table(
    "user_account", sa.column("id", sa.Integer), sa.column("organisation_id", sa.Integer)
)


def upgrade() -> None:
    still_there = sa.exists().where(
        _user.c.id == _supervisor.c.user_id,
        _user.c.organisation_id == _supervisor.c.organisation_id,
    )
    op.get_bind().execute(_supervisor.delete().where(~still_there))


def downgrade() -> None:
    pass
