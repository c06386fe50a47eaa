"""For each assignment, the learners it covers for whom its date is not the one that counts.

A learner covered by two assignments of a module is held to the earlier of their own due
dates under them (assignment_standings.binding); a learner who joined a team after its
assignment fell due has a later date of their own under it (assignment_dues). The
assignments list and the withdraw page say how many of each an assignment has (`Reach`),
counted among the learners the manager sees, in the statement that reads the page.
"""

from typing import NamedTuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.models import User
from app.models_assignments import Assignment
from app.models_teams import TeamMember
from app.services.assignment_dues import Came, own_due_sql
from app.services.sqlfunctions import uk_date
from app.services.tagged_rows import branch
from app.services.teams import Scope, in_scope


class Reach(NamedTuple):
    """Of the learners an assignment covers: those another assignment of the module holds to
    an earlier date (`earlier`), and the rest whose own date under it is later than its
    date, having joined its team after that (`own_dates`)."""

    earlier: int = 0
    own_dates: int = 0


def _covers(table):
    # The learner (User, with their TeamMember row) is one the assignment row covers.
    return and_(
        User.organisation_id == table.organisation_id,
        or_(
            table.user_id == User.id,
            and_(
                table.user_id.is_(None),
                or_(table.team_id.is_(None), table.team_id == TeamMember.team_id),
                or_(table.profession.is_(None), table.profession == User.profession),
            ),
        ),
    )


def _counts(scope: Scope, listed):
    """Return (listed, its id, the two counts): one row per assignment of `listed` (an
    alias of Assignment) that covers a learner the manager sees."""
    other = aliased(Assignment)
    came = Came(
        uk_date(TeamMember.joined_at),
        uk_date(User.organisation_joined_at),
        uk_date(User.profession_since),
    )
    mine = own_due_sql(came, listed)
    earlier = (
        select(other.id)
        .where(
            _covers(other),
            other.module_slug == listed.module_slug,
            other.id != listed.id,
            own_due_sql(came, other) < mine,
        )
        .exists()
    )
    later = and_(~earlier, mine != listed.due_on)
    return (
        select(
            listed.id,
            func.sum(case((earlier, 1), else_=0)),
            func.sum(case((later, 1), else_=0)),
        )
        .select_from(User)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .join(listed, _covers(listed))
        .where(in_scope(scope))
        .group_by(listed.id)
    )


def reach_branch(scope: Scope):
    """Return the branch of "reach" rows (numbers: assignment id, earlier, own dates) of the
    organisation's assignments."""
    listed = aliased(Assignment, name="listed")
    mine = listed.organisation_id == scope.organisation_id
    counts = _counts(scope, listed).where(mine).subquery("reach")
    ids, first, second = counts.c
    return branch("reach", number=(ids, first, second))


def reach_of(found) -> dict[int, Reach]:
    """Return each assignment's Reach from the rows `reach_branch` read."""
    return {row.number[0]: Reach(*row.number[1:3]) for row in found.get("reach", ())}


def reach_columns(scope: Scope, assignment_id):
    """Return the two counts of one assignment (the withdraw page's) as scalar subqueries."""
    listed = aliased(Assignment, name="listed")
    counts = _counts(scope, listed).where(listed.id == assignment_id).subquery("reach")
    return tuple(
        func.coalesce(select(column).scalar_subquery(), 0) for column in list(counts.c)[1:]
    )
