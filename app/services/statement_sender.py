"""Deliver the xAPI outbox to the learning record store: in batches, with backoff, idempotent.

A statement is marked sent only after the LRS has stored it. If the LRS is down, its batch
waits (30 s, then twice as long each time, at most an hour) and sending stops until the
next run. The queue goes oldest first: while its oldest statement waits out a delay, no
later one is sent, so an LRS sees a learner's events in the order they happened. Only a
statement the LRS refused steps aside (it is retried a day later) so the rest can go.
Statement ids are stable, so a batch sent twice (say the answer was lost) is stored once:
an LRS keeps one statement per id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, not_, or_, select

from app import db
from app.models import utcnow
from app.models_statements import StatementOutbox
from app.services.lrs_client import LrsRejected, LrsUnavailable, post_statements

BATCH_SIZE = 50
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=1)
# Starts the last_error of a statement the LRS refused: it no longer holds back the queue.
REFUSED = "refused: "


@dataclass(frozen=True)
class SendReport:
    """What one run of the sender did."""

    sent: int
    waiting: int
    rejected: int
    problem: str | None
    # While the queue waits out the delay after a failed try: when it failed and when the
    # next try is. The LRS is as unreached as in the run that failed.
    delayed: str | None = None

    def describe(self) -> str:
        """Return the report as one line for a log."""
        line = f"sent {self.sent} statements; {self.waiting} waiting"
        if self.rejected:
            line += f"; {self.rejected} refused by the LRS (see statement_outbox.last_error)"
        return line + "".join(f"; {text}" for text in (self.problem, self.delayed) if text)

    @property
    def failed(self) -> bool:
        """Say whether the run ends as a failure: the LRS was not reached, now or last time."""
        return bool(self.problem or self.delayed)


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait before the next try after `attempts` failed ones."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def send_due(
    *, batch_size: int = BATCH_SIZE, now: datetime | None = None, everything: bool = False
) -> SendReport:
    """Send every due statement, batch by batch, committing after each; stop at an outage.

    `everything` also sends statements still waiting out a retry delay.
    """
    config = current_app.config
    if not config.get("LRS_URL"):
        return SendReport(0, _waiting(), 0, "LINKWISE_LRS_URL is not set, so nothing is sent")
    sent = rejected = 0
    problem = None
    while True:
        batch = _due(batch_size, now or utcnow(), everything)
        if not batch:
            break
        outcome = _send(batch, config, now or utcnow())
        db.session().commit()
        sent += outcome.sent
        rejected += outcome.rejected
        if outcome.problem:
            problem = outcome.problem
            break
    delayed = None if problem or everything else _delayed(now or utcnow())
    return SendReport(sent, _waiting(), rejected, problem, delayed)


@dataclass(frozen=True)
class _Outcome:
    sent: int
    rejected: int
    problem: str | None = None


def _delayed(now: datetime) -> str | None:
    """Say when the LRS failed and when the next try is, if the queue is waiting it out."""
    head = db.session().scalar(
        select(StatementOutbox).where(_queued()).order_by(StatementOutbox.id).limit(1)
    )
    if head is None or not head.attempts or not head.last_error:
        return None
    next_try = _in_utc(head.next_attempt_at)
    if next_try <= now:
        return None
    failed_at = next_try - retry_delay(head.attempts)
    return (
        f"the LRS could not be reached at {failed_at:%Y-%m-%d %H:%M:%S} UTC "
        f"({head.last_error}); the next try is at {next_try:%Y-%m-%d %H:%M:%S} UTC "
        "(--all tries now)"
    )


def _in_utc(moment: datetime) -> datetime:
    # SQLite gives stored times back without their zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _queued():
    """Return the condition for statements in the queue: unsent, and not refused."""
    marked = StatementOutbox.last_error.startswith(REFUSED, autoescape=True)
    return and_(
        StatementOutbox.sent_at.is_(None),
        or_(StatementOutbox.last_error.is_(None), not_(marked)),
    )


def _due(batch_size: int, now: datetime, everything: bool) -> list[StatementOutbox]:
    session = db.session()
    unsent = StatementOutbox.sent_at.is_(None)
    marked = StatementOutbox.last_error.startswith(REFUSED, autoescape=True)
    refused = and_(unsent, marked)
    queued = _queued()
    head = session.scalar(
        select(StatementOutbox.id).where(queued).order_by(StatementOutbox.id).limit(1)
    )
    query = select(StatementOutbox).where(unsent)
    if not everything:
        # The queue moves when its oldest statement is due; refused ones each on their own.
        head_due = head is not None and session.scalar(
            select(StatementOutbox.id).where(
                StatementOutbox.id == head, StatementOutbox.next_attempt_at <= now
            )
        )
        retry = and_(refused, StatementOutbox.next_attempt_at <= now)
        query = query.where(or_(queued, retry) if head_due else retry)
    # Two senders at once (cron and a manual run) each take rows the other has not locked.
    query = query.order_by(StatementOutbox.id).limit(batch_size)
    batch = list(session.scalars(query.with_for_update(skip_locked=True)))
    if head is not None and batch and head not in {row.id for row in batch}:
        # Another run holds the oldest statements: sending later ones now would overtake them.
        return [row for row in batch if _refused(row)]
    return batch


def _refused(row: StatementOutbox) -> bool:
    return bool(row.last_error and row.last_error.startswith(REFUSED))


def _send(batch: list[StatementOutbox], config, now: datetime) -> _Outcome:
    credentials = (config["LRS_URL"], config["LRS_USERNAME"], config["LRS_PASSWORD"])
    try:
        post_statements(*credentials, [row.statement for row in batch])
    except LrsUnavailable as error:
        _postpone(batch, now, str(error))
        return _Outcome(0, 0, str(error))
    except LrsRejected as error:
        if len(batch) > 1:
            return _one_by_one(batch, config, now)
        _postpone(batch, now + LONGEST_DELAY * 24, REFUSED + str(error))
        return _Outcome(0, 1)
    for row in batch:
        row.sent_at, row.last_error = now, None
    return _Outcome(len(batch), 0)


def _one_by_one(batch: list[StatementOutbox], config, now: datetime) -> _Outcome:
    """Find the statement the LRS refuses, so the rest of its batch still goes."""
    sent = rejected = 0
    for row in batch:
        outcome = _send([row], config, now)
        sent, rejected = sent + outcome.sent, rejected + outcome.rejected
        if outcome.problem:
            return _Outcome(sent, rejected, outcome.problem)
    return _Outcome(sent, rejected)


def _postpone(batch: list[StatementOutbox], now: datetime, error: str) -> None:
    for row in batch:
        row.attempts += 1
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.last_error = error[:500]


def _waiting() -> int:
    return db.session().scalar(
        select(func.count()).select_from(StatementOutbox).where(StatementOutbox.sent_at.is_(None))
    )
