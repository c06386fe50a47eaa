"""The mail outbox: account notices written with the change they report, sent after it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, utcnow

# A notice still to send: neither sent (or perhaps sent) nor refused.
PENDING = "sent_at IS NULL AND refused_at IS NULL"


class MailOutbox(Base):
    """One account notice (a password, email address or role changed, many failed sign-ins)
    to send, or sent.

    Written in the same transaction as the change it reports, so a change never commits
    without its notice; sent after the commit, at once or by `linkwise send-mail`. It holds
    the template's name and its fields (names, times, a count, a role in words; never a token
    or a link), the address it goes to, and how sending went (services/mail_outbox.py).
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        # The sender's question: which pending notice is due, oldest first.
        Index(
            "ix_mail_outbox_due",
            "next_attempt_at",
            "id",
            sqlite_where=text(PENDING),
            postgresql_where=text(PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))  # the old one, for a new address
    template: Mapped[str] = mapped_column(String(40))  # mail/<template>.txt
    fields: Mapped[dict] = mapped_column(JSON)  # its non-secret fields (mail_outbox.NOTICES)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it is next tried: moved ahead while a sender holds it, and after each failure.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)  # tries the server could not take
    sent_at: Mapped[datetime | None]  # handed over (or perhaps: see last_error)
    refused_at: Mapped[datetime | None]  # refused by the mail server (5xx): not tried again
    last_error: Mapped[str | None] = mapped_column(String(500))
