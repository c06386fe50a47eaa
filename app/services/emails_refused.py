"""Administrators' list of everyone whose emails the mail server refuses now: every open spell
of reminder_failure (reminder_failures.py), across organisations, newest first.

A learner's managers see theirs and a manager sees their own refused summary; administrators
see them all, a manager's refused summary among them, which no other manager is shown.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true

from app import db
from app.domain.accounts import ROLE_NAMES
from app.domain.paging import asked, clamp
from app.models import Organisation, User
from app.models_assignments import ReminderFailure
from app.services.reminder_failures import OPEN

PER_PAGE = 25
KIND_NAMES = {"reminder": "Reminder", "summary": "Weekly summary", "notice": "Account notice"}


@dataclass(frozen=True)
class Refused:
    """A person whose emails are refused: who they are, which email, since when, how many
    runs in a row and the mail server's latest reply (one short line)."""

    user_id: int
    full_name: str
    email: str
    role: str
    organisation: str | None
    kind: str
    address: bool  # the address was refused (else the message)
    since: datetime
    failures: int
    reply: str


@dataclass(frozen=True)
class Listing:
    """A page of the people whose emails are refused, newest spell first, with how many."""

    rows: tuple[Refused, ...]
    page: int
    pages: int
    total: int


def _read(page: int) -> tuple[list[Refused], int]:
    """Return a page of the open spells and how many there are: one statement, the count
    standing alone so that a page past the last still says how many."""
    total = select(func.count(ReminderFailure.id).label("total")).where(OPEN).subquery()
    chosen = (
        select(
            ReminderFailure.user_id,
            User.full_name,
            User.email,
            User.role,
            Organisation.name.label("organisation"),
            ReminderFailure.kind,
            ReminderFailure.refused,
            ReminderFailure.first_failed_at,
            ReminderFailure.failures,
            ReminderFailure.reply,
            ReminderFailure.id.label("spell"),
        )
        .join(User, User.id == ReminderFailure.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(OPEN)
        .order_by(ReminderFailure.first_failed_at.desc(), ReminderFailure.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery()
    )
    found = db.session().execute(
        select(total.c.total, chosen)
        .select_from(total)
        .outerjoin(chosen, true())
        .order_by(chosen.c.first_failed_at.desc(), chosen.c.spell.desc())
    )
    rows, count = [], 0
    for row in found:
        count = row.total
        if row.spell is None:  # nobody on this page
            continue
        rows.append(
            Refused(
                row.user_id,
                row.full_name,
                row.email,
                ROLE_NAMES[row.role],
                row.organisation,
                KIND_NAMES.get(row.kind, row.kind),
                row.refused == "address",
                row.first_failed_at,
                row.failures,
                row.reply,
            )
        )
    return rows, count


def listing(page: int = 1) -> Listing:
    """Return a page of everyone whose emails are refused now, newest first (one statement;
    a page past the last costs one more, to read the last)."""
    page = asked(page)
    rows, total = _read(page)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages and total:
        page = clamp(page, pages)
        rows, total = _read(page)
    return Listing(tuple(rows), min(page, pages), pages, total)
