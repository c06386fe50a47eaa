"""Account notices (a password, email address or role changed; many failed sign-ins) kept in
an outbox until sent.

A notice is written in the same transaction as the change it reports (`queue`), so no change
commits without its notice, and sent after the commit: at once by the request that made the
change (`send_queued`; the sign-in ceiling's by a thread of its own, which writes it too),
else by `linkwise send-mail` (mail_outbox_runs.py), which tries again while the mail server
is down or answers "try later" (4xx), waiting longer each time (a minute, then twice as long,
at most an hour). A notice the server refuses (5xx) is marked refused and not tried again;
when it refused the person's current address, that is recorded as a refused reminder is
(reminder_failures.py), so the person, their managers and the administrators see it. One the
server took and never answered about (MailMaybeSent) counts as sent, as reminders do: sending
it again could send it twice.

A row keeps the address, the template's name and its fields (a name, when the change was
made, and the few more NOTICES names: a count, a role in words), never the rendered message:
every field is named in NOTICES and `queue` refuses any other, so no token or link with one
can slip in with a body; the data export lists plainly what was kept; and a notice sent after
an outage is rendered then, with the site's address as it is configured. The one link a
notice may carry (the "forgot your password" page) holds no secret and is built when it is
sent.

A sender claims one notice at a time by moving its next try LEASE ahead, in a statement it
commits before sending: FOR UPDATE SKIP LOCKED on PostgreSQL (a second sender passes over
it); on SQLite the UPDATE takes the one write lock, so the second finds it no longer due.
No two senders send one notice; one that dies holding it leaves it to the next run once the
lease is over. The claim clears last_error, so a notice held (its next try ahead, no error)
is told apart from one waiting after a failure (its next try ahead, the server's words kept):
a run does not count another's notice as failed (mail_outbox_runs.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import db, mail
from app.domain.dates import day_time
from app.links import absolute_url
from app.models import User, utcnow
from app.models_assignments import ReminderFailure
from app.models_mail import MailOutbox
from app.services import reminder_failures

log = logging.getLogger("linkwise.mail_outbox")

FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=1)
# How long a sender holds a notice it claimed: past the longest a delivery can take (the
# timeouts of each step and the one after the message), so a live sender never loses it.
LEASE = timedelta(minutes=10)

SENT, MAYBE_SENT, REFUSED, NOT_SENT = "sent", "maybe sent", "refused", "not sent"


@dataclass(frozen=True)
class Notice:
    """What a notice's row may keep (`fields`), and the links built when it is sent."""

    fields: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)  # name -> endpoint (no token)


NOTICES = {
    "password_changed": Notice(("name", "when"), {"reset_url": "recovery.forgot_password"}),
    "email_change_requested": Notice(("name", "when")),
    "email_changed": Notice(("name", "when")),
    # The account reached its ceiling of failed sign-ins (sign_in_ceiling.py): how many, when
    # the pause ends, and for how long a browser or place stays known to it.
    "many_failed_sign_ins": Notice(
        ("name", "when", "failures", "until", "known_days"),
        {"reset_url": "recovery.forgot_password"},
    ),
    "role_changed": Notice(("name", "when", "role")),  # what they are now, in words
}

PENDING = MailOutbox.sent_at.is_(None) & MailOutbox.refused_at.is_(None)


