"""Tables of a learner's progress: completed items, quiz attempts, answers and grants."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, sqlite_key, utcnow


class Completion(Base):
    """One gated item of a module (a screen, later a knowledge check or quiz) a learner finished."""

    __tablename__ = "completion"
    # The unique constraint's index also serves "this learner's completions in this module".
    __table_args__ = (
        UniqueConstraint("user_id", "module_slug", "item_key"),
        # Who completed an item, and when: module completions on the manager's dashboard.
        Index("ix_completion_item_user", "item_key", "user_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    item_key: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last time the learner pressed Next on the screen again: a quiz's retake rule
    # asks for the screens to be gone back over after a failed last attempt.
    last_completed_at: Mapped[datetime | None]


class QuestionVersion(Base):
    """A question exactly as learners were shown it, stored once and named by its hash."""

    __tablename__ = "question_version"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    type_name: Mapped[str] = mapped_column(String(40))
    content: Mapped[dict] = mapped_column(JSON)  # Question.to_content(), with quiz and source
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(Base):
    """One go at a quiz or knowledge check, with its questions and their order frozen."""

    __tablename__ = "attempt"
    # Numbering attempts per learner and quiz makes a second "start" from another tab
    # collide here instead of creating a duplicate attempt.
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        # What evidence refers to: the attempt and its learner (one key to check, not two).
        # A unique index, not a constraint: SQLite adds it without rebuilding the table.
        Index("ix_attempt_id_user", "id", "user_id", unique=True),
        CheckConstraint("status IN ('in-progress', 'graded')", name="status_known"),
        # A quiz's graded attempts in a date range: where item analysis starts. On
        # PostgreSQL the index also holds what it reads, so the wide rows stay unread.
        Index(
            "ix_attempt_quiz_status_submitted",
            "quiz_id",
            "status",
            "submitted_at",
            postgresql_include=["id", "points", "percent", "number"],
        ),
        # Each learner's latest pass per module: the compliance matrix's completions.
        Index(
            "ix_attempt_passed_user_module",
            "user_id",
            "module_slug",
            "submitted_at",
            postgresql_where=text("passed IS true"),
            sqlite_where=text("passed IS 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(100))
    module_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    # [{"question": id, "version": hash, "order": [option ids as shown]}], fixed at the
    # start; the versions are the questions the attempt is answered and graded against.
    selection: Mapped[list] = mapped_column(JSON)
    # The quiz's title, pass mark and reveal rule when the attempt started.
    quiz_settings: Mapped[dict | None] = mapped_column(JSON)
    # Goes up with every save that changes an answer; forms carry the one they showed.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    points: Mapped[float | None]
    points_possible: Mapped[float | None]
    percent: Mapped[int | None]
    passed: Mapped[bool | None]
    # The module's title when the attempt started: what names the attempt once the module
    # has left the course. None on an attempt from before it was kept whose module had
    # gone when `linkwise db upgrade` filled it in (migration 0038).
    module_title: Mapped[str | None] = mapped_column(Text)
    # What the certificate a pass earns records of the module, as it stood when the attempt
    # started (services/module_as_started.py): its CPD minutes, learning outcomes,
    # competencies ([[code, name], ...]) and clinical reviewer. None on a knowledge check's
    # attempt, and on one started before it was kept (migration 0049).
    module_facts: Mapped[dict | None] = mapped_column(JSON)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )


class Answer(Base):
    """A learner's answer to one question of an attempt, saved as it is given."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        # Checked once a statement on PostgreSQL (migration 0022).
        sqlite_key(["attempt_id"], ["attempt.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(100))
    # {"value": what the learner gave}; a value of null is an answer the learner cleared.
    response: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    points: Mapped[float | None]
    # The attempt's revision when this answer was last saved.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # The version of the question answered, written when the attempt is graded: item
    # analysis groups answers by it.
    question_version: Mapped[str | None] = mapped_column(String(64))

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class AttemptGrant(Base):
    """Extra attempts at a quiz: given by a trainer or manager, or opened by the retake rule."""

    __tablename__ = "attempt_grant"
    __table_args__ = (
        CheckConstraint("kind IN ('person', 'retake-rule')", name="kind_known"),
        Index("ix_attempt_grant_user_quiz", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(100))
    extra: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
