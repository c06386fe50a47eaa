"""Administrators' organisations: every organisation with its join code, learners and
managers; creating one; making one of its learners a manager, and stepping one back.

Creating and the role change are account_admin.py's, as the commands create-org and set-role
use them: the same checks, the same audit events, here with the administrator as actor.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, select, true

from app import db
from app.domain.accounts import a_role, email_problem, normalise_email
from app.domain.paging import asked, clamp
from app.models import Organisation, User
from app.models_teams import Team, TeamManager
from app.services import account_admin, accounts, locks

PER_PAGE = 25


@dataclass(frozen=True)
class Person:
    """Someone of an organisation as the administrator sees them: one of its managers, or
    the person they are about to make a manager or step back to learner."""

    full_name: str
    email: str
    # The teams of the organisation they manage, by name; none: the whole organisation.
    teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganisationRow:
    """An organisation with its join code, how many learners it has and its managers."""

    id: int
    name: str
    join_code: str
    learners: int
    managers: tuple[Person, ...]


@dataclass(frozen=True)
class Listing:
    """A page of organisations in name order, with how many there are."""

    rows: tuple[OrganisationRow, ...]
    page: int
    pages: int
    total: int


def _read(*where, page: int = 1) -> tuple[list[OrganisationRow], int]:
    """Return a page of the organisations `where` selects, and how many it selects: one
    statement, the page's organisations first, then each one's managers beside it."""
    learners = (
        select(func.count(User.id))
        .where(User.organisation_id == Organisation.id, User.role == "learner")
        .correlate(Organisation)
        .scalar_subquery()
    )
    # The count stands alone, the page joined to it: a page past the last still says how
    # many there are, in the one row it reads.
    total = select(func.count(Organisation.id).label("total")).where(*where).subquery()
    chosen = (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.join_code,
            learners.label("learners"),
        )
        .where(*where)
        .order_by(Organisation.name, Organisation.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery()
    )
    manager = and_(
        User.organisation_id == chosen.c.id, User.role == "manager", User.erased_at.is_(None)
    )
    # A row for each team a manager manages (one, with no team, for the whole organisation).
    found = db.session().execute(
        select(total.c.total, chosen, User.id.label("user_id"), User.full_name, User.email)
        .add_columns(Team.name.label("team"))
        .select_from(total)
        .outerjoin(chosen, true())
        .outerjoin(User, manager)
        .outerjoin(TeamManager, TeamManager.user_id == User.id)
        .outerjoin(Team, and_(Team.id == TeamManager.team_id, Team.organisation_id == chosen.c.id))
        .order_by(chosen.c.name, chosen.c.id, User.full_name, User.id, Team.name)
    )
    rows: dict[int, OrganisationRow] = {}
    count, last = 0, None
    for row in found:
        count = row.total
        if row.id is None:  # no organisation on this page
            continue
        known = rows.get(row.id)
        managers = known.managers if known else ()
        if row.email is not None:
            teams = (row.team,) if row.team is not None else ()
            if last == row.user_id:  # another team of the same manager
                managers = (*managers[:-1], _with_team(managers[-1], teams))
            else:
                managers += (Person(row.full_name, row.email, teams),)
        last = row.user_id
        rows[row.id] = OrganisationRow(row.id, row.name, row.join_code, row.learners, managers)
    return list(rows.values()), count


def _with_team(person: Person, teams: tuple[str, ...]) -> Person:
    return Person(person.full_name, person.email, person.teams + teams)


def listing(page: int = 1) -> Listing:
    """Return a page of every organisation, in name order (one statement; a page past the
    last costs one more, to read the last)."""
    page = asked(page)
    rows, total = _read(page=page)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages and total:
        page = clamp(page, pages)
        rows, total = _read(page=page)
    return Listing(tuple(rows), min(page, pages), pages, total)


def organisation(organisation_id: int) -> OrganisationRow | None:
    """Return one organisation with its learners' count and managers (one statement)."""
    rows, _ = _read(Organisation.id == organisation_id)
    return rows[0] if rows else None


def create(name: str, actor_id: int) -> Organisation:
    """Create an organisation with a fresh join code (audited, the administrator its actor)."""
    return account_admin.create_organisation(name, actor_id=actor_id, via="web")


class AlreadyManager(accounts.AccountError):
    """The person is a manager of the organisation already: making them one changes nothing
    (a second click, another administrator first)."""


def candidate(organisation: OrganisationRow, email: str) -> Person:
    """Return the learner of the organisation with this email, or raise AccountError saying
    why they cannot be made its manager (field "email")."""
    email = normalise_email(email)
    if not email:
        raise accounts.AccountError(
            "email", "Enter the email address of the person to make a manager"
        )
    problem = email_problem(email)
    if problem:
        raise accounts.AccountError("email", problem)
    person = db.session().scalar(
        select(User).where(User.email == email).execution_options(populate_existing=True)
    )
    if person is None or person.erased_at is not None:
        raise accounts.AccountError(
            "email",
            f"No account has the email address {email}. The person registers with "
            f"{organisation.name}'s join code first",
        )
    if person.organisation_id != organisation.id:
        where = "another organisation" if person.organisation_id else "no organisation"
        raise accounts.AccountError(
            "email",
            f"{email} is in {where}, not {organisation.name}. Only someone in "
            f"{organisation.name} can be made its manager",
        )
    if person.role == "manager":
        raise AlreadyManager(
            "email", f"{person.full_name} ({email}) is already a manager of {organisation.name}"
        )
    if person.role != "learner":
        raise accounts.AccountError(
            "email",
            f"{email} is {a_role(person.role)}. Only a learner can be made a manager here",
        )
    return Person(person.full_name, person.email)


def make_manager(actor_id: int, organisation: OrganisationRow, email: str) -> Person:
    """Make a learner of the organisation its manager (audited, as set-role is).

    The person's row is locked before they are checked, so of two at once (a double click,
    another administrator) the second is told they are a manager already and changes nothing.
    """
    session = db.session()
    locks.lock_people(session, User.email == normalise_email(email))
    try:
        found = candidate(organisation, email)
    except accounts.AccountError:
        session.rollback()
        raise
    account_admin.set_role(found.email, "manager", actor_id=actor_id, via="web")
    return found


def manager(organisation: OrganisationRow, email: str) -> Person | None:
    """Return the manager of the organisation with this email, or None if they are not one
    (any more: another administrator may have stepped them back)."""
    email = normalise_email(email)
    person = db.session().scalar(
        select(User).where(User.email == email).execution_options(populate_existing=True)
    )
    if person is None or person.role != "manager" or person.organisation_id != organisation.id:
        return None
    teams = db.session().scalars(
        select(Team.name)
        .join(TeamManager, TeamManager.team_id == Team.id)
        .where(TeamManager.user_id == person.id, Team.organisation_id == organisation.id)
        .order_by(Team.name)
    )
    return Person(person.full_name, person.email, tuple(teams))


def step_back(actor_id: int, organisation: OrganisationRow, email: str) -> Person | None:
    """Make a manager of the organisation one of its learners again (audited, as set-role
    is); return None, changing nothing, when they are not its manager (any more)."""
    session = db.session()
    locks.lock_people(session, User.email == normalise_email(email))
    found = manager(organisation, email)
    if found is None:
        session.rollback()
        return None
    account_admin.set_role(found.email, "learner", actor_id=actor_id, via="web")
    return found
