"""The xAPI outbox: statements written with the event they report, sent to the LRS later."""

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, utcnow


class StatementOutbox(Base):
    """One xAPI statement waiting for (or already given to) the learning record store.

    Written in the same transaction as the completion, answer or grade it reports, so a
    crash never leaves one without the other; the sender marks it sent once the LRS took it.
    """

    __tablename__ = "statement_outbox"
    # The sender's question: what is unsent and due, oldest first.
    __table_args__ = (Index("ix_statement_outbox_due", "sent_at", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
