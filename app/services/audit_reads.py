"""Reading the audit log back: the administrators' page (a page at a time, newest first) and
the command line's `audit` (every matching event, oldest first). Events are written by
audit.py; audit_rows.py says each one as people read it."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Integer, case, cast, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from app import db
from app.domain.paging import asked
from app.models import AuditEvent, User
from app.models_teams import Team
from app.services import tagged_rows
from app.services.audit import WRITTEN_KINDS, kind_name
from app.services.audit_rows import AuditRow, assignment_detail, audit_row
from app.services.tagged_rows import branch

PER_PAGE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What to read: a kind of event, an email involved, a time window."""

    kind: str = ""
    email: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class EventKind:
    """A kind of event: the code the log stores (and the filter sends), and its name."""

    code: str
    name: str


@dataclass(frozen=True)
class AuditPage:
    """A page of events, newest first, with the kinds there are to filter by."""

    rows: tuple[AuditRow, ...]
    page: int
    pages: int
    total: int
    kinds: tuple[EventKind, ...]


def search(filters: AuditFilter, page: int = 1) -> AuditPage:
    """Return one page of the events that match, newest first (one statement).

    The page's events carry the count of all that match; the kinds to filter by come in
    the same statement. Only a page past the last one asks again, for the last page.
    """
    where, page = _where(filters), asked(page)
    found = tagged_rows.read((*_page_of(where, page), _KINDS))
    events = sorted(found.get("event", ()), key=lambda row: row.number[0], reverse=True)
    if not events and page > 1:
        total = db.session().scalar(select(func.count(AuditEvent.id)).where(*where))
        return search(filters, max(1, -(-total // PER_PAGE))) if total else search(filters)
    total = events[0].number[1] if events else 0
    names = {row.text[0]: row.text[1] for row in found.get("target", ())}
    return AuditPage(
        tuple(_event_row(row, names) for row in events),
        page,
        max(1, -(-total // PER_PAGE)),
        total,
        _by_name(row.text[0] for row in found.get("kind", ())),
    )


def kinds() -> tuple[str, ...]:
    """Return every kind of event the log holds, by code."""
    found = tagged_rows.read((_KINDS,)).get("kind", ())
    return tuple(row.text[0] for row in sorted(found, key=lambda row: row.number[0]))


def event_kinds() -> tuple[EventKind, ...]:
    """Return every kind of event the log holds with its name, as the filter lists them."""
    return _by_name(kinds())


def _by_name(codes: Iterable[str]) -> tuple[EventKind, ...]:
    """Return the kinds with their names in the order people look them up: by the name they
    read (not the code, which would scatter one topic's events), a code without a name as
    its own name."""
    named = (EventKind(code, kind_name(code)) for code in codes)
    return tuple(sorted(named, key=lambda kind: (kind.name.casefold(), kind.code)))


def known_kinds() -> tuple[str, ...]:
    """Return every kind of event the app writes or the log holds (older kinds too), sorted."""
    return tuple(sorted(WRITTEN_KINDS | set(kinds())))


# Every kind of event there is, numbered by code (the filter's list orders them by name).
_KINDS = branch(
    "kind",
    text=(AuditEvent.kind,),
    number=(func.row_number().over(order_by=AuditEvent.kind),),
).group_by(AuditEvent.kind)


def _page_of(where, page: int):
    actor, subject = aliased(User), aliased(User)
    paged = (
        select(
            AuditEvent.id,
            AuditEvent.kind,
            AuditEvent.via,
            AuditEvent.email,
            AuditEvent.address,
            actor.email.label("actor_email"),
            subject.email.label("subject_email"),
            AuditEvent.occurred_at,
            AuditEvent.detail,
            func.count().over().label("total"),
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
        .where(*where)
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .cte("paged")
    )
    c = paged.c
    events = branch(
        "event",
        text=(c.kind, c.via, c.email, c.address, c.actor_email, c.subject_email),
        number=(c.id, c.total),
        at=(c.occurred_at,),
        doc=(c.detail,),
    )
    return events, _targets_named(paged)


def _targets_named(paged):
    """Return the branch naming whom the page's assignment events were for.

    An assignment event names its targets by id in one string ("team:1/profession:gp,
    learner:151"): read in the statement as a list, each learner is named by their email
    address (as the page names the people events are about; an erased learner by their
    pseudonym) and each team by its name now, each looked up by its primary key.
    """
    c = paged.c
    listed = literal('["') + func.replace(c.detail["targets"].as_string(), ", ", '","') + '"]'
    if db.session().get_bind().dialect.name == "postgresql":
        target = func.json_array_elements_text(cast(listed, JSON)).table_valued("value")
        team_number = func.split_part(func.substr(target.c.value, 6), "/", 1)
    else:
        target = func.json_each(listed).table_valued("value")
        team_number = func.substr(target.c.value, 6)  # CAST reads "1/profession:gp" as 1
    value = target.c.value
    learner_id = cast(case((value.like("learner:%"), func.substr(value, 9))), Integer)
    team_id = cast(case((value.like("team:%"), team_number)), Integer)
    learner = select(User.email).where(User.id == learner_id).scalar_subquery()
    team = select(Team.name).where(Team.id == team_id).scalar_subquery()
    return (
        branch("target", text=(value, func.coalesce(learner, team)))
        .select_from(paged)
        .join(target, true())
        .where(c.kind == "assignment.added")
    )


def _event_row(row: tagged_rows.Row, names: Mapping[str, str]) -> AuditRow:
    kind, via, email, address, actor_email, subject_email = row.text
    occurred_at, detail = row.at[0], row.doc[0]
    if kind == "assignment.added" and detail:
        detail = assignment_detail(detail, names)
    return audit_row(kind, via, email, address, actor_email, subject_email, occurred_at, detail)


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
    if filters.email.strip():
        # Any part of an address, in any case: "practice" finds practice.manager@... and
        # "example.org" everyone there. Accounts keep their address in lower case
        # (normalise_email); an event's own address is as it was typed.
        part = filters.email.strip().lower()
        people = select(User.id).where(User.email.contains(part, autoescape=True))
        where.append(
            or_(
                func.lower(AuditEvent.email).contains(part, autoescape=True),
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
        yield audit_row(
            event.kind,
            event.via,
            event.email,
            event.address,
            actor_email,
            subject_email,
            event.occurred_at,
            event.detail,
        )
