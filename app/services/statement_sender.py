"""Deliver the xAPI outbox to the learning record store: in batches, with backoff, idempotent.

A statement is marked sent only after the LRS has stored it. If the LRS is down, its batch
waits (30 s, then twice as long each time, at most an hour) and sending stops until the
next run. Statement ids are stable, so a batch sent twice (say the answer was lost) is
stored once: an LRS keeps one statement per id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app import db
from app.models import utcnow
from app.models_statements import StatementOutbox
from app.services.lrs_client import LrsRejected, LrsUnavailable, post_statements

BATCH_SIZE = 50
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class SendReport:
    """What one run of the sender did."""

    sent: int
    waiting: int
    rejected: int
    problem: str | None

    def describe(self) -> str:
        """Return the report as one line for a log."""
        line = f"sent {self.sent} statements; {self.waiting} waiting"
        if self.rejected:
            line += f"; {self.rejected} refused by the LRS (see statement_outbox.last_error)"
        return line + (f"; {self.problem}" if self.problem else "")


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
    return SendReport(sent, _waiting(), rejected, problem)


@dataclass(frozen=True)
class _Outcome:
    sent: int
    rejected: int
    problem: str | None = None


def _due(batch_size: int, now: datetime, everything: bool) -> list[StatementOutbox]:
    query = select(StatementOutbox).where(StatementOutbox.sent_at.is_(None))
    if not everything:
        query = query.where(StatementOutbox.next_attempt_at <= now)
    # Two senders at once (cron and a manual run) each take rows the other has not locked.
    query = query.order_by(StatementOutbox.id).limit(batch_size)
    return list(db.session().scalars(query.with_for_update(skip_locked=True)))


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
        _postpone(batch, now + LONGEST_DELAY * 24, str(error))
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
