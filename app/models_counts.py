"""The manager dashboard's counts of learners at each level, kept as ratings change."""

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base


class LevelCountChange(Base):
    """A change to how many learners hold a level in a competency: +n or -n, never updated.

    The count for an organisation (a team, a profession) is the sum of its rows. Triggers
    add rows in the transaction that writes a `competency_level` row, moves a learner
    between teams or organisations, or changes their role or profession (migration 0017),
    so every path that writes a rating keeps the counts and a crash cannot part them.
    Each change is a new row, so concurrent gradings never wait on one hot row;
    `level_counts.compact` folds an organisation's rows into one per key.
    """

    __tablename__ = "level_count_change"
    __table_args__ = (Index("ix_level_count_change_organisation", "organisation_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # Rows go with their organisation (only tests remove one).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    team_id: Mapped[int | None]  # the learner's team when the change was made; no team: None
    profession: Mapped[str | None] = mapped_column(String(40))
    competency_code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(40))
    change: Mapped[int]
