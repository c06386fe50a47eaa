"""a closed request records why it was closed; requests of learners who left their
organisation are closed

A request to a supervisor was closed undecided when its supervisor could no longer decide it
or its learner erased their account, but not when the learner left the organisation it was
asked in (on their own, removed by a manager, or moving to another): the old organisation's
supervisor could still read the learner's quiz answers and confirm their practice. Leaving
now closes them, in the leaving's transaction, and each closing records why.

- confirmation_closure.reason: 'supervisor' (its supervisor can no longer confirm practice
  there), 'learner_erased' or 'learner_left'. The pages said why from dates until now.

Existing rows. A closing made at or after its learner's erasure is 'learner_erased' (as the
pages read it until now); every other one 'supervisor'. Every request whose learner is no
longer in its organisation, not erased, and that is neither decided nor closed, is closed
here as 'learner_left': dated when the learner left it if a leaver row says so (a manager's
removal), else as of the upgrade (a learner who left on their own was not recorded as a
leaver before this revision, and is not made one here: which team they left is not known).
Decisions already made stand. The audit log has no row for these closings (the upgrade is
not a person). Run `linkwise recompute-levels` afterwards so their learners' practice no
longer reads "Awaiting confirmation".

Downgrade drops the column. The closed requests stay closed: putting them back in the old
organisation's queues would be the defect this fixes.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
_closure = sa.table(
    "confirmation_closure",
    sa.column("request_id", sa.Integer),
    sa.column("closed_at", TZ),
    sa.column("reason", sa.String),
)
_request = sa.table(
    "confirmation_request",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("requested_at", TZ),
)
_decision = sa.table("confirmation_decision", sa.column("request_id", sa.Integer))
_user = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("erased_at", TZ),
)
_leaver = sa.table(
    "organisation_leaver",
    sa.column("user_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("left_at", TZ),
)


def _reasons_of_earlier_closings() -> None:
    learner = _user.alias("learner")
    erased_then = (
        sa.exists()
        .where(
            _request.c.id == _closure.c.request_id,
            learner.c.id == _request.c.user_id,
            learner.c.erased_at.is_not(None),
            _closure.c.closed_at >= learner.c.erased_at,
        )
    )
    connection = op.get_bind()
    connection.execute(_closure.update().where(erased_then).values(reason="learner_erased"))
    connection.execute(
        _closure.update().where(_closure.c.reason.is_(None)).values(reason="supervisor")
    )


def _close_requests_of_learners_who_left() -> None:
    from app.models import utcnow

    left_at = (
        sa.select(sa.func.max(_leaver.c.left_at))
        .where(
            _leaver.c.user_id == _request.c.user_id,
            _leaver.c.organisation_id == _request.c.organisation_id,
            _leaver.c.left_at >= _request.c.requested_at,
        )
        .scalar_subquery()
    )
    stranded = (
        sa.select(
            _request.c.id,
            sa.func.coalesce(left_at, sa.literal(utcnow(), TZ)),
            sa.literal("learner_left"),
        )
        .join(_user, _user.c.id == _request.c.user_id)
        .where(
            _user.c.organisation_id.is_distinct_from(_request.c.organisation_id),
            _user.c.erased_at.is_(None),
            ~sa.exists().where(_decision.c.request_id == _request.c.id),
            ~sa.exists().where(_closure.c.request_id == _request.c.id),
        )
    )
    op.get_bind().execute(
        sa.insert(_closure).from_select(["request_id", "closed_at", "reason"], stranded)
    )


def upgrade() -> None:
    op.add_column("confirmation_closure", sa.Column("reason", sa.String(length=20), nullable=True))
    _reasons_of_earlier_closings()
    _close_requests_of_learners_who_left()


def downgrade() -> None:
    with op.batch_alter_table("confirmation_closure") as batch_op:
        batch_op.drop_column("reason")
