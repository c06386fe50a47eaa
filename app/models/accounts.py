"""Tables of people and organisations: accounts, sign-ups waiting and the audit trail."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.accounts import PROFESSIONS, ROLES
from app.models.base import Base, utcnow


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["User"]] = relationship(back_populates="organisation")


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint(_in("profession", PROFESSIONS), name="profession_known"),
        CheckConstraint("role != 'manager' OR organisation_id IS NOT NULL", name="manager_has_org"),
        # An organisation's learners in name order: the manager's grid and export. With the
        # profession (PostgreSQL), a page deep in the grid is read from the index alone.
        Index(
            "ix_user_account_org_role_name",
            "organisation_id",
            "role",
            "full_name",
            "id",
            postgresql_include=["profession"],
        ),
        # An organisation's learners by profession: the grid's commonest profession and its
        # count of the learners a framework applies to, read from the index alone.
        Index("ix_user_account_org_role_profession", "organisation_id", "role", "profession", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str] = mapped_column(String(40))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default="learner")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # When they joined the organisation they are in (NULL in none, or not known: 0050), and
    # took the profession they have: an assignment to everyone there, or to a profession,
    # gives a later comer its time from that day (domain/assignments.came_under). Every
    # writer of organisation_id or profession sets these with it.
    organisation_joined_at: Mapped[datetime | None]
    profession_since: Mapped[datetime | None] = mapped_column(default=utcnow)
    # The healthcare-professional confirmation, kept with the profession given at the time.
    professional_confirmed_at: Mapped[datetime]
    professional_confirmed_as: Mapped[str] = mapped_column(String(40))
    # Rotated on sign-out and password change, which ends every other session of the user.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]
    # Set when the person erased their account: the row stays, anonymised, so their
    # organisation's counts still add up; nothing in it identifies them any more.
    erased_at: Mapped[datetime | None]
    # Chose to be signed out after ten times the usual time without use (app/idle.py): for
    # people who need longer, as WCAG 2.2.1 asks. Read when they sign in.
    long_idle_limit: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")


class PendingRegistration(Base):
    """A sign-up waiting for its owner to follow the link emailed to the address."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the emailed token: the table alone cannot confirm anyone.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    profession: Mapped[str] = mapped_column(String(40))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    # Set when the join code given was a team's: the new learner starts in that team.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    # The join code given, as stored: replacing that code finds this sign-up by it (0042).
    # NULL for none, and for sign-ups from before it was recorded.
    join_code: Mapped[str | None] = mapped_column(String(32))
    # When a manager replaced that code: the sign-up then joins no organisation.
    join_code_replaced_at: Mapped[datetime | None]
    professional_confirmed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what to whom, when and from where: appended, never edited (but erasure)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_kind_at", "kind", "occurred_at"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    # The signed-in user who acted; none for a visitor (see address) or the command line.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The account the event is about, when that is not the actor (a role changed, a
    # learner viewed by their manager).
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # "web" or "cli": a command-line event names the operating-system user in detail.
    via: Mapped[str] = mapped_column(String(10), default="web")
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
