"""Modules assigned by managers, the reminders sent about them, and mail preferences."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, utcnow


class Assignment(Base):
    """A module a manager assigned to a team, a profession, a named learner or everyone.

    `target` names who in one string ("org", "team:3", "team:3/profession:gp",
    "profession:gp", "learner:17"), so the unique constraint makes a double submit a no-op.
    """

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("organisation_id", "module_slug", "target"),
        Index("ix_assignment_team", "team_id"),
        Index("ix_assignment_user", "user_id"),
        # An id is never given twice, on SQLite too (which otherwise reuses the highest id
        # once its row is deleted): a withdrawal is kept under the id it had, and a stale
        # withdraw form must never reach an assignment made since.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    profession: Mapped[str | None] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    renew_months: Mapped[int | None]
    assigned_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The module's title when it was assigned: what names the assignment once the module has
    # left the course. None on an assignment from before it was kept whose module had gone
    # when `linkwise db upgrade` filled it in (migration 0041).
    module_title: Mapped[str | None] = mapped_column(Text)


class AssignmentWithdrawal(Base):
    """An assignment a manager withdrew: what it was, who withdrew it and when (appended).

    Kept under the assignment's own id, so a second withdrawal of it (a double click, a
    stale tab) finds it here and changes nothing.
    """

    __tablename__ = "assignment_withdrawal"
    __table_args__ = (Index("ix_assignment_withdrawal_organisation", "organisation_id"),)

    assignment_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    profession: Mapped[str | None] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(Date)
    renew_months: Mapped[int | None]
    assigned_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime]
    withdrawn_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow)
    module_title: Mapped[str | None] = mapped_column(Text)  # the assignment's (0041)


class ReminderSent(Base):
    """One reminder about one module for one learner: the key makes a rerun send nothing."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "kind", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "due-soon", "overdue" or "expired"
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


OPEN = "resolved_at IS NULL"  # a reminder failure not yet put right


class ReminderFailure(Base):
    """A spell of reminder emails to one person that the mail server refused.

    Open (resolved_at NULL) while their emails keep being refused: each run that fails again
    counts one more and keeps the server's latest reply (one short line, never a transcript).
    The next email that goes through, or a change of the person's address, closes it; closed
    spells stay as history. One open spell a person at most, so runs at once add to it.
    """

    __tablename__ = "reminder_failure"
    __table_args__ = (
        Index(
            "uq_reminder_failure_open",
            "user_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # the email: "reminder" or "summary"
    refused: Mapped[str] = mapped_column(String(20))  # "address" or "message"
    reply: Mapped[str] = mapped_column(String(200))  # the server's, short (mail.short_reply)
    failures: Mapped[int] = mapped_column(default=1)  # one after another, since the first
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_how: Mapped[str | None] = mapped_column(String(20))  # "delivered", "email-changed"


class MailPreference(Base):
    """A person who asked for no more non-essential mail (reminders, summaries)."""

    __tablename__ = "mail_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    unsubscribed_at: Mapped[datetime] = mapped_column(default=utcnow)
