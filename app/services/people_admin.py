"""Administrators' People pages: everyone with an account, searched by name or email, and
one person's account as the administrator sees it.

Each page is one statement after the signed-in user's. What administrators change on these
pages (a role, a sign-in lock, an erasure) is in people_actions.py, through the services the
commands set-role, unlock-sign-in and erase-user use.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select, true
from sqlalchemy.orm import aliased

from app import db
from app.domain.paging import asked, clamp
from app.models import Organisation, User
from app.models_practice import Supervisor
from app.models_teams import Team, TeamMember
from app.services.grid_filters import search_condition

PER_PAGE = 25
MAX_SEARCH = 254  # the longest email address; a longer search finds no one


@dataclass(frozen=True)
class Row:
    """Someone in the list: an erased account shows none of what it held (erased is set)."""

    id: int
    full_name: str
    email: str
    role: str
    organisation: str | None
    erased: bool


@dataclass(frozen=True)
class Listing:
    """A page of people in name order, with how many the search found."""

    rows: tuple[Row, ...]
    page: int
    pages: int
    total: int
    search: str


@dataclass(frozen=True)
class Person:
    """One account as its page shows it."""

    id: int
    full_name: str
    email: str
    role: str
    profession: str
    organisation_id: int | None
    organisation: str | None
    team: str | None
    supervisor: bool
    created_at: datetime
    last_signed_in_at: datetime | None
    erased_at: datetime | None
    only_administrator: bool  # an administrator no other administrator is left beside

    @property
    def erased(self) -> bool:
        """Say whether the account has been erased."""
        return self.erased_at is not None


def _read(search: str, page: int) -> tuple[list[Row], int]:
    """Return a page of the people the search finds and how many: one statement, the count
    standing alone so that a page past the last still says how many."""
    # An erased account keeps placeholders where its name and email were: a search for a
    # name or an address never finds one.
    where = [search_condition(search), User.erased_at.is_(None)] if search else [true()]
    total = select(func.count(User.id).label("total")).where(*where).subquery()
    chosen = (
        select(
            User.id,
            User.full_name,
            User.email,
            User.role,
            User.erased_at,
            Organisation.name.label("organisation"),
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*where)
        .order_by(User.full_name, User.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery()
    )
    found = db.session().execute(
        select(total.c.total, chosen)
        .select_from(total)
        .outerjoin(chosen, true())
        .order_by(chosen.c.full_name, chosen.c.id)
    )
    rows, count = [], 0
    for row in found:
        count = row.total
        if row.id is None:  # nobody on this page
            continue
        erased = row.erased_at is not None
        rows.append(
            Row(
                row.id,
                "" if erased else row.full_name,
                "" if erased else row.email,
                "" if erased else row.role,
                None if erased else row.organisation,
                erased,
            )
        )
    return rows, count


def listing(search: str = "", page: int = 1) -> Listing:
    """Return a page of everyone (or those whose name or email contains `search`, any case),
    in name order: one statement, and one more for a page past the last."""
    search = " ".join(search.split())[:MAX_SEARCH]
    page = asked(page)
    rows, total = _read(search, page)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages and total:
        page = clamp(page, pages)
        rows, total = _read(search, page)
    return Listing(tuple(rows), min(page, pages), pages, total, search)


def _person_columns():
    other = aliased(User)
    only_administrator = (User.role == "admin") & ~exists().where(
        other.role == "admin", other.erased_at.is_(None), other.id != User.id
    )
    return select(
        User.id,
        User.full_name,
        User.email,
        User.role,
        User.profession,
        User.organisation_id,
        Organisation.name.label("organisation"),
        Team.name.label("team"),
        Supervisor.user_id.label("supervisor"),
        User.created_at,
        User.last_signed_in_at,
        User.erased_at,
        only_administrator.label("only_administrator"),
    ).select_from(User)


def _joined(statement, user_id: int):
    return (
        statement.outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        # A supervisor of the organisation they are in now.
        .outerjoin(
            Supervisor,
            and_(Supervisor.user_id == User.id, Supervisor.organisation_id == User.organisation_id),
        )
        .where(User.id == user_id)
    )


def _person(row) -> Person:
    return Person(
        row.id,
        row.full_name,
        row.email,
        row.role,
        row.profession,
        row.organisation_id,
        row.organisation,
        row.team,
        row.supervisor is not None,
        row.created_at,
        row.last_signed_in_at,
        row.erased_at,
        bool(row.only_administrator),
    )


def person(user_id: int) -> Person | None:
    """Return the account with this id as its page shows it, or None (one statement)."""
    row = db.session().execute(_joined(_person_columns(), user_id)).first()
    return None if row is None else _person(row)


@dataclass(frozen=True)
class Choice:
    """An organisation someone can be moved into."""

    id: int
    name: str


def with_organisations(user_id: int) -> tuple[Person | None, tuple[Choice, ...]]:
    """Return the account and every organisation, in name order, for the role form: one
    statement (organisations are few: one per practice or network)."""
    choice = aliased(Organisation)
    statement = (
        _joined(_person_columns().add_columns(choice.id.label("choice_id")), user_id)
        .add_columns(choice.name.label("choice_name"))
        .outerjoin(choice, true())
        .order_by(choice.name, choice.id)
    )
    rows = db.session().execute(statement).all()
    if not rows:
        return None, ()
    choices = tuple(Choice(r.choice_id, r.choice_name) for r in rows if r.choice_id is not None)
    return _person(rows[0]), choices
