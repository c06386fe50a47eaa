"""a revoked pass's answers stop counting as evidence

Revoking a certificate withdrew its pass from compliance, CPD totals, the quiz's closing and
the dashboard (migrations 0027, 0036), but the pass's graded answers still counted in the
learner's knowledge ratings, so a competency could stay *Secure* and *Met* on that pass
alone. revoked_pass records each pass a revocation withdrew, by the rule compliance counts
by (services/passes.py: its own certificate revoked, or, for a pass without one, any of its
module's revoked at or after it), and the rating reads evidence without those attempts'
answers: an anti-join on a table that holds rows only where a certificate was revoked, by
the learner and the attempt. A column on `evidence` would have rewritten twenty-odd rows a
pass; this writes one row a pass and changes no evidence, answer or attempt.

Cost to a grade (PostgreSQL 15, EXPLAIN ANALYZE of RATED_EVIDENCE for a seeded learner with
320 evidence rows, revoked_pass holding 20,041 rows of other learners): the planner looks up
the learner's withdrawn passes once by ix_revoked_pass_user_id (0.006 ms, none found) and
joins the 320 rows against that, about 0.01 ms of a 1.6 ms read; with the table empty, a
scan of nothing. The index on user_id keeps it so however many passes erasures withdraw.

The upgrade fills the table from the revocations made before it. Run `linkwise
recompute-levels` after upgrading, so ratings stop counting those answers. No trigger
function is added (migration 0044's list stands). Downgrade drops the table: the answers
count again (run `linkwise recompute-levels` after it too).

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)

_attempt = sa.table(
    "attempt",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("module_slug", sa.String),
    sa.column("passed", sa.Boolean),
    sa.column("submitted_at", TZ),
    sa.column("quiz_settings", sa.JSON),
)
_certificate = sa.table(
    "certificate",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("module_slug", sa.String),
    sa.column("attempt_id", sa.Integer),
)
_own = _certificate.alias("own")
_credential = sa.table(
    "credential", sa.column("certificate_id", sa.Integer), sa.column("revoked_at", TZ)
)
_revoked_pass = sa.table(
    "revoked_pass",
    sa.column("attempt_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("revoked_at", TZ),
)


def _withdrawn():
    """Return the passes the revocations made so far withdrew, with the earliest that did
    (passes.REVOKED_SINCE, as it reads at this migration)."""
    a, c, k = _attempt.c, _certificate.c, _credential.c
    revoked_at = (
        sa.select(sa.func.min(k.revoked_at))
        .select_from(_certificate.join(_credential, k.certificate_id == c.id))
        .where(
            c.user_id == a.user_id,
            c.module_slug == a.module_slug,
            k.revoked_at >= a.submitted_at,
            sa.or_(
                c.attempt_id == a.id,
                ~sa.exists().where(_own.c.attempt_id == a.id).correlate_except(_own),
            ),
        )
        .scalar_subquery()
    )
    kind = sa.func.coalesce(a.quiz_settings["kind"].as_string(), "assessment")
    found = sa.select(a.id, a.user_id, revoked_at.label("revoked_at")).where(
        a.passed.is_(True), kind == "assessment"
    )
    found = found.subquery("found")
    return sa.select(found.c.id, found.c.user_id, found.c.revoked_at).where(
        found.c.revoked_at.is_not(None)
    )


def upgrade() -> None:
    op.create_table(
        "revoked_pass",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempt.id"],
            name=op.f("fk_revoked_pass_attempt_id_attempt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_revoked_pass")),
    )
    op.create_index(op.f("ix_revoked_pass_user_id"), "revoked_pass", ["user_id"])
    op.execute(
        _revoked_pass.insert().from_select(["attempt_id", "user_id", "revoked_at"], _withdrawn())
    )


def downgrade() -> None:
    op.drop_table("revoked_pass")
