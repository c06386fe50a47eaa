"""What administrators do to accounts: create organisations and accounts, change roles.

The commands create-org, create-user and set-role use these, and so do the
administrator's Organisations and People pages (organisation_admin.py, people_actions.py),
with the same checks and the same audit events. Signing in, passwords and finding an
account are in accounts.py.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from app import db
from app.domain.accounts import (
    PROFESSIONS,
    ROLES,
    email_problem,
    join_code_problem,
    new_join_code,
    normalise_email,
    normalise_join_code,
    password_problem,
)
from app.domain.names import name_problem, organisation_name_problem, team_name_key
from app.models import Organisation, User, utcnow
from app.models_teams import Team, TeamManager
from app.services import audit, leavers, locks, mail_outbox, role_notices, teams
from app.services.accounts import AccountError, hash_password
from app.services.request_closures import lock_for_closing


def create_organisation(
    name: str, join_code: str | None = None, *, actor_id: int | None = None, via: str = "cli"
) -> Organisation:
    """Create an organisation with a fresh (or given) join code, one no team has either.

    A name another organisation has, whatever its case and spacing, is refused, also when
    two requests give it at once (a double click, two tabs): each holds the name's lock
    while it looks, so the second finds the first's organisation.
    """
    session = db.session()
    name = name.strip()
    problem = organisation_name_problem(name)
    if problem:
        raise AccountError("name", problem)
    problem = join_code_problem(join_code) if join_code else None
    if problem:
        raise AccountError("join_code", problem)
    code = normalise_join_code(join_code or new_join_code())
    key = team_name_key(name)
    locks.lock_name(session, f"organisation-name:{key}")
    # Organisations are few (one per practice or network): their names are compared here,
    # as the key of a team's name is, with no column of their own to keep it.
    taken = next(
        (n for n in session.scalars(select(Organisation.name)) if team_name_key(n) == key), None
    )
    if taken is not None:
        session.rollback()
        raise AccountError("name", organisation_name_taken(taken))
    if teams.join_code_in_use(session, code):
        session.rollback()
        raise AccountError("join_code", teams.join_code_taken(code))
    organisation = Organisation(name=name, join_code=code)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        "organisation.created",
        actor_id=actor_id,
        via=via,
        name=name,
        organisation_id=organisation.id,
    )
    session.commit()
    return organisation


def organisation_name_taken(existing: str) -> str:
    """Return what giving a new organisation a name one has (in any case) is told."""
    return f"There is already an organisation called {existing}. Enter a different name"


def check_new_user(
    *, email: str, full_name: str, profession: str, role: str, organisation_name: str | None
) -> tuple[str, str, Organisation | None]:
    """Check an account to create, all but its password; return its email, name, organisation.

    The command checks these before it asks for the password, so a typo is told at once.
    """
    if role not in ROLES:
        raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
    if profession not in PROFESSIONS:
        raise AccountError("profession", f"profession must be one of {', '.join(PROFESSIONS)}")
    organisation = _organisation_named(organisation_name)
    if role == "manager" and organisation is None:
        raise AccountError("org", "a manager must belong to an organisation (--org)")
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise AccountError("email", problem)
    full_name = full_name.strip()
    problem = name_problem(full_name, label="Full name", missing="Enter the full name (--name)")
    if problem:
        raise AccountError("full_name", problem)
    if db.session().scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("email", f"an account for {email} already exists")
    return email, full_name, organisation


def create_user(
    *,
    email: str,
    full_name: str,
    password: str,
    profession: str,
    role: str,
    organisation_name: str | None = None,
) -> User:
    """Create an account of any role (an administrator's action; no confirmation page)."""
    session = db.session()
    email, full_name, organisation = check_new_user(
        email=email,
        full_name=full_name,
        profession=profession,
        role=role,
        organisation_name=organisation_name,
    )
    problem = password_problem(password, email=email, full_name=full_name)
    if problem:
        raise AccountError("password", f"password refused: {problem}")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        profession=profession,
        role=role,
        organisation=organisation,
        organisation_joined_at=None if organisation is None else utcnow(),
        professional_confirmed_at=utcnow(),
        professional_confirmed_as=profession,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    session.flush()
    audit.record(session, "account.created", subject_id=user.id, email=email, via="cli", role=role)
    session.commit()
    return user


@dataclass(frozen=True)
class RoleSet:
    """The account after set_role, and whether anything changed."""

    user: User
    changed: bool


def set_role(
    email: str,
    role: str,
    organisation_name: str | None = None,
    *,
    force: bool = False,
    actor_id: int | None = None,
    via: str = "cli",
    address: str | None = None,
) -> RoleSet:
    """Change a user's role (and organisation), recording it in the audit log.

    The role and organisation the user already has change nothing and record nothing. The
    last administrator is not demoted unless forced: no one would be left to run the site.
    The person's row is locked first, so of two changes at once (a double click) the second
    finds the first's made and changes nothing. A move to another organisation takes them
    out of the one they are in as a leaver, as a learner's own move does (leavers.move:
    their team left, their supervisor row there ended, the requests left waiting closed,
    their competency levels counted where they now are), in the same transaction. A manager
    who stops being one, or moves to another organisation, is no longer confined to teams;
    the event names the teams they had, and a move names the organisations (ids and names;
    the old one when they had one). An administrator's change of someone else's role emails
    them, queued in the same transaction and sent after it (role_notices.py).
    """
    session = db.session()
    if role not in ROLES:
        raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
    email = normalise_email(email)
    user = _locked(session, email, leaving=bool(organisation_name))
    if user is None:
        raise AccountError("email", f"no account for {email}")
    organisation = _organisation_named(organisation_name) if organisation_name else None
    if role == user.role and (organisation is None or organisation.id == user.organisation_id):
        session.rollback()
        return RoleSet(user, changed=False)
    if user.role == "admin" and role != "admin" and not force and last_administrator(user.id):
        session.rollback()
        raise LastAdministrator(
            "role",
            f"{user.email} is the last administrator: make another account an administrator first, "
            "or give --force to leave the site with none",
        )
    if role == "manager" and organisation is None and user.organisation_id is None:
        session.rollback()
        raise AccountError("org", "a manager must belong to an organisation (--org)")
    moved = {}  # the organisations, old and new, when it changes: the event names them
    if organisation is not None and organisation.id != user.organisation_id:
        if user.organisation is not None:
            moved = {
                "old_organisation_id": user.organisation.id,
                "old_organisation": user.organisation.name,
            }
        moved |= {"new_organisation_id": organisation.id, "new_organisation": organisation.name}
        leavers.move(user, organisation.id, actor_id=actor_id, via=via)
    # Teams a manager is confined to hold while they manage that organisation: stepped back
    # (or moved), they are let go, so made a manager again they manage the whole organisation
    # until confined again. Becoming a manager lets go of any a step back left before this
    # rule. The event names them, so history keeps them.
    confined = _end_confinement(session, user.id) if "manager" in (user.role, role) else ()
    audit.record(
        session,
        "role.changed",
        subject_id=user.id,
        actor_id=actor_id,
        email=user.email,
        address=address,
        via=via,
        old=user.role,
        new=role,
        **({"confined_to": ", ".join(confined)} if confined else {}),
        **moved,
    )
    user.role = role
    now_in = organisation or user.organisation
    notice = role_notices.queue_role_changed(
        session, user, role, now_in and now_in.name, actor_id=actor_id
    )
    session.commit()
    if notice is not None:
        mail_outbox.send_queued([notice])
    return RoleSet(user, changed=True)


def _locked(session, email: str, *, leaving: bool) -> User | None:
    """Lock the person with this address and return their row as read after the lock.

    One who may be moved (`leaving`) leaves the organisation they are in, so they are locked
    as leaving locks them (request_closures.lock_for_closing): with the learners whose
    requests wait for them, in id order, before anything else, as a supervisor's decision
    locks its supervisor and learner. Their own lock taken first, then those, could wait for
    a decision that waits for it.
    """
    if not leaving:
        locks.lock_people(session, User.email == email)
        return session.scalar(
            select(User).where(User.email == email).execution_options(populate_existing=True)
        )
    user_id = session.scalar(select(User.id).where(User.email == email))
    if user_id is None:
        return None
    lock_for_closing(user_id)
    user = session.get(User, user_id, populate_existing=True)
    return user if user is not None and user.email == email else None  # not given another since


def _end_confinement(session, user_id: int) -> list[str]:
    """Take away the teams a person was confined to as a manager; return their names."""
    names = session.scalars(
        select(Team.name)
        .join(TeamManager, TeamManager.team_id == Team.id)
        .where(TeamManager.user_id == user_id)
        .order_by(Team.name)
    ).all()
    if names:
        session.execute(delete(TeamManager).where(TeamManager.user_id == user_id))
    return names


class LastAdministrator(AccountError):
    """The change would leave the site with no administrator."""


def last_administrator(user_id: int) -> bool:
    """Say whether no administrator but this person is left, once every other change that
    could leave none has ended: demoting or erasing an administrator holds one lock, so of
    two administrators stepping each other down at once, the second finds itself the last."""
    session = db.session()
    locks.lock_name(session, "administrators")
    other = select(User.id).where(
        User.role == "admin", User.erased_at.is_(None), User.id != user_id
    )
    return session.scalar(other.limit(1)) is None


def _organisation_named(name: str | None) -> Organisation | None:
    if not name:
        return None
    organisation = db.session().scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        raise AccountError("org", f"no organisation called {name!r} (create it with create-org)")
    return organisation
