"""learners record when they joined their organisation and took their profession

A learner who joins a team after one of its assignments fell due has the time it gave
everyone from the day they joined (team_member.joined_at, domain/assignments.own_due). An
assignment to everyone in the organisation, or to a profession, could not do the same: when
a learner joined their organisation, or took their profession, was not recorded, so a new
member of staff was overdue the moment they registered. Two nullable columns now say it:

- user_account.organisation_joined_at: when they joined the organisation they are in (NULL
  in none); set by every way in (registering with a join code, the join page, a move by an
  administrator, a manager placing a learner of no organisation) and cleared by every way
  out (services/leavers.py);
- user_account.profession_since: when they took the profession they have; set when the
  account is made and when its details change the profession.

Backfill, for the accounts there before this revision, from the audit log where it says:

- organisation_joined_at: the latest event that put the person in an organisation, if it
  is about the organisation they are in now: `organisation.joined` (their own join with a
  code; its actor; the organisation by name, unique and never renamed) and `role.changed`
  naming a `new_organisation_id` (an administrator's move; its subject). Otherwise, for
  anyone in an organisation, the account's creation (`created_at`): an account is made in
  its organisation (registration with a code, create-user --org), and a later join writes
  one of those events. NULL for anyone in none.
- profession_since: the latest `account.details_changed` event (its actor) whose fields
  name "profession"; otherwise the account's creation, as a profession is given then.

An event may have been erased with its person; such an account is erased too (no
organisation), so nothing is lost. Nullable and without a server default, as 0047: neither
database rewrites the table. No triggers: the application writes both columns with the
statements that change what they date.

Downgrade drops the two columns.

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-07 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050"
down_revision: str | None = "0049"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
_user = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("created_at", TZ),
    sa.column("organisation_joined_at", TZ),
    sa.column("profession_since", TZ),
)
_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("subject_id", sa.Integer),
    sa.column("occurred_at", TZ),
    sa.column("detail", sa.JSON),
)
_organisation = sa.table("organisation", sa.column("id", sa.Integer), sa.column("name", sa.String))
JOINS = ("organisation.joined", "role.changed")
DETAILS = "account.details_changed"


def _from_the_audit_log() -> None:
    connection = op.get_bind()
    named = dict(connection.execute(sa.select(_organisation.c.name, _organisation.c.id)).all())
    # Each person's latest join of an organisation, and latest change of profession, in
    # event order (ids rise with time; the time itself is what is kept).
    joined: dict[int, tuple] = {}
    took: dict[int, object] = {}
    events = connection.execute(
        sa.select(
            _event.c.kind,
            _event.c.actor_id,
            _event.c.subject_id,
            _event.c.occurred_at,
            _event.c.detail,
        )
        .where(_event.c.kind.in_((*JOINS, DETAILS)))
        .order_by(_event.c.id)
    )
    for kind, actor_id, subject_id, at, detail in events:
        detail = detail if isinstance(detail, dict) else {}
        if kind == "organisation.joined" and actor_id is not None:
            joined[actor_id] = (named.get(detail.get("organisation")), at)
        elif kind == "role.changed" and subject_id is not None and "new_organisation_id" in detail:
            joined[subject_id] = (detail["new_organisation_id"], at)
        elif kind == DETAILS and actor_id is not None and "profession" in detail.get("fields", ()):
            took[actor_id] = at
    people = connection.execute(
        sa.select(_user.c.id, _user.c.organisation_id, _user.c.created_at)
    ).all()
    rows = []
    for user_id, organisation_id, created_at in people:
        into, at = joined.get(user_id, (None, None))
        rows.append(
            {
                "person": user_id,
                "joined": None
                if organisation_id is None
                else (at if into == organisation_id else created_at),
                "since": took.get(user_id, created_at),
            }
        )
    if rows:
        connection.execute(
            _user.update()
            .where(_user.c.id == sa.bindparam("person"))
            .values(
                organisation_joined_at=sa.bindparam("joined", type_=TZ),
                profession_since=sa.bindparam("since", type_=TZ),
            ),
            rows,
        )


def upgrade() -> None:
    op.add_column("user_account", sa.Column("organisation_joined_at", TZ, nullable=True))
    op.add_column("user_account", sa.Column("profession_since", TZ, nullable=True))
    _from_the_audit_log()


def downgrade() -> None:
    op.drop_column("user_account", "profession_since")
    op.drop_column("user_account", "organisation_joined_at")
