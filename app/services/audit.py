"""The audit log: write events beside the change they record, and read them back.

Every event names its actor: a signed-in user (actor_id), the command line (via "cli",
with the operating-system user), or a visitor who is not signed in (their address).
"""

import getpass
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app import db
from app.models import AuditEvent, User

PER_PAGE = 50


def record(
    db_session: Session,
    kind: str,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    email: str | None = None,
    address: str | None = None,
    via: str = "web",
    **detail,
) -> None:
    """Add an audit event to the session; the caller's commit makes it last."""
    if via == "cli":
        detail.setdefault("os_user", command_line_user())
    db_session.add(
        AuditEvent(
            kind=kind[:40],
            actor_id=actor_id,
            subject_id=subject_id,
            # Cut to the columns' sizes: an over-long sign-in email is still worth a record.
            email=email[:254] if email else email,
            address=address[:64] if address else address,
            via=via,
            detail=detail,
        )
    )


def command_line_user() -> str:
    """Return the operating-system user running a command: the actor of CLI events."""
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (a bare container)
        return "unknown"


@dataclass(frozen=True)
class AuditFilter:
    """What to read: a kind of event, an email involved, a time window."""

    kind: str = ""
    email: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """One event as people read it."""

    occurred_at: datetime
    kind: str
    actor: str
    subject: str
    address: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    """A page of events, newest first, with the kinds there are to filter by."""

    rows: tuple[AuditRow, ...]
    page: int
    pages: int
    total: int
    kinds: tuple[str, ...]


def search(filters: AuditFilter, page: int = 1) -> AuditPage:
    """Return one page of the events that match, newest first."""
    session = db.session()
    where = _where(filters)
    total = session.scalar(select(func.count(AuditEvent.id)).where(*where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = tuple(_rows(where, limit=PER_PAGE, offset=(page - 1) * PER_PAGE))
    kinds = tuple(session.scalars(select(AuditEvent.kind).distinct().order_by(AuditEvent.kind)))
    return AuditPage(rows, page, pages, total, kinds)


def events(filters: AuditFilter) -> Iterator[AuditRow]:
    """Yield every matching event, oldest first (the command line's `audit`)."""
    yield from _rows(_where(filters), oldest_first=True)


def _where(filters: AuditFilter) -> list:
    where = []
    if filters.kind:
        where.append(AuditEvent.kind == filters.kind)
    if filters.since:
        where.append(AuditEvent.occurred_at >= filters.since)
    if filters.until:
        where.append(AuditEvent.occurred_at < filters.until)
    if filters.email:
        people = select(User.id).where(func.lower(User.email) == filters.email.strip().lower())
        where.append(
            or_(
                func.lower(AuditEvent.email) == filters.email.strip().lower(),
                AuditEvent.actor_id.in_(people),
                AuditEvent.subject_id.in_(people),
            )
        )
    return where


def _rows(where, *, limit=None, offset=0, oldest_first=False) -> Iterator[AuditRow]:
    actor, subject = aliased(User), aliased(User)
    order = AuditEvent.id if oldest_first else AuditEvent.id.desc()
    statement = (
        select(AuditEvent, actor.email, subject.email)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
        .where(*where)
        .order_by(order)
        .offset(offset)
        .limit(limit)
    )
    for event, actor_email, subject_email in db.session().execute(statement):
        yield AuditRow(
            occurred_at=event.occurred_at,
            kind=event.kind,
            actor=_actor(event, actor_email),
            subject=subject_email or (event.email if event.email != actor_email else "") or "",
            address=event.address or "",
            detail=", ".join(
                f"{key}={value}" for key, value in sorted((event.detail or {}).items())
            ),
        )


def _actor(event: AuditEvent, actor_email: str | None) -> str:
    if event.via == "cli":
        return f"command line ({(event.detail or {}).get('os_user', 'unknown')})"
    if actor_email:
        return actor_email
    return "visitor (not signed in)"
