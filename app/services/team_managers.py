"""Which teams a manager manages: none means the whole organisation (see teams.py)."""

from dataclasses import dataclass

from sqlalchemy import select

from app import db
from app.domain.accounts import normalise_email
from app.models import User
from app.models_teams import Team, TeamManager
from app.services import audit, locks
from app.services.team_members import lock_person
from app.services.teams import Scope, TeamError, teams_in


@dataclass(frozen=True)
class Confined:
    """The manager whose teams were set, and the teams they now manage (none: the whole
    organisation): `already` when they managed exactly those teams; `to_confirm` when none
    was ticked for a manager confined to teams, and nothing changed until that is confirmed.
    """

    full_name: str
    teams: tuple[str, ...] = ()
    already: bool = False
    to_confirm: bool = False


def confine_manager(
    scope: Scope, manager_id: int, team_ids, *, actor_id: int, whole_confirmed: bool = False
) -> Confined | None:
    """Set the teams a manager of the organisation manages (none: all of it); audit-logged.

    Returns what was done: `already` when they managed exactly those teams (nothing
    changed, no audit row: a double click, or the form saved again). Changes to one manager's teams
    take their row lock in turn, so of two at once the second finds the first's saved.
    Only a manager of the whole organisation may, and not for themselves; None otherwise
    (the view answers 404). A team that is not the organisation's (deleted since the form
    was shown, say) refuses the change with a TeamError, rather than being left out: leaving
    it out could leave no team ticked, which would widen them to the whole organisation.
    No team ticked for a manager confined to teams widens them to every learner of the
    organisation: nothing changes (`to_confirm`, the teams they manage now) unless the
    widening was confirmed (`whole_confirmed`).
    """
    session = db.session()
    if not scope.whole_organisation or manager_id == actor_id:
        return None
    lock_person(manager_id)
    manager = session.get(User, manager_id, populate_existing=True)
    if (
        manager is None
        or manager.role != "manager"
        or manager.organisation_id != scope.organisation_id
    ):
        session.rollback()
        return None
    known = {row.id: row.name for row in teams_in(scope)}
    if any(t not in known for t in team_ids):
        # A team deleted since the form was shown, or never this organisation's: dropping it
        # could leave none ticked, which means the whole organisation. Change nothing.
        session.rollback()
        raise TeamError(
            "teams",
            f"A team you ticked for {manager.full_name} is no longer one of this "
            "organisation's: nothing was changed. Choose their teams again.",
        )
    chosen = sorted(set(team_ids))
    now = sorted(
        session.scalars(
            select(TeamManager.team_id).where(
                TeamManager.user_id == manager_id, TeamManager.team_id.in_(known)
            )
        )
    )
    if now == chosen:
        session.rollback()
        return Confined(manager.full_name, tuple(known[t] for t in now), already=True)
    if not chosen and not whole_confirmed:
        session.rollback()
        return Confined(manager.full_name, tuple(known[t] for t in now), to_confirm=True)
    session.execute(TeamManager.__table__.delete().where(TeamManager.user_id == manager_id))
    session.add_all(TeamManager(user_id=manager_id, team_id=t) for t in chosen)
    audit.record(
        session,
        "manager.teams",
        actor_id=actor_id,
        subject_id=manager_id,
        teams=", ".join(known[t] for t in chosen) or "whole organisation",
    )
    session.commit()
    return Confined(manager.full_name, tuple(known[t] for t in chosen))


def set_manager_teams(manager_email: str, team_names: list[str], organisation_id: int) -> None:
    """Confine a manager to named teams of their organisation; no names: the whole of it.

    The person's row is locked first, as set-role locks it: a manager stepped back to learner
    meanwhile is told they are no manager, rather than confined again as a learner.
    """
    session = db.session()
    email = normalise_email(manager_email)
    locks.lock_people(session, User.email == email)
    manager = session.scalar(
        select(User).where(User.email == email).execution_options(populate_existing=True)
    )
    if manager is None or manager.role != "manager" or manager.organisation_id != organisation_id:
        session.rollback()
        raise TeamError("email", f"no manager {manager_email} in that organisation")
    teams = []
    for name in team_names:
        team = session.scalar(
            select(Team).where(Team.organisation_id == organisation_id, Team.name == name)
        )
        if team is None:
            session.rollback()
            raise TeamError("team", f"no team called {name!r} in that organisation")
        teams.append(team)
    session.execute(TeamManager.__table__.delete().where(TeamManager.user_id == manager.id))
    session.add_all(TeamManager(user_id=manager.id, team_id=t.id) for t in teams)
    audit.record(
        session,
        "manager.teams",
        subject_id=manager.id,
        via="cli",
        teams=", ".join(t.name for t in teams) or "whole organisation",
    )
    session.commit()
