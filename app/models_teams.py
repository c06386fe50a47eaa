"""Teams within an organisation, who manages which, and who left."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, utcnow


class Team(Base):
    """A group of learners within an organisation: a practice of a PCN, say."""

    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        # Two names an organisation may not both have: "Elm Street" and "elm  street"
        # share a key (names.team_name_key). Migration 0037 left it empty on a team whose
        # name clashed with an older one's; renaming it gives it one.
        UniqueConstraint("organisation_id", "name_key", name="uq_team_name_key"),
        # An id is never given twice, on SQLite too (which otherwise gives a deleted team's
        # id to the next): a stale form about a deleted team must never reach a new one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str | None] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamMember(Base):
    """The one team a learner belongs to; the row goes when they leave it."""

    __tablename__ = "team_member"

    # One team per learner: the primary key refuses a second membership.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    # Who placed them; none when the learner joined by the team's code.
    placed_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamManager(Base):
    """A manager confined to named teams; a manager with no rows manages the organisation."""

    __tablename__ = "team_manager"
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)


class Leaver(Base):
    """A learner who left an organisation (removed, or on their own): kept for its audit."""

    __tablename__ = "organisation_leaver"
    __table_args__ = (Index("ix_organisation_leaver_org_left", "organisation_id", "left_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    team_name: Mapped[str | None] = mapped_column(String(200))
    # The team they left, while it exists: its managers see them under it, whatever it has
    # been renamed since (team_name keeps the name it had then). Migration 0037.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    removed_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    left_at: Mapped[datetime] = mapped_column(default=utcnow)
    # False for a leaving rebuilt from the audit log (migration 0031), which did not record
    # the team they left: team_name is then unknown, not "no team".
    team_recorded: Mapped[bool] = mapped_column(default=True, server_default=true())
