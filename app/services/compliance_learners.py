"""Which learners the compliance matrix keeps, in SQL, and the retired columns they take.

The team and profession filters keep learners (`learners`, and `listing` with each one's
place by name); a status asked keeps those of them with a cell in it (`chosen`). A team is
applied on the page only when the manager sees it. The matrix's retired competencies'
columns (`retired_columns`) are those of every learner kept, on every page.
"""

from dataclasses import dataclass

from sqlalchemy import Integer, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.domain import assignments as rules
from app.models import User
from app.models_assignments import Assignment
from app.models_counts import DashboardCountChange
from app.models_teams import Team, TeamMember
from app.services import dashboard_counts, retired_held
from app.services.sqlfunctions import uk_date
from app.services.teams import Scope, in_scope, team_seen

TEAM_ID = bindparam("team_id", type_=Integer)
NO_TEAM = "No team"


def team_name(user_id):
    """Return, in SQL, the name of the team of the learner with this id (NULL: none, which
    the downloads call NO_TEAM)."""
    return (
        select(Team.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user_id)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Filters:
    """What the page shows: a team, a profession, learners with a cell in a status."""

    team_id: int | None = None
    profession: str = ""
    status: str = ""
    framework_id: str = ""  # competency columns for this framework too


def where(scope: Scope, filters: Filters, ids=None, *, seen_only=False, in_team=None) -> list:
    """Return the conditions on `User` for the learners the team and profession filters keep
    (of `ids` alone, when given). `in_team`: the condition that a learner is in the team
    asked, when the statement joins no `TeamMember` row to `User` (the joined row's team)."""
    found = [in_scope(scope)]
    if filters.team_id is not None:
        team = TeamMember.team_id == TEAM_ID if in_team is None else in_team
        found.append(_team_asked(scope, team, seen_only))
    if filters.profession:
        found.append(User.profession == filters.profession)
    if ids is not None:
        found.append(User.id.in_(ids))
    return found


def _team_asked(scope: Scope, team, seen_only: bool):
    # The condition `team` of the team asked; with `seen_only`, only of a team the manager
    # sees: any other is not applied (the page offers none).
    if not seen_only:
        return team
    seen = select(Team.id).where(team_seen(scope), Team.id == TEAM_ID)
    return or_(~seen.exists(), team)


def learners(scope: Scope, filters: Filters, ids=None, *, seen_only=False):
    """Return the learners the filters keep, narrow: what their cells and figures need."""
    return (
        select(
            User.id.label("user_id"),
            User.profession,
            TeamMember.team_id,
            func.coalesce(Team.name, NO_TEAM).label("team"),
            *(day.label(name) for name, day in zip(LATE, _came_late(), strict=True)),
        )
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(*where(scope, filters, ids, seen_only=seen_only))
    )


# The columns `learners` gives the days they came late under: compliance_cells.rules_for.
LATE = ("joined_on", "organisation_on", "profession_on")


def _came_late():
    # The UK days the learner joined their team and organisation and took their profession,
    # each when that was after one of the assignments it counts for fell due (their own due
    # date may differ: assignment_dues.own_due_sql); else NULL, so learners of a team and
    # profession share their rules (compliance_cells.rules_for).
    joined_on = uk_date(TeamMember.joined_at)
    organisation_on = uk_date(User.organisation_joined_at)
    profession_on = uk_date(User.profession_since)
    shared = and_(Assignment.organisation_id == User.organisation_id, Assignment.user_id.is_(None))
    late = (
        select(Assignment.id).where(
            Assignment.team_id == TeamMember.team_id, Assignment.due_on < joined_on
        ),
        select(Assignment.id).where(
            shared, Assignment.team_id.is_(None), Assignment.due_on < organisation_on
        ),
        select(Assignment.id).where(
            shared, Assignment.profession == User.profession, Assignment.due_on < profession_on
        ),
    )
    days = (joined_on, organisation_on, profession_on)
    return tuple(case((found.exists(), day)) for found, day in zip(late, days, strict=True))


def listing(scope: Scope, filters: Filters, chosen, *, seen_only=False):
    """Return the learners the filters keep, each with their place by name, as rows show them."""
    kept = where(scope, filters, seen_only=seen_only)
    if chosen is not None:
        kept.append(User.id.in_(select(chosen.c.user_id)))
    return (
        select(
            User.id.label("user_id"),
            User.full_name,
            User.email,
            User.profession,
            func.coalesce(Team.name, NO_TEAM).label("team"),
            func.row_number().over(order_by=(User.full_name, User.id)).label("place"),
        )
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(*kept)
    )


def chosen_by_status(learners, cells, status: str):
    """Return the learners with a cell in the status asked (all of them when none is)."""
    if not status:
        return learners
    if status == rules.NOT_ASSIGNED:
        # Not assigned one of the modules some learner here has: fewer cells than modules.
        modules = select(func.count(func.distinct(cells.c.module_slug))).scalar_subquery()
        full = select(cells.c.user_id).group_by(cells.c.user_id).having(func.count() >= modules)
        keep = and_(learners.c.user_id.not_in(full), modules > 0)
    else:
        keep = learners.c.user_id.in_(select(cells.c.user_id).where(cells.c.status == status))
    return select(learners).where(keep).cte("chosen")


def retired_columns(scope: Scope, filters: Filters, chosen, known: list[str], *, seen_only=False):
    """Return the branch of the retired competencies' columns (retired_held.column_branch)
    of every learner the filters keep, `chosen` those of them a status asked keeps (None:
    none asked), so that every page of one filtered matrix has the same.

    The kept counts name the codes rated among the team and profession asked; with no
    status asked they count just the learners kept.
    """
    # No team row is joined to the learner here: theirs is looked up by their id.
    placed = aliased(TeamMember)
    in_team = exists().where(placed.user_id == User.id, placed.team_id == TEAM_ID)
    kept = where(scope, filters, seen_only=seen_only, in_team=in_team)
    if chosen is not None:
        kept.append(User.id.in_(select(chosen.c.user_id)))
    counts = []
    if filters.team_id is not None:
        counts.append(_team_asked(scope, DashboardCountChange.team_id == TEAM_ID, seen_only))
    professions = {filters.profession} if filters.profession else None
    rated = dashboard_counts.rated_codes(scope, professions, *counts)
    return retired_held.column_branch(scope.organisation_id, kept, known, rated, chosen is None)
