"""What a new assignment meets: the same one already there, kept as it was, and an earlier
one that still binds a learner named.

An assignment is one row per module and target, so assigning a module again to the same
team or learner adds nothing: the one there keeps its due date and renewal, and the manager
is told them (`kept`). A learner named may also have the module through their team, their
profession or everyone: the earliest due date and the shortest renewal bind them
(assignment_standings.binding), and the manager is told when that is not the one just set
(`earlier`). Each is one statement, read only when there is something to say.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from app import db
from app.domain.accounts import PROFESSIONS
from app.domain.content import Catalogue
from app.models import User
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services.assignment_dues import Came, own_due_sql
from app.services.sqlfunctions import uk_date

EVERYONE = "everyone in the organisation"


@dataclass(frozen=True)
class Kept:
    """An assignment asked for again with other terms: it stays as it was."""

    module_title: str
    who: str  # whom it is for, as the assignments list names them
    due_on: date
    renew_months: int | None


@dataclass(frozen=True)
class Earlier:
    """A learner named who has the module through other assignments that bind sooner: one due
    earlier, one renewing more often (None: not so), each with whom it is for."""

    learner: str
    module_title: str
    due_on: date | None = None
    due_through: str = ""  # their team, a profession or everyone in the organisation
    renew_months: int | None = None
    renew_through: str = ""


def _who(team_name: str | None, profession: str | None, person: str | None) -> str:
    who = person or team_name or EVERYONE
    if profession:
        who += f" ({PROFESSIONS.get(profession, profession)}s)"
    return who


def kept(
    organisation_id: int,
    found: list[tuple[str, str]],
    due_on: date,
    renew_months: int | None,
    catalogue: Catalogue,
) -> tuple[Kept, ...]:
    """Return the assignments already there among `found` (module slug, target) whose due
    date or renewal differ from those asked: what stays, in the module's and target's order."""
    if not found:
        return ()
    person = User.__table__.alias("person")
    rows = db.session().execute(
        select(
            Assignment.module_slug,
            Assignment.target,
            Team.name,
            Assignment.profession,
            person.c.full_name,
            Assignment.due_on,
            Assignment.renew_months,
        )
        .outerjoin(Team, Team.id == Assignment.team_id)
        .outerjoin(person, person.c.id == Assignment.user_id)
        .where(
            Assignment.organisation_id == organisation_id,
            Assignment.module_slug.in_({slug for slug, _ in found}),
            Assignment.target.in_({target for _, target in found}),
        )
    )
    there = {(row.module_slug, row.target): row for row in rows}
    asked = (due_on, renew_months or None)
    return tuple(
        Kept(
            catalogue.module(slug).title,
            _who(row.name, row.profession, row.full_name),
            row.due_on,
            row.renew_months,
        )
        for slug, target in found
        if (row := there.get((slug, target))) is not None
        and (row.due_on, row.renew_months or None) != asked
    )


def earlier(
    organisation_id: int,
    learner_ids: list[int],
    slugs: list[str],
    due_on: date,
    renew_months: int | None,
    catalogue: Catalogue,
) -> tuple[Earlier, ...]:
    """Return, for each learner named and module just assigned to them, the assignment to
    their team, profession or everyone that binds sooner: due earlier, or renewing more often.
    By learner's name and the course's order of modules."""
    if not learner_ids or not slugs:
        return ()
    renews_sooner = and_(
        Assignment.renew_months.is_not(None),
        Assignment.renew_months < renew_months if renew_months else Assignment.renew_months > 0,
    )
    teams_of = select(TeamMember.team_id).where(TeamMember.user_id == User.id)
    covers = and_(
        Assignment.organisation_id == organisation_id,
        Assignment.user_id.is_(None),
        or_(Assignment.team_id.is_(None), Assignment.team_id.in_(teams_of)),
        or_(Assignment.profession.is_(None), Assignment.profession == User.profession),
    )
    # Their own date under it: later than its own if they joined its team or organisation, or
    # took its profession, after it fell due.
    theirs = own_due_sql(
        Came(
            select(uk_date(TeamMember.joined_at))
            .where(TeamMember.user_id == User.id)
            .scalar_subquery(),
            uk_date(User.organisation_joined_at),
            uk_date(User.profession_since),
        )
    )
    query = (
        select(
            User.id,
            User.full_name,
            Assignment.module_slug,
            Team.name,
            Assignment.profession,
            theirs.label("due_on"),
            Assignment.renew_months,
        )
        .select_from(User)
        .join(Assignment, covers)
        .outerjoin(Team, Team.id == Assignment.team_id)
        .where(
            User.id.in_(learner_ids),
            Assignment.module_slug.in_(slugs),
            or_(theirs < due_on, renews_sooner),
        )
        .order_by(User.full_name, User.id, theirs, Assignment.renew_months)
    )
    rows = db.session().execute(query).all()
    # One line a learner and module: the earliest date, and the shortest renewal, of those.
    by_pair: dict[tuple[int, str], list] = {}
    rank: dict[int, int] = {}  # each learner's place by name
    for row in rows:
        by_pair.setdefault((row.id, row.module_slug), []).append(row)
        rank.setdefault(row.id, len(rank))
    order = {module.slug: n for n, module in enumerate(catalogue.modules)}
    found = []
    for (_, slug), theirs in sorted(
        by_pair.items(), key=lambda pair: (rank[pair[0][0]], order.get(pair[0][1], len(order)))
    ):
        soonest = min(theirs, key=lambda row: row.due_on)
        shortest = min(
            (row for row in theirs if renews(row.renew_months, renew_months)),
            key=lambda row: row.renew_months,
            default=None,
        )
        dated = soonest if soonest.due_on < due_on else None
        found.append(
            Earlier(
                soonest.full_name,
                catalogue.module(slug).title,
                dated.due_on if dated else None,
                _who(dated.name, dated.profession, None) if dated else "",
                shortest.renew_months if shortest else None,
                _who(shortest.name, shortest.profession, None) if shortest else "",
            )
        )
    return tuple(found)


def renews(theirs: int | None, asked: int | None) -> bool:
    """Say whether a renewal of `theirs` months binds sooner than the one asked."""
    return bool(theirs) and (not asked or theirs < asked)
