"""What administrators change on a person's page: their role (and organisation), and
erasing their account.

Each goes through the service its command uses (account_admin.set_role for set-role,
erasure.erase for erase-user): the same checks, the same transaction, the same audit
events, here with the administrator as the actor (via "web") rather than the operating-system
user. Lifting a sign-in lock is sign_in_locks.lift, as unlock-sign-in's.
"""

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from app import db
from app.domain.accounts import ROLES, a_role
from app.domain.numbers import whole_number
from app.models import Organisation
from app.models_practice import ConfirmationClosure, ConfirmationDecision, ConfirmationRequest
from app.models_teams import Team, TeamManager
from app.security import MAX_ID
from app.services import account_admin, erasure, role_shown
from app.services.accounts import AccountError
from app.services.people_admin import Choice, Person
from app.services.role_shown import Shown


class NothingToChange(AccountError):
    """The person has the role (and organisation) asked for already: nothing changes."""


@dataclass(frozen=True)
class Held:
    """What a person holds now that a role change may keep or end: the teams they are kept
    to as a manager, and the requests to confirm practice that no one has decided, waiting
    for them as a supervisor and sent by them."""

    confined_to: tuple[str, ...] = ()
    waiting_for_them: int = 0
    sent_by_them: int = 0
    confined_ids: tuple[int, ...] = ()  # those teams' ids, in the same order


@dataclass(frozen=True)
class RoleChange:
    """A role change checked and ready: the role, and the organisation they move into (None:
    they stay where they are); for the confirmation page, what they hold now."""

    role: str
    moving_to: Choice | None
    held: Held = Held()

    def said(self, person: Person) -> str:
        """Say what the person is once changed: 'Sam Learner is now a manager of Oak PCN'."""
        organisation = self.moving_to.name if self.moving_to else person.organisation
        where = f" of {organisation}" if organisation else ""
        return f"{person.full_name} is now {a_role(self.role)}{where}"


def check_role_change(person: Person, role: str, organisation: str) -> RoleChange:
    """Return the change asked for, or raise AccountError saying what is wrong with it (its
    field: "role" or "organisation"), or NothingToChange.

    `organisation` is the id of the organisation to move them into, as the form sends it;
    empty keeps the one they are in.
    """
    if role not in ROLES:
        raise AccountError("role", f"Select the role {person.full_name} should have")
    moving_to = None
    if organisation:
        moving_to = _organisation(organisation)
        if moving_to is None:
            raise AccountError("organisation", "Select an organisation from the list")
        if moving_to.id == person.organisation_id:
            moving_to = None
    if role == "manager" and moving_to is None and person.organisation_id is None:
        raise AccountError(
            "organisation", f"Select the organisation {person.full_name} will manage"
        )
    if role == person.role and moving_to is None:
        raise NothingToChange("role", _already(person.full_name, person.role, person.organisation))
    if person.only_administrator and role != "admin":
        raise account_admin.LastAdministrator("role", _last(person))
    return RoleChange(role, moving_to)


def role_change_to_confirm(person: Person, role: str, organisation: str) -> RoleChange:
    """Return the change asked for, checked as check_role_change checks it, with what the
    person holds now (one statement more), for the page that says what it does."""
    change = check_role_change(person, role, organisation)
    return RoleChange(change.role, change.moving_to, _held(person.id))


def _held(user_id: int) -> Held:
    undecided = (
        ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
        ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
    )

    def waiting(column):
        return (
            select(func.count(ConfirmationRequest.id))
            .where(column == user_id, *undecided)
            .scalar_subquery()
        )

    rows = (
        db.session()
        .execute(
            select(
                waiting(ConfirmationRequest.supervisor_id).label("for_them"),
                waiting(ConfirmationRequest.user_id).label("by_them"),
                Team.name,
                Team.id,
            )
            .select_from(select(func.count()).subquery())  # one row though they keep no team
            .outerjoin(TeamManager, TeamManager.user_id == user_id)
            .outerjoin(Team, Team.id == TeamManager.team_id)
            .order_by(Team.name)
        )
        .all()
    )
    teams = [row for row in rows if row.name is not None]
    return Held(
        tuple(row.name for row in teams),
        rows[0].for_them,
        rows[0].by_them,
        tuple(row.id for row in teams),
    )


def change_role(
    actor_id: int,
    person: Person,
    role: str,
    organisation: str,
    *,
    shown: Shown | None = None,
    address: str | None = None,
) -> RoleChange:
    """Change the person's role (and organisation) as set-role does, in one transaction,
    audited with the administrator as actor. Raises what check_role_change raises; of two
    sent at once (a double click, two tabs) the second raises NothingToChange and records
    nothing. With `shown`, what the confirmation page said they were, ChangedMeanwhile when
    they are not that now (another administrator changed them since), changing nothing."""
    change = check_role_change(person, role, organisation)
    if shown is not None:
        into = change.moving_to.id if change.moving_to else None
        role_shown.refuse_changed_since(person, shown, role=change.role, into=into)
    moving_to = change.moving_to.name if change.moving_to else None
    try:
        done = account_admin.set_role(
            person.email, role, moving_to, actor_id=actor_id, via="web", address=address
        )
    except account_admin.LastAdministrator:  # another administrator stepped down meanwhile
        raise account_admin.LastAdministrator("role", _last(person)) from None
    except AccountError as error:  # changed since the page was read (erased, say)
        message = error.message[:1].upper() + error.message[1:]
        raise AccountError("role", message) from None
    if not done.changed:
        now = done.user
        organisation = now.organisation.name if now.organisation else None
        raise NothingToChange("role", _already(now.full_name, now.role, organisation))
    return change


def _organisation(text: str) -> Choice | None:
    organisation_id = whole_number(text, most=MAX_ID)
    if organisation_id is None:
        return None
    found = (
        db.session()
        .execute(
            select(Organisation.id, Organisation.name).where(Organisation.id == organisation_id)
        )
        .first()
    )
    return None if found is None else Choice(found.id, found.name)


def _already(full_name: str, role: str, organisation: str | None) -> str:
    where = f" of {organisation}" if organisation else ""
    return f"{full_name} is already {a_role(role)}{where}"


def _last(person: Person) -> str:
    return (
        f"{person.full_name} is the only administrator. Make someone else an administrator "
        "before you change their role"
    )


class ErasureRefused(AccountError):
    """The account cannot be erased from this page: the administrator's own, or the last
    administrator's."""


_OWN = "You cannot erase your own account here. Another administrator can erase it"


def _only_administrator(person: Person) -> str:
    return (
        f"{person.full_name} is the only administrator. Make someone else an administrator "
        "before you erase this account"
    )


def erasure_refused(actor_id: int, person: Person) -> str | None:
    """Say why the account cannot be erased from this page, as read now (the
    administrator's own, the last administrator's), or None."""
    if person.id == actor_id:
        return _OWN
    if person.only_administrator:
        return _only_administrator(person)
    return None


def erase(actor_id: int, person: Person, *, address: str | None = None) -> bool:
    """Erase the person's account as erase-user does, audited with the administrator as
    actor (and the address they sent it from); False when it was erased already (a double
    click, a second tab). Raises ErasureRefused for the administrator's own account or the
    last administrator's."""
    if person.id == actor_id:
        raise ErasureRefused("user", _OWN)
    try:
        return erasure.erase(
            person.id, actor_id=actor_id, via="web", address=address, keep_an_administrator=True
        )
    except account_admin.LastAdministrator:
        raise ErasureRefused("user", _only_administrator(person)) from None
