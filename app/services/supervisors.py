"""Who may confirm practice: supervisors named within an organisation."""

from dataclasses import dataclass

from sqlalchemy import delete, select

from app import db
from app.models import User, utcnow
from app.models_practice import ConfirmationRequest, Supervisor
from app.services import audit
from app.services.request_closures import close_stranded, lock_for_closing


class NotFound(LookupError):
    """No such person in the organisation the actor may act on."""


@dataclass(frozen=True)
class SupervisorChoice:
    """A supervisor a learner can ask."""

    id: int
    name: str


def _person_in_scope(actor_id: int, user_id: int) -> tuple[User, User]:
    session = db.session()
    actor = session.get(User, actor_id)
    person = session.get(User, user_id, populate_existing=True)
    if actor is None or person is None or person.erased_at is not None:
        raise NotFound(user_id)
    if person.organisation_id is None:
        raise NotFound(user_id)
    # An administrator may act anywhere; a manager only within their own organisation.
    if actor.role != "admin" and (
        actor.role != "manager" or actor.organisation_id != person.organisation_id
    ):
        raise NotFound(user_id)
    return actor, person


def set_supervisor(actor_id: int | None, user_id: int, named: bool, *, via: str = "web") -> bool:
    """Name or stop naming a person a supervisor of their organisation; return if changed.

    Naming someone who is one already, or stopping someone who is not, changes nothing and
    writes no audit row. Both take the person's row lock first, so of two at once (a double
    click) the second finds the first's change made (never a second supervisor row, which
    the key refuses).
    """
    session = db.session()
    lock_for_closing(user_id)  # the person, and those whose requests un-naming closes
    try:
        if via == "cli":
            person = session.get(User, user_id, populate_existing=True)
            if person is None or person.organisation_id is None:
                raise NotFound(user_id)
        else:
            _, person = _person_in_scope(actor_id, user_id)
    except NotFound:
        session.rollback()
        raise
    current = session.get(Supervisor, person.id, populate_existing=True)
    here = current is not None and current.organisation_id == person.organisation_id
    if named == here:
        session.rollback()
        return False
    if named and current is None:
        session.add(
            Supervisor(user_id=person.id, organisation_id=person.organisation_id, named_by=actor_id)
        )
    elif named:  # a supervisor of an organisation they have left: of this one now
        current.organisation_id, current.named_by = person.organisation_id, actor_id
        current.named_at = utcnow()
    else:
        session.execute(delete(Supervisor).where(Supervisor.user_id == person.id))
    kind = "supervisor.named" if named else "supervisor.removed"
    audit.record(session, kind, actor_id=actor_id, subject_id=person.id, via=via)
    if not named:  # what waits for them can be decided by no one now
        close_stranded(ConfirmationRequest.supervisor_id == person.id, actor_id=actor_id, via=via)
    session.commit()
    return True


def is_supervisor(user_id: int, organisation_id: int | None = None) -> bool:
    """Say whether the person is a supervisor (of the organisation they belong to now).

    A caller that already holds the person's organisation passes it, saving a query.
    """
    row = db.session().get(Supervisor, user_id)
    if row is None:
        return False
    if organisation_id is None:
        organisation_id = db.session().scalar(
            select(User.organisation_id).where(User.id == user_id)
        )
    return row.organisation_id == organisation_id


def supervisors_of(organisation_id: int, *, besides: int | None = None) -> list[SupervisorChoice]:
    """Return the organisation's supervisors by name, leaving out one person."""
    rows = db.session().execute(
        select(User.id, User.full_name)
        .join(Supervisor, Supervisor.user_id == User.id)
        .where(
            Supervisor.organisation_id == organisation_id,
            User.organisation_id == organisation_id,
            User.erased_at.is_(None),
        )
        .order_by(User.full_name, User.id)
    )
    return [SupervisorChoice(i, name) for i, name in rows if i != besides]


def name_of(user_id: int) -> str:
    """Return the person's name, for a message about them."""
    return db.session().scalar(select(User.full_name).where(User.id == user_id)) or ""
