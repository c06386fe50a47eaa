"""learners who left an organisation on their own before 0029 get their leaver row, rebuilt
from the audit log

Until revision 0029 a learner who left their organisation on their own (Your account > Your
organisation) was taken out of it without a leaver row, so the managers' list of leavers and
the learner's data export missed them. Each such leaving is in the audit log: an
`organisation.left` event names the learner (its actor), the organisation by name and when.
Organisation names are unique and nothing in Linkwise renames one. Each such event that has
no leaver row gets one here:

- organisation: the one with that name, if it existed then (created at or before the
  event); an event naming none is left alone;
- removed by the learner themselves, as a leaving on one's own is recorded now; left at the
  event's time;
- team: not known (the event does not say which team they left), so none is written and
  the new column organisation_leaver.team_recorded is false: the pages say "Not recorded"
  rather than "No team", and only managers of the whole organisation see the row (a
  manager of some teams sees the leavers of those teams). It is true for every other row.

An event has its row already when a leaver row names the same learner and organisation,
removed by themselves, within a minute of it: since 0029 the leaving writes both in one
transaction. A row made here has the event's very time, so upgrading again adds none.
Events whose learner's account has since been deleted (no actor) are left alone.

Not rebuilt: a learner who moved to another organisation with its join code before 0029
left the first without a leaver row too, but the audit log recorded only the organisation
they joined (`organisation.joined`), not the one they left.

Downgrade deletes the rows made here (those whose team is not recorded) and drops the column.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 08:00:00
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Since 0029 a leaving's event and its leaver row are written by one transaction.
SAME_LEAVING = timedelta(minutes=1)
TZ = sa.DateTime(timezone=True)
_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("occurred_at", TZ),
    sa.column("detail", sa.JSON),
)
_organisation = sa.table(
    "organisation",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("created_at", TZ),
)
_leaver = sa.table(
    "organisation_leaver",
    sa.column("organisation_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("team_name", sa.String),
    sa.column("removed_by", sa.Integer),
    sa.column("left_at", TZ),
    sa.column("team_recorded", sa.Boolean),
)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands times back without their zone; they are stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _leavers_from_the_audit_log() -> None:
    connection = op.get_bind()
    organisations = {
        name: (organisation_id, _aware(created_at))
        for organisation_id, name, created_at in connection.execute(
            sa.select(_organisation.c.id, _organisation.c.name, _organisation.c.created_at)
        )
    }
    # When each learner left each organisation on their own, as the rows say already.
    left = defaultdict(list)
    for user_id, organisation_id, left_at in connection.execute(
        sa.select(_leaver.c.user_id, _leaver.c.organisation_id, _leaver.c.left_at).where(
            _leaver.c.removed_by == _leaver.c.user_id
        )
    ):
        left[user_id, organisation_id].append(_aware(left_at))
    events = connection.execute(
        sa.select(_event.c.actor_id, _event.c.occurred_at, _event.c.detail)
        .where(_event.c.kind == "organisation.left", _event.c.actor_id.is_not(None))
        .order_by(_event.c.id)
    )
    rows = []
    for user_id, occurred_at, detail in events:
        name = detail.get("organisation") if isinstance(detail, dict) else None
        organisation_id, created_at = organisations.get(name, (None, None))
        at = _aware(occurred_at)
        if organisation_id is None or (created_at is not None and created_at > at):
            continue
        if any(abs(at - then) <= SAME_LEAVING for then in left[user_id, organisation_id]):
            continue
        left[user_id, organisation_id].append(at)
        rows.append(
            {
                "organisation_id": organisation_id,
                "user_id": user_id,
                "team_name": None,
                "removed_by": user_id,
                "left_at": at,
                "team_recorded": False,
            }
        )
    if rows:
        connection.execute(sa.insert(_leaver), rows)


def upgrade() -> None:
    op.add_column(
        "organisation_leaver",
        sa.Column("team_recorded", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    _leavers_from_the_audit_log()


def downgrade() -> None:
    op.get_bind().execute(_leaver.delete().where(_leaver.c.team_recorded.is_(False)))
    with op.batch_alter_table("organisation_leaver") as batch_op:
        batch_op.drop_column("team_recorded")
