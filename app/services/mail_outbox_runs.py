"""`linkwise send-mail`: send the account notices that are due, forget old ones, and a
person's notices for their data export (the outbox itself is in mail_outbox.py).

A run sends due notices one by one until none is due or the mail server is found down (or
answering "try later"): then it stops, that notice waits its delay, and the rest wait for
the next run. It then deletes the notices sent or refused more than KEEP_DAYS ago: a
notice is kept only so a sender knows it went, and a person sees it in their export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select

from app import db, mail
from app.domain.dates import in_utc, iso_utc
from app.models import utcnow
from app.models_mail import MailOutbox
from app.services.mail_outbox import MAYBE_SENT, PENDING, REFUSED, SENT, send_next

KEEP_DAYS = 30


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class MailRun:
    """What one run of `linkwise send-mail` did."""

    sent: int = 0  # of them, perhaps sent: the server had the message and never answered
    maybe_sent: int = 0
    refused: int = 0
    failed: int = 0  # not sent for another reason (logged); tried again later
    waiting: int = 0
    problem: str | None = None  # the mail server could not be reached, or said "try later"
    deleted: int = 0
    next_try: str | None = None  # when the first waiting notice is tried again (UTC)
    held: int = 0  # being sent by another run at the end of this one: not waiting, not failed

    def describe(self) -> str:
        """Return the run as the one sentence the command prints."""
        line = f"sent {_plural(self.sent, 'account notice', 'account notices')}"
        if self.maybe_sent:
            line += f" ({self.maybe_sent} perhaps: the mail server never answered after it)"
        if self.refused:
            line += (
                f"; the mail server refused {self.refused} (recorded, not tried again; "
                "a refused address is shown to administrators at /admin/emails-refused/)"
            )
        if self.failed:
            line += f"; {self.failed} could not be sent (see the log)"
        line += f"; {self.waiting} waiting"
        if self.held:
            line += f"; {self.held} being sent by another run"
        if self.problem:
            line += f" (the mail server could not take mail: {self.problem})"
        if self.waiting and self.next_try:
            line += f", the next try at {self.next_try} UTC"
        return line + f"; deleted {self.deleted} sent or refused over {KEEP_DAYS} days ago"

    @property
    def unsent(self) -> bool:
        """Say whether the run ends as a failure: the mail server was not reached, or a
        notice is waiting after failing (so cron or systemd says so until it goes). A notice
        another run is sending is neither: that run says how it went."""
        return bool(self.problem or self.failed or self.next_try)


def send_due(keep_days: int = KEEP_DAYS) -> MailRun:
    """Send every due notice, stop at an outage, then delete notices past keeping."""
    counts = {SENT: 0, MAYBE_SENT: 0, REFUSED: 0}
    failed, problem = 0, None
    while True:
        try:
            outcome = send_next()
        except mail.MailServerDown as error:
            problem = str(error)
            break
        if outcome is None:
            break
        if outcome in counts:
            counts[outcome] += 1
        else:
            failed += 1
    deleted = prune(keep_days)
    waiting, held, next_try = _waiting()
    return MailRun(
        counts[SENT] + counts[MAYBE_SENT],
        counts[MAYBE_SENT],
        counts[REFUSED],
        failed,
        waiting,
        problem,
        deleted,
        next_try,
        held,
    )


def _waiting() -> tuple[int, int, str | None]:
    """Return how many notices wait, how many another run holds (their next try moved ahead
    by its claim, which clears last_error: mail_outbox.claim), and when the first that
    failed before is tried again."""
    session = db.session()
    held = PENDING & (MailOutbox.next_attempt_at > utcnow()) & MailOutbox.last_error.is_(None)
    pending = session.scalar(select(func.count()).select_from(MailOutbox).where(PENDING))
    holding = session.scalar(select(func.count()).select_from(MailOutbox).where(held))
    first = session.scalar(
        select(func.min(MailOutbox.next_attempt_at)).where(
            PENDING, MailOutbox.attempts > 0, MailOutbox.last_error.is_not(None)
        )
    )
    return (
        pending - holding,
        holding,
        None if first is None else f"{in_utc(first):%Y-%m-%d %H:%M:%S}",
    )


def prune(keep_days: int = KEEP_DAYS) -> int:
    """Delete notices sent or refused more than `keep_days` ago; return how many (committed)."""
    session = db.session()
    cutoff = utcnow() - timedelta(days=keep_days)
    deleted = session.execute(
        delete(MailOutbox)
        .where(or_(MailOutbox.sent_at < cutoff, MailOutbox.refused_at < cutoff))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return deleted


KEPT = (
    "Emails telling you your password, email address or role changed, or that many attempts "
    f"to sign in to your account failed: kept until sent, then for {KEEP_DAYS} days; they "
    "hold your name, the address, when, and what the email tells you (how many attempts, "
    "your new role), never a link to sign in."
)


def export_for(user_id: int) -> list[dict]:
    """Return the person's account notices, as their data export lists them."""
    rows = db.session().scalars(
        select(MailOutbox).where(MailOutbox.user_id == user_id).order_by(MailOutbox.id)
    )
    return [
        {
            "notice": row.template,
            "to": row.to_address,
            "fields": dict(row.fields),
            "created_at": iso_utc(row.created_at),
            "sent_at": iso_utc(row.sent_at),
            "refused_at": iso_utc(row.refused_at),
            "failed_tries": row.attempts,
            "mail_server_said": row.last_error,
        }
        for row in rows
    ]
