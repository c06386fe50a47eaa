"""Teams within an organisation, and managers confined to teams.

A manager with no `team_manager` rows manages the whole organisation; one with rows sees
only the learners of those teams. Every manager page and export asks `in_scope(scope)`,
so a learner outside the scope is not found, exactly as if they did not exist. Learners
join teams in team_members.py and leave the organisation in leavers.py.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from app import db
from app.domain.accounts import join_code_problem, new_join_code, normalise_join_code
from app.domain.names import normalise_team_name, team_name_key, team_name_problem
from app.models import Organisation, User, utcnow
from app.models_teams import Team, TeamManager, TeamMember
from app.services import audit
from app.services.upsert import insert_for


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


def counted_as_learner(organisation_id):
    """Return the SQL condition every manager page counts a learner by: an account of the
    organisation whose role is learner (a member made a manager is not one; stepped back,
    they are again, their place in the team kept)."""
    return and_(User.organisation_id == organisation_id, User.role == "learner")


def in_scope(scope: Scope):
    """Return the SQL condition for 'a learner this manager may see'."""
    condition = counted_as_learner(scope.organisation_id)
    if scope.whole_organisation:
        return condition
    placed = aliased(TeamMember)  # its own name: the outer query may join TeamMember too
    member = exists().where(placed.user_id == User.id, placed.team_id.in_(scope.team_ids))
    return and_(condition, member)


def can_see(scope: Scope, user_id: int) -> bool:
    """Say whether the learner is within the manager's scope."""
    return bool(db.session().scalar(select(User.id).where(User.id == user_id, in_scope(scope))))


# A team's learners: its members still in its organisation, counted as learners (a
# correlated subquery).
TEAM_LEARNERS = (
    select(func.count(TeamMember.user_id))
    .join(User, User.id == TeamMember.user_id)
    .where(TeamMember.team_id == Team.id, counted_as_learner(Team.organisation_id))
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


def join_code_in_use(session, code: str) -> bool:
    """Say whether an organisation or a team has the join code, holding the code's lock
    until the transaction ends.

    Organisations and teams share one set of codes: registration looks a code up in both.
    Whatever creates either takes this lock before it looks, so two creations at once
    cannot both take a code: the second waits, then finds the first's.
    """
    from app.services import locks  # locks imports signed_in_user, which imports this module

    locks.lock_name(session, f"join-code:{code}")
    return bool(
        session.scalar(select(Organisation.id).where(Organisation.join_code == code))
        or session.scalar(select(Team.id).where(Team.join_code == code))
    )


def join_code_taken(code: str) -> str:
    """Return what creating an organisation or team with a join code in use is told."""
    return f"The join code {code} is already in use by another organisation or team"


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

    A name the organisation already has, whatever its case and spacing, is refused, also
    when two requests add it at once (a double click): each holds the name's lock while it
    looks, and the INSERT does nothing on the name's unique key, so the one that inserted
    nothing says the team is there. Any other conflict (a join code) still raises.
    """
    session = db.session()
    name = checked_name(session, organisation_id, name)
    problem = join_code_problem(join_code) if join_code else None
    if problem:
        raise TeamError("join_code", problem)
    code = normalise_join_code(join_code or new_join_code())
    if join_code_in_use(session, code):
        raise TeamError("join_code", join_code_taken(code))
    team = session.scalars(
        insert_for(session)(Team)
        .values(
            organisation_id=organisation_id,
            name=name,
            name_key=team_name_key(name),
            join_code=code,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["organisation_id", "name_key"])
        .returning(Team)
    ).one_or_none()
    if team is None:  # added by another request since the check above
        session.rollback()
        raise TeamError("name", name_taken(name))
    audit.record(session, "team.created", actor_id=actor_id, via=via, team=name, team_id=team.id)
    session.commit()
    return team


def checked_name(session, organisation_id: int, name: str, *, renaming: int | None = None) -> str:
    """Return a team's name as stored, or raise TeamError: its rule (names.py), and no other
    team of the organisation (but the one `renaming`) with the same name in any case.

    Holds the name's lock until the transaction ends, so two requests giving one name at
    once (a double click, two tabs) look one after the other.
    """
    from app.services import locks  # locks imports signed_in_user, which imports this module

    name = normalise_team_name(name)
    problem = team_name_problem(name)
    if problem:
        raise TeamError("name", problem)
    key = team_name_key(name)
    locks.lock_name(session, f"team-name:{organisation_id}:{key}")
    # A team whose name clashed before migration 0037 has no key: its name is keyed here.
    clash = select(Team.name, Team.name_key).where(
        Team.organisation_id == organisation_id,
        or_(Team.name_key == key, Team.name_key.is_(None)),
        Team.id != renaming if renaming is not None else literal(True),
    )
    found = session.execute(clash).all()
    taken = next((n for n, k in found if (k or team_name_key(n)) == key), None)
    if taken is not None:
        session.rollback()
        raise TeamError("name", name_taken(taken))
    return name


def name_taken(existing: str) -> str:
    """Return what giving a team a name the organisation has (in any case) is told."""
    return f"There is already a team called {existing}. Enter a different name"
