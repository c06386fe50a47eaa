"""Reminder emails the mail server refused: recorded for managers to see, closed once put right.

`send_reminders` records a refusal (`record`) beside taking its reminders back, in the same
transaction, so the record survives whatever the rest of the run does; the next email that
goes through closes the spell (`resolve`), as does a change of the person's address, and any
other email to the refused address that goes through (`address_took_mail`): a password
reset, an account's notices, the practice emails. A mail server that cannot be reached is
no refusal: nothing is recorded, and the next run tries.
The manager's pages read the open spells (`PERSON_FAILING`, `counted`, `named`) within the
statements they already run, as do the person's own account page (`OPEN_SPELL`) and My
learning (`PERSON_FAILING`), which tell them to check their address.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app import db, mail
from app.models import User, utcnow
from app.models_assignments import ReminderFailure, ReminderSent
from app.services.learner_rows import SELF
from app.services.tagged_rows import Row, branch
from app.services.upsert import insert_for

log = logging.getLogger("linkwise.reminder_failures")

NAMED = 10  # learners the compliance page names; it counts them all
OPEN = ReminderFailure.resolved_at.is_(None)


@dataclass(frozen=True)
class Failing:
    """A person's reminder emails refused since `since`, the server's latest reply, and how
    many runs failed one after another."""

    since: datetime
    address: bool  # the address was refused (else the message)
    reply: str
    failures: int
    summary: bool = False  # the email refused last was a manager's weekly summary
    notice: bool = False  # the spell began with an account notice (mail_outbox.py)


@dataclass(frozen=True)
class FailingLearner:
    """A learner the compliance page names, with the day their reminders began failing."""

    user_id: int
    name: str
    since: datetime


def record(session: Session, user_id: int, kind: str, error: mail.MailRefused) -> None:
    """Add a refusal to the person's open spell, or open one (flushed, not committed)."""
    now = utcnow()
    refused = "address" if error.address else "message"
    insert = insert_for(session)(ReminderFailure).values(
        user_id=user_id,
        kind=kind,
        refused=refused,
        reply=error.reply,
        failures=1,
        first_failed_at=now,
        last_failed_at=now,
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id"],
            index_where=OPEN,
            set_={
                "kind": kind,
                "refused": refused,
                "reply": error.reply,
                "failures": ReminderFailure.failures + 1,
                "last_failed_at": now,
            },
        )
    )


def resolve(session: Session, user_id: int, how: str) -> None:
    """Close the person's open spell, if any: `how` is "delivered" or "email-changed"."""
    session.execute(
        update(ReminderFailure)
        .where(ReminderFailure.user_id == user_id, OPEN)
        .values(resolved_at=utcnow(), resolved_how=how)
    )


def failing(user_id):
    """Return the SQL condition for 'the person with this id has an open spell'."""
    return exists().where(ReminderFailure.user_id == user_id, OPEN)


def failing_since(user_id):
    """Return the SQL value 'since when the person with this id has had an open spell'
    (NULL when they have none; one open spell a person at most)."""
    return (
        select(ReminderFailure.first_failed_at)
        .where(ReminderFailure.user_id == user_id, OPEN)
        .scalar_subquery()
    )


def last_reminder_sent(user_id):
    """Return the SQL value 'when the mail server last took a reminder to the learner with
    this id' (NULL: never). A reminder it refused or could not be given is taken back, so
    a row is one sent; a bounce that comes back later is never seen. A manager's weekly
    summary is no reminder."""
    return (
        select(func.max(ReminderSent.sent_at))
        .where(ReminderSent.user_id == user_id, ReminderSent.kind != "summary")
        .scalar_subquery()
    )


def delivered(person) -> None:
    """Close the person's open spell now that an email to them went through (committed);
    `person` is a row read with `IS_FAILING` as its `failing`."""
    if person.failing:
        session = db.session()
        resolve(session, person.id, "delivered")
        session.commit()


def address_took_mail(user_id: int, address: str) -> None:
    """Close the person's open spell of a refused address now that another email (a password
    reset, a notice) went through to that very address, still theirs: it takes mail now
    (see `addresses_took_mail`)."""
    addresses_took_mail([(user_id, address)])


