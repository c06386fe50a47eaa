"""Teams within an organisation, managers confined to teams, and learners who leave.

A manager with no `team_manager` rows manages the whole organisation; one with rows sees
only the learners of those teams. Every manager page and export asks `in_scope(scope)`,
so a learner outside the scope is not found, exactly as if they did not exist.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased

from app import db
from app.domain.accounts import new_join_code, normalise_email, normalise_join_code
from app.models import CompetencyLevel, Organisation, User, utcnow
from app.models_practice import ConfirmationRequest, Supervisor
from app.models_teams import Leaver, Team, TeamManager, TeamMember
from app.services import audit
from app.services.upsert import insert_for

MAX_NAME = 200


class TeamError(ValueError):
    """A request that breaks a team rule; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Scope:
    """Whom a manager sees: an organisation, or only some of its teams."""

    organisation_id: int
    team_ids: tuple[int, ...] | None = None  # None: the whole organisation
    organisation_name: str = ""  # when the scope was read with it

    @property
    def whole_organisation(self) -> bool:
        """Say whether the manager sees every learner of the organisation."""
        return self.team_ids is None


@dataclass(frozen=True)
class TeamRow:
    """A team as the teams page lists it."""

    id: int
    name: str
    join_code: str
    learners: int


def managed_by_user(column=TeamManager.team_id):
    """Return SELECT `column` over the teams the outer query's user manages in their
    organisation (a correlated subquery, for a statement that reads the user)."""
    return (
        select(column)
        .select_from(TeamManager)
        .join(Team, Team.id == TeamManager.team_id)
        .where(TeamManager.user_id == User.id, Team.organisation_id == User.organisation_id)
        .correlate(User)  # however deep it sits
    )


def scope_columns(json_array) -> tuple:
    """Return the columns that read a user's scope with the user: organisation, teams."""
    return (
        select(Organisation.name)
        .where(Organisation.id == User.organisation_id)
        .scalar_subquery()
        .label("organisation_name"),
        managed_by_user(json_array(TeamManager.team_id)).scalar_subquery().label("managed_teams"),
    )


def remember_scope(
    user_id: int, organisation_id: int | None, name: str | None, teams
) -> Scope | None:
    """Keep a scope read with the signed-in user (see scope_columns) for this request."""
    if organisation_id is None:
        return None
    found = tuple(sorted(team for team in teams or () if team is not None))
    scope = Scope(organisation_id, found or None, name or "")
    db.remember_read(("scope", user_id, organisation_id), scope)
    return scope


def scope_of(manager_id: int, organisation_id: int) -> Scope:
    """Return the manager's scope, with their organisation's name (one query, or none when
    read with the signed-in user earlier in this request)."""
    remembered = db.read_earlier(("scope", manager_id, organisation_id))
    if remembered is not None:
        return remembered
    managed = (
        select(TeamManager.team_id)
        .join(Team, Team.id == TeamManager.team_id)
        .where(TeamManager.user_id == manager_id, Team.organisation_id == organisation_id)
        .subquery()
    )
    rows = (
        db.session()
        .execute(
            select(Organisation.name, managed.c.team_id)
            .outerjoin(managed, literal(True))
            .where(Organisation.id == organisation_id)
            .order_by(managed.c.team_id)
        )
        .all()
    )
    teams = tuple(team_id for _, team_id in rows if team_id is not None)
    return Scope(organisation_id, teams or None, rows[0][0] if rows else "")


def as_scope(scope: Scope | int) -> Scope:
    """Return a scope; an organisation id alone means the whole organisation."""
    return scope if isinstance(scope, Scope) else Scope(scope)


def in_scope(scope: Scope):
    """Return the SQL condition for 'a learner this manager may see'."""
    condition = and_(User.organisation_id == scope.organisation_id, User.role == "learner")
    if scope.whole_organisation:
        return condition
    placed = aliased(TeamMember)  # its own name: the outer query may join TeamMember too
    member = exists().where(placed.user_id == User.id, placed.team_id.in_(scope.team_ids))
    return and_(condition, member)


def can_see(scope: Scope, user_id: int) -> bool:
    """Say whether the learner is within the manager's scope."""
    return bool(db.session().scalar(select(User.id).where(User.id == user_id, in_scope(scope))))


