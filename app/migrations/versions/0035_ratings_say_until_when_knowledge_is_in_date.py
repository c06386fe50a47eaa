"""a rating records until when its knowledge has an answer in date

- competency_level.knowledge_until: when the last answer its knowledge rating counted
  expires (the answer's time plus the competency's validity, else its framework's); NULL
  when it counted none or answers never expire.

Before this revision a stored knowledge rating (level, score, evidence count) stayed as it
was after every answer behind it had expired, until the next `linkwise recompute-levels`:
the learner's pages said "Secure" above answers marked "expired: no longer counts", and the
manager's grid, learner page and exports the same. Pages and exports now show, from
knowledge_until on, the rating a learner with no answer in date gets ("Not enough
evidence", no score, no answers counted), as they already do for a lapsed confirmation
with practice_until (0033).

Existing ratings that counted answers are filled from their learner's latest answer in
the competency, with the validity the competency files give at upgrade time
(LINKWISE_COMPETENCIES_DIR, else the project's competencies/ folder, as 0024 reads them).
If the content has errors the column stays NULL (the ratings then read as they are
stored) until `linkwise recompute-levels`, run nightly and after an upgrade, fills it.

Downgrade drops the column.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 09:00:00
"""

import os
import sys
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000

_level = sa.table(
    "competency_level",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("competency_code", sa.String),
    sa.column("evidence_count", sa.Integer),
    sa.column("knowledge_until", sa.DateTime(timezone=True)),
)
_evidence = sa.table(
    "evidence",
    sa.column("user_id", sa.Integer),
    sa.column("competency_code", sa.String),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
)


# Plain ALTER TABLE, not a batch: on SQLite a batch copies the table, and the dashboard
# counts' triggers on competency_level refuse the copy's rename (as in 0033).
def upgrade() -> None:
    op.add_column(
        "competency_level", sa.Column("knowledge_until", sa.DateTime(timezone=True), nullable=True)
    )
    validity = _validity()
    if validity is None:
        return
    connection = op.get_bind()
    # A rating that counted answers counted its latest one: the last to expire.
    latest = (
        sa.select(_level.c.id, _level.c.competency_code, sa.func.max(_evidence.c.recorded_at))
        .join(
            _evidence,
            (_evidence.c.user_id == _level.c.user_id)
            & (_evidence.c.competency_code == _level.c.competency_code),
        )
        .where(_level.c.evidence_count > 0)
        .group_by(_level.c.id, _level.c.competency_code)
    )
    fill = (
        sa.update(_level)
        .where(_level.c.id == sa.bindparam("rating"))
        .values(knowledge_until=sa.bindparam("until"))
    )
    rows = []
    for rating, code, at in connection.execute(latest).all():
        span = validity.get(code)
        if span is None or at is None:
            continue
        at = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands times back without
        rows.append({"rating": rating, "until": span.after(at)})
        if len(rows) == BATCH:
            connection.execute(fill, rows)
            rows = []
    if rows:
        connection.execute(fill, rows)


def downgrade() -> None:
    op.drop_column("competency_level", "knowledge_until")


def _validity() -> dict | None:
    """Return each competency's validity (None where it has none), or None if unreadable."""
    from app.config import PROJECT_ROOT
    from app.content import load

    environ = os.environ
    content = Path(environ.get("LINKWISE_CONTENT_DIR") or PROJECT_ROOT / "content")
    frameworks = Path(environ.get("LINKWISE_COMPETENCIES_DIR") or PROJECT_ROOT / "competencies")
    catalogue = load(content, frameworks).catalogue
    if catalogue is None:
        print(
            "0035: the content has errors; knowledge_until stays empty until "
            "`linkwise recompute-levels`",
            file=sys.stderr,
        )
        return None
    return {
        c.code: c.valid_for or framework.valid_for
        for framework in catalogue.frameworks
        for c in framework.competencies
    }