def addresses_took_mail(emailed: Iterable[tuple[int, str]]) -> None:
    """Close the open spell of a refused address of each person an email went through to,
    (id, address), while that address is still theirs. A spell of refused messages stays
    open: their address was never the trouble, so only a reminder or summary that goes
    through shows it put right.

    Committed in a short transaction of its own, on a connection of its own: it follows the
    commit of whatever the email told of, even from an after_commit listener, where the
    request's session may run no SQL, and leaves that session as it was. A failure is
    logged, not raised: the change is committed and its email went, so the page says so as
    it would have; the spell stays open until the next email to the address goes through.
    """
    pairs = list(dict.fromkeys(emailed))
    if not pairs:
        return
    people = [user_id for user_id, _ in pairs]
    try:
        with db.engine().begin() as connection:
            connection.execute(
                update(ReminderFailure)
                .where(
                    ReminderFailure.user_id.in_(people),
                    OPEN,
                    ReminderFailure.refused == "address",
                    exists().where(
                        User.id == ReminderFailure.user_id,
                        tuple_(User.id, User.email).in_(pairs),
                    ),
                )
                .values(resolved_at=utcnow(), resolved_how="delivered")
            )
    except SQLAlchemyError:
        log.warning(
            "spells of refused emails not closed: user_ids=%s",
            ",".join(map(str, people)),
            exc_info=True,
        )


# Whether the person (User's row in the outer query) has an open spell.
IS_FAILING = failing(User.id)
# What joins the person (User's row in the outer query) to their open spell, if any.
OPEN_SPELL = (ReminderFailure.user_id == User.id) & OPEN

# texts: refused, reply, kind; number: failures; time: since. The person's open spell, if any.
PERSON_FAILING = branch(
    "reminders failing",
    text=(ReminderFailure.refused, ReminderFailure.reply, ReminderFailure.kind),
    number=(ReminderFailure.failures,),
    at=(ReminderFailure.first_failed_at,),
).where(ReminderFailure.user_id == SELF, OPEN)


def failing_of(found: dict[str, list[Row]]) -> Failing | None:
    """Return the learner's open spell as `PERSON_FAILING` read it, if they have one."""
    for row in found.get("reminders failing", ()):
        refused, reply, kind = row.text[:3]
        summary, notice = kind == "summary", kind == "notice"
        return Failing(row.at[0], refused == "address", reply, row.number[0], summary, notice)
    return None


def failing_from(spell: ReminderFailure | None) -> Failing | None:
    """Return an open spell read as a whole row (`OPEN_SPELL`), if there is one."""
    if spell is None:
        return None
    return Failing(
        spell.first_failed_at,
        spell.refused == "address",
        spell.reply,
        spell.failures,
        spell.kind == "summary",
        spell.kind == "notice",
    )


def counted(learners):
    """Return a branch counting the learners (a CTE of user_id) with an open spell: number:
    how many."""
    return (
        branch("reminders failing counted", number=(func.count(),))
        .select_from(learners)
        .join(ReminderFailure, ReminderFailure.user_id == learners.c.user_id)
        .where(OPEN)
    )


def named(learners):
    """Return a branch naming the first NAMED of those learners with an open spell, by name:
    text: name; number: id; time: since."""
    first = (
        select(User.id, User.full_name, ReminderFailure.first_failed_at)
        .join(ReminderFailure, ReminderFailure.user_id == User.id)
        .where(User.id.in_(select(learners.c.user_id)), OPEN)
        .order_by(User.full_name, User.id)
        .limit(NAMED)
        .subquery("failing")
    )
    return branch(
        "reminders failing named",
        text=(first.c.full_name,),
        number=(first.c.id,),
        at=(first.c.first_failed_at,),
    )


def count_of(found: dict[str, list[Row]]) -> int:
    """Return how many learners `counted` found with an open spell."""
    rows = found.get("reminders failing counted", ())
    return rows[0].number[0] if rows else 0


def named_of(found: dict[str, list[Row]]) -> tuple[FailingLearner, ...]:
    """Return the learners `named` found, by name."""
    rows = sorted(found.get("reminders failing named", ()), key=lambda r: (r.text[0], r.number[0]))
    return tuple(FailingLearner(row.number[0], row.text[0], row.at[0]) for row in rows)