def queue(
    session: Session, user: User, template: str, *, to: str | None = None, **more: str | int
) -> int:
    """Add a notice to the person (at `to`, else their address) in the session's transaction,
    flushed, not committed; return its id, for `send_queued` after the commit. `more` holds
    the fields the notice keeps beside their name and when (NOTICES)."""
    now = utcnow()
    fields = {"name": user.full_name, "when": day_time(now), **more}
    if set(fields) != set(NOTICES[template].fields):
        raise ValueError(f"notice {template} keeps {NOTICES[template].fields}, not {set(fields)}")
    row = MailOutbox(
        user_id=user.id,
        to_address=to or user.email,
        template=template,
        fields=fields,
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    session.add(row)
    session.flush()
    return row.id


def send_queued(notice_ids: list[int]) -> bool:
    """Send these notices now, their change committed; say whether every one went.

    One that cannot go waits for `linkwise send-mail`, and so does one another sender holds.
    Nothing is raised: the change stands, and its page says what it says either way.
    """
    went = True
    for notice_id in notice_ids:
        try:
            outcome = send_next(MailOutbox.id == notice_id)
        except mail.MailServerDown:  # logged by mail.deliver, recorded: it waits
            outcome = NOT_SENT
        except Exception:  # the change is committed: the notice waits for the command
            db.session().rollback()
            log.exception("notice %s not sent now; linkwise send-mail sends it", notice_id)
            outcome = NOT_SENT
        went = went and outcome in (SENT, MAYBE_SENT)
    return went


@dataclass(frozen=True)
class Claimed:
    """A notice a sender holds: what to send, to whom."""

    id: int
    user_id: int
    to_address: str
    template: str
    fields: dict
    attempts: int


def claim(*where) -> Claimed | None:
    """Take the oldest due notice (among those `where` picks) for this sender, committed;
    None when there is none, or another sender holds it."""
    session = db.session()
    session.commit()  # the claim is a transaction of its own, begun by its UPDATE
    now = utcnow()
    due = (
        select(MailOutbox.id)
        .where(PENDING, MailOutbox.next_attempt_at <= now, *where)
        .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    found = session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == due, PENDING, MailOutbox.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE, last_error=None)  # None: held, not failed
        .returning(
            MailOutbox.id,
            MailOutbox.user_id,
            MailOutbox.to_address,
            MailOutbox.template,
            MailOutbox.fields,
            MailOutbox.attempts,
        )
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()
    return Claimed(*found) if found is not None else None


def send_next(*where) -> str | None:
    """Claim the next due notice and send it; return how it went (None: none was due)."""
    claimed = claim(*where)
    return None if claimed is None else deliver(claimed)


def deliver(notice: Claimed) -> str:
    """Send a claimed notice and record how it went; return SENT, MAYBE_SENT, REFUSED or
    NOT_SENT. Raise mail.MailServerDown (recorded: it waits) when the server could not be
    reached or said "try later", so a run stops there."""
    context = dict(notice.fields)
    context.update({name: absolute_url(e) for name, e in NOTICES[notice.template].links.items()})
    try:
        mail.send(notice.to_address, notice.template, **context)
    except mail.MailMaybeSent as error:
        _finish(notice, sent_at=utcnow(), last_error=f"may have been sent: {error}")
        return MAYBE_SENT
    except mail.MailRefused as error:
        _refused(notice, error)
        return REFUSED
    except mail.MailError as error:
        attempts = notice.attempts + 1
        _finish(
            notice,
            attempts=attempts,
            next_attempt_at=utcnow() + retry_delay(attempts),
            last_error=str(error),
        )
        if isinstance(error, mail.MailServerDown):
            raise
        return NOT_SENT
    _finish(notice, sent_at=utcnow(), last_error=None)
    reminder_failures.address_took_mail(notice.user_id, notice.to_address)
    return SENT


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait before the next try after `attempts` failed ones."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def _refused(notice: Claimed, error: mail.MailRefused) -> None:
    """Mark the notice refused; a refused address still the person's is recorded as refused
    reminders are, in the same transaction, for them and those who help them to see."""
    session = db.session()
    current = session.scalar(select(User.email).where(User.id == notice.user_id))
    if error.address and current == notice.to_address:
        # An open spell keeps its kind: a manager told their summaries are refused stays so.
        kind = session.scalar(
            select(ReminderFailure.kind).where(
                ReminderFailure.user_id == notice.user_id, reminder_failures.OPEN
            )
        )
        reminder_failures.record(session, notice.user_id, kind or "notice", error)
    _finish(notice, refused_at=utcnow(), last_error=error.reply)


def _finish(notice: Claimed, **values) -> None:
    """Record how sending went (a row erased meanwhile is simply gone), committed."""
    if values.get("last_error"):
        values["last_error"] = values["last_error"][:500]
    session = db.session()
    session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == notice.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