# A team's learners: its members still in its organisation (a correlated subquery).
TEAM_LEARNERS = (
    select(func.count(TeamMember.user_id))
    .join(User, User.id == TeamMember.user_id)
    .where(TeamMember.team_id == Team.id, User.organisation_id == Team.organisation_id)
    .scalar_subquery()
)


def team_seen(scope: Scope):
    """Return the SQL condition for 'a team this manager sees'."""
    if scope.whole_organisation:
        return Team.organisation_id == scope.organisation_id
    return and_(Team.organisation_id == scope.organisation_id, Team.id.in_(scope.team_ids))


def teams_in(scope: Scope) -> list[TeamRow]:
    """Return the teams the manager sees, with their learner counts, by name."""
    query = select(Team.id, Team.name, Team.join_code, TEAM_LEARNERS).where(team_seen(scope))
    return [TeamRow(*row) for row in db.session().execute(query.order_by(Team.name))]


def team_in(scope: Scope, team_id: int) -> Team | None:
    """Return the team when the manager sees it, else None."""
    team = db.session().get(Team, team_id)
    if team is None or team.organisation_id != scope.organisation_id:
        return None
    if not scope.whole_organisation and team.id not in scope.team_ids:
        return None
    return team


def team_for_code(join_code: str) -> Team | None:
    """Return the team a join code belongs to, if any."""
    code = normalise_join_code(join_code)
    if not code or len(code) > 32:
        return None
    return db.session().scalar(select(Team).where(Team.join_code == code))


def team_of(user_id: int) -> Team | None:
    """Return the learner's team, if any."""
    return db.session().scalar(
        select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
    )


def create_team(
    organisation_id: int, name: str, *, actor_id: int | None, via: str = "web", join_code=None
) -> Team:
    """Create a team in the organisation with a fresh (or given) join code.

    A name the organisation already has is refused, also when two requests add it at once
    (a double click): the INSERT does nothing on the name's unique key, and the one that
    inserted nothing says the team is there. Any other conflict (a join code) still raises.
    """
    session = db.session()
    name = " ".join(name.split())
    if not name:
        raise TeamError("name", "Enter the team's name")
    if len(name) > MAX_NAME:
        raise TeamError("name", f"The team's name must be {MAX_NAME} characters or fewer")
    taken = select(Team.id).where(Team.organisation_id == organisation_id, Team.name == name)
    if session.scalar(taken) is not None:
        raise TeamError("name", f"There is already a team called {name}")
    code = normalise_join_code(join_code or new_join_code())
    if session.scalar(select(Organisation.id).where(Organisation.join_code == code)) or (
        session.scalar(select(Team.id).where(Team.join_code == code))
    ):
        raise TeamError("join_code", f"The join code {code} is already in use")
    team = session.scalars(
        insert_for(session)(Team)
        .values(organisation_id=organisation_id, name=name, join_code=code, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["organisation_id", "name"])
        .returning(Team)
    ).one_or_none()
    if team is None:  # added by another request since the check above
        session.rollback()
        raise TeamError("name", f"There is already a team called {name}")
    audit.record(session, "team.created", actor_id=actor_id, via=via, team=name, team_id=team.id)
    session.commit()
    return team


@dataclass(frozen=True)
class Placed:
    """A learner put in a team: `already` when they were in it (nothing changed)."""

    team: Team
    full_name: str
    already: bool = False


def lock_person(user_id: int) -> None:
    """Take the person's row lock (locks.lock_learner): every change of whom they belong to
    waits for the one before, so of two at once the second finds the first's work done."""
    # Imported here: locks imports accounts, which imports this module.
    from app.services.locks import lock_learner

    lock_learner(db.session(), user_id)


def join_by_code(user_id: int, join_code: str) -> Placed:
    """Put a learner in the team whose join code they gave (and in its organisation).

    Joining the team they are in changes nothing and writes no audit row; two at once (a
    double click) take the learner's lock in turn, so the second finds them in it.
    """
    session = db.session()
    if not normalise_join_code(join_code):
        raise TeamError("join_code", "Enter the team code")
    team = team_for_code(join_code)
    if team is None:
        raise TeamError(
            "join_code", "We do not recognise that team code. Check it with your manager"
        )
    lock_person(user_id)
    user = session.get(User, user_id, populate_existing=True)
    if user.organisation_id not in (None, team.organisation_id):
        session.rollback()
        raise TeamError(
            "join_code",
            "That team belongs to another organisation. Ask your manager to move you",
        )
    if _member_of(user_id) == team.id:
        session.rollback()
        return Placed(team, user.full_name, already=True)
    _place(user, team, placed_by=None)
    audit.record(session, "team.joined", actor_id=user_id, team=team.name, team_id=team.id)
    session.commit()
    return Placed(team, user.full_name)


