"""frozen question versions, attempt revisions, extra attempts

- question_version: each question exactly as learners were shown it, stored once and named
  by the SHA-256 of its content. Attempts name the versions they showed (a "version" key in
  each selection entry) and evidence rows the version they came from, so grading, result
  pages, evidence and levels never read today's quiz file.
- attempt.quiz_settings: the quiz's title, pass mark and reveal rule when it started.
- attempt.revision and answer.revision: every save that changes an answer raises the
  attempt's revision, and forms carry the revision they showed, so a form from another tab
  (or the back button) can never blank or revert an answer saved since.
- evidence (attempt_id, question_id, competency_code) is unique: a graded question is
  evidence once per competency, whatever arrives twice.
- completion.last_completed_at: when the learner last went through a screen again, for
  the retake rule; attempt_grant: extra attempts given by a person or opened by the rule.

Existing rows. Attempts made before this revision kept only question ids, and grading
read the quiz file as it stood. This upgrade snapshots the quiz files as they stand at
upgrade time (LINKWISE_CONTENT_DIR, else the project's content/ folder): every selection
entry whose question is still in its file gets that question's version, its attempt gets
the quiz's settings, and evidence rows get the version of their question. That is the
best record left of what those learners saw, since the files cannot be read as they were.
An entry whose question had already gone from its file, or an attempt whose quiz file is
gone, stays without a version: the app shows such a question as no longer available,
with the mark stored when it was graded, and never regrades it. Scores, percentages and
pass marks of graded attempts are stored columns and are not touched. Any duplicate
evidence rows (the same attempt, question and competency twice) are removed, keeping the
first, before the new unique constraint; run `linkwise recompute-levels` afterwards to
rate every learner again from their evidence.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_version",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("quiz_id", sa.String(length=100), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("type_name", sa.String(length=40), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_question_version")),
    )
    op.create_table(
        "attempt_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=100), nullable=False),
        sa.Column("extra", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('person', 'retake-rule')", name=op.f("ck_attempt_grant_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["user_account.id"],
            name=op.f("fk_attempt_grant_granted_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_attempt_grant_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_grant")),
    )
    with op.batch_alter_table("attempt_grant", schema=None) as batch_op:
        batch_op.create_index("ix_attempt_grant_user_quiz", ["user_id", "quiz_id"])
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiz_settings", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_completed_at", sa.DateTime(timezone=True), nullable=True)
        )
    _remove_duplicate_evidence()
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_version", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_question_version_question_version"),
            "question_version",
            ["question_version"],
            ["hash"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_evidence_attempt_id"), ["attempt_id", "question_id", "competency_code"]
        )
    _snapshot_versions()


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_evidence_attempt_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_evidence_question_version_question_version"), type_="foreignkey"
        )
        batch_op.drop_column("question_version")
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.drop_column("last_completed_at")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("revision")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_column("revision")
        batch_op.drop_column("quiz_settings")
    with op.batch_alter_table("attempt_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_grant_user_quiz")
    op.drop_table("attempt_grant")
    op.drop_table("question_version")


_attempt = sa.table(
    "attempt",
    sa.column("id", sa.Integer),
    sa.column("quiz_id", sa.String),
    sa.column("selection", sa.JSON),
    sa.column("quiz_settings", sa.JSON),
)
_version = sa.table(
    "question_version",
    sa.column("hash", sa.String),
    sa.column("quiz_id", sa.String),
    sa.column("question_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("content", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_evidence = sa.table(
    "evidence",
    sa.column("id", sa.Integer),
    sa.column("quiz_id", sa.String),
    sa.column("question_id", sa.String),
    sa.column("attempt_id", sa.Integer),
    sa.column("competency_code", sa.String),
    sa.column("question_version", sa.String),
)


def _remove_duplicate_evidence() -> None:
    first = (
        sa.select(sa.func.min(_evidence.c.id))
        .group_by(_evidence.c.attempt_id, _evidence.c.question_id, _evidence.c.competency_code)
        .scalar_subquery()
    )
    op.get_bind().execute(sa.delete(_evidence).where(_evidence.c.id.not_in(first)))


def _current_quizzes() -> dict:
    """Read every quiz file as it stands now; a file with errors is left out."""
    from app.config import PROJECT_ROOT
    from app.domain.quizzes import parse_quiz

    content = Path(os.environ.get("LINKWISE_CONTENT_DIR") or PROJECT_ROOT / "content")
    quizzes = {}
    for path in sorted((content / "quizzes").glob("*.md")):
        if path.name == "README.md":
            continue
        quiz = parse_quiz(path.read_text("utf-8"), path).quiz
        if quiz is not None:
            quizzes.setdefault(quiz.id, quiz)
    return quizzes


def _snapshot_versions() -> None:
    from app.models import utcnow

    bind = op.get_bind()
    if bind.execute(sa.select(sa.func.count()).select_from(_attempt)).scalar() == 0:
        return
    quizzes = _current_quizzes()
    used: dict[str, tuple] = {}
    last_id = 0
    while True:  # a thousand attempts at a time, so a big table never sits in memory
        rows = bind.execute(
            sa.select(_attempt.c.id, _attempt.c.quiz_id, _attempt.c.selection)
            .where(_attempt.c.id > last_id)
            .order_by(_attempt.c.id)
            .limit(1000)
        ).all()
        if not rows:
            break
        updates = []
        for attempt_id, quiz_id, selection in rows:
            quiz = quizzes.get(quiz_id)
            if quiz is None:
                continue
            entries = []
            for entry in selection:
                version = quiz.versions.get(entry["question"])
                if version is not None and not entry.get("version"):
                    entry = {**entry, "version": version.hash}
                    used[version.hash] = (quiz_id, entry["question"], version)
                entries.append(entry)
            updates.append(
                {"a_id": attempt_id, "a_selection": entries, "a_settings": _settings(quiz)}
            )
        if updates:
            bind.execute(
                sa.update(_attempt)
                .where(_attempt.c.id == sa.bindparam("a_id"))
                .values(
                    selection=sa.bindparam("a_selection", type_=sa.JSON),
                    quiz_settings=sa.bindparam("a_settings", type_=sa.JSON),
                ),
                updates,
            )
        last_id = rows[-1][0]
    if used:
        now = utcnow()
        bind.execute(
            sa.insert(_version),
            [
                {
                    "hash": hash_,
                    "quiz_id": quiz_id,
                    "question_id": question_id,
                    "type_name": version.question.type_name,
                    "content": dict(version.content),
                    "created_at": now,
                }
                for hash_, (quiz_id, question_id, version) in used.items()
            ],
        )
        bind.execute(
            sa.update(_evidence)
            .where(
                _evidence.c.quiz_id == sa.bindparam("e_quiz"),
                _evidence.c.question_id == sa.bindparam("e_question"),
                _evidence.c.question_version.is_(None),
            )
            .values(question_version=sa.bindparam("e_version")),
            [
                {"e_quiz": quiz_id, "e_question": question_id, "e_version": hash_}
                for hash_, (quiz_id, question_id, _) in used.items()
            ],
        )


def _settings(quiz) -> dict:
    return quiz.settings.to_content()
