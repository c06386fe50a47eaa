"""Renaming and deleting a team: a manager of the whole organisation, one transaction each.

A team is deleted only while nothing depends on it: no learner in it, no assignment for it
(withdrawn assignments are kept, and so is the team a leaver left: `organisation_leaver`
keeps its name), and no manager confined to it (deleting it would widen a manager confined
to it alone to the whole organisation). The team's row is locked first, so a learner joining
it, an assignment for it or a manager confined to it at the same moment either comes first
and is found, or waits and finds the team gone. A stale form (a double click, another tab)
changes nothing and says why: renamed since, or deleted on a day.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app import db
from app.domain.names import normalise_team_name, team_name_key
from app.models import AuditEvent
from app.models_assignments import Assignment
from app.models_teams import Team, TeamManager, TeamMember
from app.services import audit, locks
from app.services.teams import Scope, TeamError, checked_name, team_in, team_seen

# How far back a stale form's team is looked for among deleted teams (audit events).
_DELETIONS_READ = 500


@dataclass(frozen=True)
class Blockers:
    """What keeps a team from being deleted: its learners, assignments, confined managers."""

    learners: int
    assignments: int
    managers: int

    def __bool__(self) -> bool:
        return bool(self.learners or self.assignments or self.managers)


def _counted(table, column):
    return select(func.count()).select_from(table).where(column == Team.id).scalar_subquery()


# What depends on the team (a correlated read beside its row).
_BLOCKERS = (
    _counted(TeamMember, TeamMember.team_id),
    _counted(Assignment, Assignment.team_id),
    _counted(TeamManager, TeamManager.team_id),
)


@dataclass(frozen=True)
class Changed:
    """A team renamed or deleted; `already` when a second request found it done."""

    name: str
    already: bool = False


@dataclass(frozen=True)
class Deleted:
    """A team deleted before (a stale form): its name then, and when."""

    name: str
    deleted_at: datetime


def blockers(team_id: int) -> Blockers:
    """Return what depends on the team and would be lost with it."""
    found = db.session().execute(select(*_BLOCKERS).where(Team.id == team_id)).first()
    return Blockers(*found) if found else Blockers(0, 0, 0)


def deletion_page(scope: Scope, team_id: int) -> tuple[Team, Blockers] | None:
    """Return the team a manager of the whole organisation asks to delete, and what depends
    on it, in one statement; None when it is not one they may delete."""
    if not scope.whole_organisation:
        return None
    found = (
        db.session()
        .execute(select(Team, *_BLOCKERS).where(Team.id == team_id, team_seen(scope)))
        .first()
    )
    return (found[0], Blockers(*found[1:])) if found else None


def refusal(name: str, found: Blockers) -> str:
    """Return why the team cannot be deleted and what to do first, as one message."""
    held = []
    if found.learners:
        held.append(f"{found.learners} learner{'s' if found.learners != 1 else ''}")
    if found.assignments:
        held.append(f"{found.assignments} assignment{'s' if found.assignments != 1 else ''}")
    if found.managers:
        held.append(
            "a manager confined to it"
            if found.managers == 1
            else f"{found.managers} managers confined to it"
        )
    steps = []
    if found.learners:
        steps.append("move its learners to another team (or remove those who have left)")
    if found.assignments:
        steps.append("withdraw its assignments")
    if found.managers:
        steps.append("change which teams its managers manage")
    return (
        f"You cannot delete {name} while it has {_listed(held)}. "
        f"First {_listed(steps)}, then delete it"
    )


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def rename_team(scope: Scope, team_id: int, name: str, was: str, *, actor_id: int) -> Changed:
    """Rename one of the organisation's teams, as creation checks a name; audited.

    `was` is the name the form showed: if the team has been renamed since (another tab),
    nothing is changed and the manager is told its name now. Giving the name it has (a
    double click) changes nothing. Raises LookupError when the team is not one the manager
    may rename (or is gone), TeamError for a name refused.
    """
    session = db.session()
    team = _locked(session, scope, team_id)
    if team is None:
        session.rollback()
        raise LookupError(team_id)
    if team.name not in (was, normalise_team_name(name)):
        current = team.name
        session.rollback()
        raise TeamError(
            "name",
            f"This team was renamed {current} since you opened this page. "
            "Save again if you still want to change it",
        )
    name = checked_name(session, scope.organisation_id, name, renaming=team.id)
    if name == team.name:
        session.rollback()
        return Changed(name, already=True)
    before = team.name
    team.name, team.name_key = name, team_name_key(name)
    audit.record(session, "team.renamed", actor_id=actor_id, team_id=team.id, team=name, was=before)
    session.commit()
    return Changed(name)


def delete_team(scope: Scope, team_id: int, was: str, *, actor_id: int) -> Changed:
    """Delete one of the organisation's teams when nothing depends on it; audited.

    Raises LookupError when it is not one the manager may delete (or is gone), TeamError
    when something depends on it (saying what to do first) or it was renamed since the
    page was opened.
    """
    session = db.session()
    team = _locked(session, scope, team_id)
    if team is None:
        session.rollback()
        raise LookupError(team_id)
    name = team.name
    if name != was:
        session.rollback()
        raise TeamError(
            "team",
            f"This team was renamed {name} since you opened this page: nothing was deleted. "
            "Check it is the team you mean, then delete it",
        )
    found = blockers(team.id)
    if found:
        session.rollback()
        raise TeamError("team", refusal(name, found))
    audit.record(
        session,
        "team.deleted",
        actor_id=actor_id,
        team_id=team.id,
        team=name,
        organisation_id=scope.organisation_id,
    )
    session.delete(team)
    session.commit()
    return Changed(name)


def deleted_before(scope: Scope, team_id: int) -> Deleted | None:
    """Return the team's deletion when it was one of the manager's organisation's; else None.

    For a stale form: the team is gone, and the manager is told when and what it was called.
    """
    events = db.session().execute(
        select(AuditEvent.detail, AuditEvent.occurred_at)
        .where(AuditEvent.kind == "team.deleted")
        .order_by(AuditEvent.occurred_at.desc())
        .limit(_DELETIONS_READ)
    )
    for detail, occurred_at in events:
        same_team = detail.get("team_id") == team_id
        if same_team and detail.get("organisation_id") == scope.organisation_id:
            return Deleted(detail.get("team", ""), occurred_at)
    return None


def _locked(session, scope: Scope, team_id: int) -> Team | None:
    """Return the team, locked until the transaction ends, if the manager may change it.

    FOR UPDATE (not NO KEY UPDATE): it waits for, and holds off, every row being written
    that refers to the team (a learner joining, an assignment, a confined manager).
    SQLite has one writer at a time: a write takes the database's lock first.
    """
    if not scope.whole_organisation or team_in(scope, team_id) is None:
        return None
    if session.get_bind().dialect.name != "postgresql":
        locks.lock_name(session, f"team:{team_id}")
    return session.scalar(
        select(Team)
        .where(Team.id == team_id, team_seen(scope))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
