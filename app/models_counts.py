"""The manager dashboard's counts, kept as ratings, passes and learners change."""

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, sqlite_key


class DashboardCountChange(Base):
    """A change to one of the dashboard's counts: +n or -n, never updated.

    `kind` says what is counted: "learner" (key and value empty), "level" (key the
    competency code, value the level) or "passed" (key the module's slug, value the month
    'YYYY-MM' a learner's completion of it counts from; it counts, once a learner, while
    one of their passes of its quiz does, under any id the quiz has had in the module:
    migrations 0036 and 0040). A count for an organisation (a team, a profession) is the
    sum of its rows. Triggers add rows in the transaction that writes a rating or a
    completion, grades a pass, revokes a credential, adds or removes a learner, moves one
    between teams or organisations, or changes their role or profession (migrations 0017,
    0027, 0036, 0040), so every path keeps the counts and a crash cannot part them. Each
    change is a new row, so concurrent gradings never wait on one hot row;
    `dashboard_counts.compact` folds an organisation's rows into one per key.
    """

    __tablename__ = "dashboard_count_change"
    __table_args__ = (
        Index("ix_dashboard_count_change_organisation_kind", "organisation_id", "kind"),
        # Rows go with their organisation (only tests remove one); checked once a statement
        # on PostgreSQL (migration 0022).
        sqlite_key(["organisation_id"], ["organisation.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    organisation_id: Mapped[int]
    team_id: Mapped[int | None]  # the learner's team when the change was made; no team: None
    profession: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(40))
    change: Mapped[int]
