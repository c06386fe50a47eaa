"""Learners who leave an organisation: on their own, removed by a manager, moving (by a join
code, or moved by an administrator), erased.

Every way out goes through `leave_organisation`. The organisation keeps a `leaver` row (who
left, from which team, who took them out, and when), and a manager sees the leavers of
their scope (`leaver_seen`).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update

from app import db
from app.models import CompetencyLevel, User, utcnow
from app.models_practice import ConfirmationRequest, Supervisor
from app.models_teams import Leaver, Team, TeamMember
from app.services import audit
from app.services.request_closures import close_stranded, lock_for_closing
from app.services.teams import Scope, in_scope


@dataclass(frozen=True)
class Removal:
    """A learner a manager removed, or found already gone: `already` when nothing changed."""

    full_name: str
    left_at: datetime
    already: bool = False
    by_themselves: bool = False  # they left on their own (or moved), not removed


def remove_from_organisation(scope: Scope, user_id: int, *, actor_id: int | None) -> Removal | None:
    """Remove a learner from the organisation: their record stays theirs, its figures drop them.

    Returns what was done; `already` when they had left (or been removed) before, and nothing
    was changed; None when the learner is not one the manager sees, now or as a leaver.
    """
    session = db.session()
    taken = leave_organisation(
        user_id, scope.organisation_id, actor_id=actor_id, within=(in_scope(scope),)
    )
    if taken is None:
        return left_before(scope, user_id)
    audit.record(
        session,
        "learner.removed",
        actor_id=actor_id,
        subject_id=user_id,
        organisation_id=scope.organisation_id,
        team=taken.team or "",
    )
    name = session.scalar(select(User.full_name).where(User.id == user_id))
    session.commit()
    return Removal(name, taken.left_at)


def left_before(scope: Scope, user_id: int) -> Removal | None:
    """Return the learner's latest leaving of the organisation, if the manager sees it in the
    list of leavers and they are not back in the organisation; else None."""
    found = (
        db.session()
        .execute(
            select(User.full_name, Leaver.left_at, Leaver.removed_by)
            .join(User, User.id == Leaver.user_id)
            .where(Leaver.user_id == user_id, gone_from(scope))
            .order_by(Leaver.left_at.desc(), Leaver.id.desc())
            .limit(1)
        )
        .first()
    )
    if found is None:
        return None
    name, left_at, removed_by = found
    return Removal(name, left_at, already=True, by_themselves=removed_by == user_id)


def gone_from(scope: Scope):
    """Return the SQL condition for 'a leaving (Leaver) the manager sees, of someone (User)
    not back in the organisation since'."""
    return and_(leaver_seen(scope), User.organisation_id.is_distinct_from(scope.organisation_id))


def leaver_seen(scope: Scope):
    """Return the SQL condition for 'a leaver this manager sees': of their organisation, and
    for a manager of some teams, from one of those teams."""
    condition = Leaver.organisation_id == scope.organisation_id
    if scope.whole_organisation:
        return condition
    # By the team's id, which a rename keeps (migration 0037); a leaving whose team is not
    # recorded (migration 0031) is no team's.
    return and_(condition, Leaver.team_recorded, Leaver.team_id.in_(scope.team_ids))


@dataclass(frozen=True)
class TakenOut:
    """A learner taken out of an organisation: the team they were in, and when."""

    team: str | None
    left_at: datetime


def leave_organisation(
    user_id: int,
    organisation_id: int,
    *,
    actor_id: int | None,
    within=(),
    close_requests: bool = True,
    via: str = "web",
    into: int | None = None,
    as_leaver: bool = True,
) -> TakenOut | None:
    """Take a learner out of the organisation as a leaver; None when they were not in it (nor
    within `within`, conditions on the user), and nothing was changed.

    Every way out goes through here: leaving on their own, a manager's removal, moving to
    another organisation, erasure. The UPDATE that takes them out names the organisation, so
    of two at once (a double click, two tabs) one takes them out and the other finds nothing
    to do. The organisation keeps a leaver row (its list of leavers, the learner's export):
    who left, from which team, who took them out (themselves when they left) and when. Its
    figures drop them, and the requests they left waiting there, or that wait for them as a
    supervisor, are closed (unless `close_requests` is False: erasure closes its own).
    `into` is the organisation a move takes them into (`move`), in the same UPDATE: a
    manager's account is never in none. Without `as_leaver` (someone its figures never
    counted: a manager, a trainer, an administrator, moved) no leaver row is kept, and the
    rest is done the same. The caller audits and commits.
    """
    session = db.session()
    lock_for_closing(user_id)  # before the UPDATE that takes their row's lock on its own
    taken = session.execute(
        update(User)
        .where(User.id == user_id, User.organisation_id == organisation_id, *within)
        .values(organisation_id=into, organisation_joined_at=None if into is None else utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not taken:
        return None
    team_id, team = session.execute(
        select(Team.id, Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
    ).first() or (None, None)
    left = Leaver(
        organisation_id=organisation_id,
        user_id=user_id,
        team_id=team_id,
        team_name=team,
        removed_by=actor_id,
        left_at=utcnow(),
    )
    if as_leaver:
        session.add(left)
    session.execute(TeamMember.__table__.delete().where(TeamMember.user_id == user_id))
    _stop_supervising(user_id, organisation_id, actor_id=actor_id, via=via)
    move_records(user_id, into)
    if close_requests:
        mine = or_(
            ConfirmationRequest.supervisor_id == user_id, ConfirmationRequest.user_id == user_id
        )
        close_stranded(mine, actor_id=actor_id, via=via)
    return TakenOut(team, left.left_at)


def _stop_supervising(user_id: int, organisation_id: int, *, actor_id: int | None, via: str):
    """A supervisor who leaves stops being one of the organisation they left, audited.

    Kept, the row would make them a supervisor again, silently, should they ever rejoin:
    naming them again is a manager's decision.
    """
    ended = (
        db.session()
        .execute(
            delete(Supervisor).where(
                Supervisor.user_id == user_id, Supervisor.organisation_id == organisation_id
            )
        )
        .rowcount
    )
    if ended:
        audit.record(
            db.session(),
            "supervisor.removed",
            actor_id=actor_id,
            subject_id=user_id,
            via=via,
            reason="left the organisation",
        )


def move(user: User, organisation_id: int, *, actor_id: int | None, via: str = "web") -> None:
    """Move a person into the organisation: out of the one they are in as a leaver (taken out
    by `actor_id`), then in, their competency levels with them.

    A learner's own move with a join code and an administrator's (set-role --org) both come
    through here. The caller has locked them as leaving locks them (lock_for_closing), and
    audits and commits. Only a learner leaves a leaver row: the organisation's figures (and
    its list of leavers) count learners, so a manager, trainer or administrator moved leaves
    their team, supervisor role and waiting requests there, but is no leaver of it.
    """
    if user.organisation_id is None:  # in none: they join, with nothing to leave
        user.organisation_id, user.organisation_joined_at = organisation_id, utcnow()
        move_records(user.id, organisation_id)
    elif user.organisation_id != organisation_id:
        leave_organisation(
            user.id,
            user.organisation_id,
            actor_id=actor_id,
            via=via,
            into=organisation_id,
            as_leaver=user.role == "learner",
        )


def move_records(user_id: int, organisation_id: int | None) -> None:
    # Levels carry the organisation so its dashboards count in one table (leaving takes
    # them out, `move` takes them in); evidence keeps the organisation it was recorded in:
    # that is history.
    db.session().execute(
        update(CompetencyLevel)
        .where(CompetencyLevel.user_id == user_id)
        .values(organisation_id=organisation_id)
    )