def place(
    scope: Scope, team_id: int, email: str, *, actor_id: int | None, via: str = "web"
) -> Placed:
    """Place a learner of the organisation in one of the manager's teams.

    Placing them in the team they are in changes nothing and writes no audit row; two at
    once take the learner's lock in turn, so the second finds them placed.
    """
    session = db.session()
    team = team_in(scope, team_id)
    if team is None:
        raise LookupError(team_id)
    if not normalise_email(email):
        raise TeamError("email", "Enter the learner's email address")
    found = session.scalar(select(User.id).where(User.email == normalise_email(email)))
    if found is not None:
        lock_person(found)
    user = session.get(User, found, populate_existing=True) if found is not None else None
    visible = user is not None and user.role == "learner"
    visible = visible and user.organisation_id == scope.organisation_id
    current = _member_of(user.id) if visible else None
    if visible and not scope.whole_organisation:
        visible = current is None or current in scope.team_ids
    if not visible:
        session.rollback()
        raise TeamError("email", "There is no learner with that email address in your organisation")
    if current == team.id:
        session.rollback()
        return Placed(team, user.full_name, already=True)
    _place(user, team, placed_by=actor_id)
    audit.record(
        session, "team.placed", actor_id=actor_id, subject_id=user.id, via=via, team=team.name
    )
    session.commit()
    return Placed(team, user.full_name)


def _member_of(user_id: int) -> int | None:
    """Return the team the learner is in now (read afresh, not from the session's rows)."""
    return db.session().scalar(select(TeamMember.team_id).where(TeamMember.user_id == user_id))


def _place(user: User, team: Team, *, placed_by: int | None) -> None:
    session = db.session()
    if user.organisation_id is None:
        _move_records(user.id, team.organisation_id)
        user.organisation_id = team.organisation_id
    member = session.get(TeamMember, user.id, populate_existing=True)
    if member is None:
        session.add(TeamMember(user_id=user.id, team_id=team.id, placed_by=placed_by))
    else:
        member.team_id, member.placed_by = team.id, placed_by


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
    return and_(condition, Leaver.team_name.in_(select(Team.name).where(team_seen(scope))))


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
) -> TakenOut | None:
    """Take a learner out of the organisation as a leaver; None when they were not in it (nor
    within `within`, conditions on the user), and nothing was changed.

    Every way out goes through here: leaving on their own, a manager's removal, moving to
    another organisation, erasure. The UPDATE that takes them out names the organisation, so
    of two at once (a double click, two tabs) one takes them out and the other finds nothing
    to do. The organisation keeps a leaver row (its list of leavers, the learner's export):
    who left, from which team, who took them out (themselves when they left) and when. Its
    figures drop them, and the requests they left waiting there, or that wait for them as a
    supervisor, are closed (unless `close_requests` is False: erasure closes its own). The
    caller audits and commits.
    """
    # Imported here: closing re-rates, and the ratings' dashboard counts import this module.
    from app.services.request_closures import close_stranded, lock_for_closing

    session = db.session()
    lock_for_closing(user_id)  # before the UPDATE that takes their row's lock on its own
    taken = session.execute(
        update(User)
        .where(User.id == user_id, User.organisation_id == organisation_id, *within)
        .values(organisation_id=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if not taken:
        return None
    team = session.scalar(
        select(Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
    )
    left = Leaver(
        organisation_id=organisation_id,
        user_id=user_id,
        team_name=team,
        removed_by=actor_id,
        left_at=utcnow(),
    )
    session.add(left)
    session.execute(TeamMember.__table__.delete().where(TeamMember.user_id == user_id))
    _stop_supervising(user_id, organisation_id, actor_id=actor_id, via=via)
    _move_records(user_id, None)
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


def _move_records(user_id: int, organisation_id: int | None) -> None:
    # Levels carry the organisation so its dashboards count in one table (as profile._move
    # does); evidence keeps the organisation it was recorded in: that is history.
    db.session().execute(
        update(CompetencyLevel)
        .where(CompetencyLevel.user_id == user_id)
        .values(organisation_id=organisation_id)
    )
