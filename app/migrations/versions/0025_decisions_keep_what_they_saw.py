"""a supervisor's decision keeps what it was made on; requests no one can decide are closed

- confirmation_decision: framework_title, competency_name and competency_statement (the
  wording the supervisor confirmed against), knowledge_level and knowledge_score (the
  rating from quizzes they were shown). The decided request page and the signed-off PDF
  read these, not today's competency file or today's rating.
- confirmation_evidence: the quiz answers (evidence rows) the supervisor was shown, one row
  each, so a decided request never lists an answer given after it.
- confirmation_closure: a request closed undecided because its supervisor can no longer
  confirm practice in that organisation (erased, no longer named, or moved). A closed
  request waits for no one, and the learner may ask another supervisor.

Existing rows. Decisions made before this revision kept none of this, so the upgrade
records the best the database and files allow. Wording: each decided competency's
framework title, name and statement as competencies/*.yaml read at upgrade time
(LINKWISE_COMPETENCIES_DIR, else the project's competencies/ folder); a competency no
longer in those files keeps none (NULL), and its pages say the wording was not recorded.
Evidence: every answer recorded for the competency up to the moment of the decision, which
is what the request page listed then (later answers are left out). Rating: not filled.
The rating shown then was not kept, and working it out again with today's rules would be a
guess presented as a record, so the pages say it was not recorded. Requests waiting with
no decision whose supervisor is erased, gone, no longer named there or in another
organisation are closed as of the upgrade. Run `linkwise recompute-levels` afterwards so
their learners' practice no longer reads "Awaiting confirmation".

Downgrade drops the two tables and the five columns (what they recorded is lost).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 10:00:00
"""

import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("confirmation_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("framework_title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("competency_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("competency_statement", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("knowledge_level", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("knowledge_score", sa.Double(), nullable=True))
    op.create_table(
        "confirmation_evidence",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["confirmation_decision.id"],
            name=op.f("fk_confirmation_evidence_decision_id_confirmation_decision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_confirmation_evidence_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_id", "evidence_id", name=op.f("pk_confirmation_evidence")),
    )
    op.create_index(
        "ix_confirmation_evidence_evidence_id", "confirmation_evidence", ["evidence_id"]
    )
    op.create_table(
        "confirmation_closure",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["confirmation_request.id"],
            name=op.f("fk_confirmation_closure_request_id_confirmation_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_confirmation_closure")),
    )
    _record_wording()
    _record_evidence()
    _close_stranded()


def downgrade() -> None:
    op.drop_table("confirmation_closure")
    op.drop_index("ix_confirmation_evidence_evidence_id", table_name="confirmation_evidence")
    op.drop_table("confirmation_evidence")
    with op.batch_alter_table("confirmation_decision", schema=None) as batch_op:
        batch_op.drop_column("knowledge_score")
        batch_op.drop_column("knowledge_level")
        batch_op.drop_column("competency_statement")
        batch_op.drop_column("competency_name")
        batch_op.drop_column("framework_title")


_decision = sa.table(
    "confirmation_decision",
    sa.column("id", sa.Integer),
    sa.column("request_id", sa.Integer),
    sa.column("decided_at", sa.DateTime(timezone=True)),
    sa.column("framework_title", sa.Text),
    sa.column("competency_name", sa.Text),
    sa.column("competency_statement", sa.Text),
)
_request = sa.table(
    "confirmation_request",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("supervisor_id", sa.Integer),
    sa.column("competency_code", sa.String),
)
_evidence = sa.table(
    "evidence",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("competency_code", sa.String),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
)
_link = sa.table(
    "confirmation_evidence", sa.column("decision_id", sa.Integer), sa.column("evidence_id", sa.Integer)
)
_closure = sa.table(
    "confirmation_closure",
    sa.column("request_id", sa.Integer),
    sa.column("closed_at", sa.DateTime(timezone=True)),
)
_supervisor = sa.table(
    "supervisor", sa.column("user_id", sa.Integer), sa.column("organisation_id", sa.Integer)
)
_user = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("erased_at", sa.DateTime(timezone=True)),
)


def _current_wording() -> dict[str, tuple[str, str, str]]:
    """Read every framework file as it stands now: code -> (framework, name, statement)."""
    from app.config import PROJECT_ROOT
    from app.domain.framework_files import load_frameworks

    folder = Path(os.environ.get("LINKWISE_COMPETENCIES_DIR") or PROJECT_ROOT / "competencies")
    found = load_frameworks(sorted(folder.glob("*.yaml")))
    return {
        c.code: (framework.title, c.name, c.statement)
        for framework in found.frameworks
        for c in framework.competencies
    }


def _record_wording() -> None:
    bind = op.get_bind()
    codes = bind.execute(
        sa.select(_request.c.competency_code)
        .distinct()
        .join(_decision, _decision.c.request_id == _request.c.id)
    ).scalars()
    codes = list(codes)
    if not codes:
        return
    wording = _current_wording()
    rows = [
        {"w_code": code, "w_framework": found[0], "w_name": found[1], "w_statement": found[2]}
        for code in codes
        if (found := wording.get(code)) is not None
    ]
    if not rows:
        return
    decided = sa.select(_request.c.id).where(_request.c.competency_code == sa.bindparam("w_code"))
    bind.execute(
        sa.update(_decision)
        .where(_decision.c.request_id.in_(decided))
        .values(
            framework_title=sa.bindparam("w_framework"),
            competency_name=sa.bindparam("w_name"),
            competency_statement=sa.bindparam("w_statement"),
        ),
        rows,
    )


def _record_evidence() -> None:
    seen = (
        sa.select(_decision.c.id, _evidence.c.id)
        .join(_request, _request.c.id == _decision.c.request_id)
        .join(
            _evidence,
            (_evidence.c.user_id == _request.c.user_id)
            & (_evidence.c.competency_code == _request.c.competency_code)
            & (_evidence.c.recorded_at <= _decision.c.decided_at),
        )
    )
    op.get_bind().execute(sa.insert(_link).from_select(["decision_id", "evidence_id"], seen))


def _close_stranded() -> None:
    from app.models import utcnow

    can_decide = (
        sa.exists()
        .where(
            _supervisor.c.user_id == _request.c.supervisor_id,
            _supervisor.c.organisation_id == _request.c.organisation_id,
            _user.c.id == _supervisor.c.user_id,
            _user.c.organisation_id == _request.c.organisation_id,
            _user.c.erased_at.is_(None),
        )
    )
    stranded = sa.select(_request.c.id, sa.literal(utcnow(), sa.DateTime(timezone=True))).where(
        ~sa.exists().where(_decision.c.request_id == _request.c.id), ~can_decide
    )
    op.get_bind().execute(
        sa.insert(_closure).from_select(["request_id", "closed_at"], stranded)
    )
