"""The managers' team pages in one statement each, read as tagged rows (see `tagged_rows`).

The manager's scope comes with the signed-in user, so each page is that statement and this
one: the teams with who has left, one team with its learners, the managers with the teams,
and the assignments with the teams; a learner's removal is confirmed by
removal_confirmation.py (which records the visit in the statement that reads it), and the
compliance page reads its teams with its matrix (services/compliance.py). Rows keep the
order the database sorts them in (a place number per branch), as the separate reads did.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Select, bindparam, func

from app.domain.content import Catalogue
from app.models import Organisation, User
from app.models_assignments import Assignment
from app.models_teams import Leaver, Team, TeamManager, TeamMember
from app.services import assignments, module_titles, tagged_rows
from app.services.assignment_reach import reach_branch, reach_of
from app.services.assignment_rows import AssignedRow, assigned_row, left_columns
from app.services.leavers import leaver_seen
from app.services.tagged_rows import Row, branch
from app.services.teams import TEAM_LEARNERS, Scope, TeamRow, in_scope, team_seen

_TEAM_ID = bindparam("team_id")


class TeamShown(NamedTuple):
    """The team one team's page is about."""

    id: int
    name: str
    join_code: str


class Member(NamedTuple):
    """A learner of a team, as its page lists them."""

    id: int
    full_name: str
    email: str
    profession: str | None


class LeaverShown(NamedTuple):
    """Someone who left the organisation, and when."""

    full_name: str
    team_name: str | None
    left_at: object
    team_recorded: bool = True  # False: which team they left is not known (migration 0031)


class TeamsPage(NamedTuple):
    """The teams the manager sees, who has left, and the organisation's join code (None for a
    manager confined to teams: it joins learners to the organisation, outside their teams)."""

    teams: list[TeamRow]
    leavers: list[LeaverShown]
    organisation_code: str | None = None


class TeamPage(NamedTuple):
    """One team and its learners."""

    team: TeamShown
    members: list[Member]


class ManagersPage(NamedTuple):
    """The organisation's managers, (id, name, email, teams confined to), and its teams."""

    managers: list[tuple]
    teams: list[TeamRow]


class AssignmentsPage(NamedTuple):
    """The assignments that bind the manager's learners, and the teams to assign to.

    `assigned` are those the manager may withdraw; `set_by_organisation`, those that bind
    their learners but only a manager of the whole organisation may withdraw (set for
    everyone, or a profession across the organisation). Each soonest due first.
    """

    assigned: list[AssignedRow]
    set_by_organisation: list[AssignedRow]
    teams: list[TeamRow]


def teams_branch(scope: Scope) -> Select:
    """Return the tagged rows ("team") of the teams the manager sees (`team_rows` reads them)."""
    # texts: name, join code; numbers: id, learners, place by name.
    return branch(
        "team",
        text=(Team.name, Team.join_code),
        number=(Team.id, TEAM_LEARNERS, func.row_number().over(order_by=Team.name)),
    ).where(team_seen(scope))


def team_rows(found: dict[str, list[Row]]) -> list[TeamRow]:
    """Return the teams read by `teams_branch`, by name."""
    return [
        TeamRow(row.number[0], row.text[0], row.text[1], row.number[1])
        for row in _in_place(found, "team", 2)
    ]


def _in_place(found: dict[str, list[Row]], kind: str, place: int) -> list[Row]:
    return sorted(found.get(kind, ()), key=lambda row: row.number[place])


def teams_page(scope: Scope) -> TeamsPage:
    """Return the teams the manager sees, with their learner counts, and who has left."""
    # texts: name, the team they left; number: place, newest first; time: when they left;
    # flag: whether the team they left is recorded.
    leavers = (
        branch(
            "leaver",
            text=(User.full_name, Leaver.team_name),
            number=(func.row_number().over(order_by=(Leaver.left_at.desc(), Leaver.id.desc())),),
            at=(Leaver.left_at,),
            flag=(Leaver.team_recorded,),
        )
        .join(User, User.id == Leaver.user_id)
        .where(leaver_seen(scope))
    )
    # text: the join code.
    code = branch("organisation", text=(Organisation.join_code,)).where(
        Organisation.id == scope.organisation_id
    )
    found = tagged_rows.read(
        (teams_branch(scope), leavers, *((code,) if scope.whole_organisation else ()))
    )
    return TeamsPage(
        team_rows(found),
        [
            LeaverShown(*row.text[:2], row.at[0], bool(row.flag[0]))
            for row in _in_place(found, "leaver", 0)
        ],
        next((row.text[0] for row in found.get("organisation", ())), None),
    )


def team_page(scope: Scope, team_id: int) -> TeamPage | None:
    """Return one of the manager's teams with its learners by name; None if not theirs."""
    # texts: name, join code; number: id.
    team = branch("this", text=(Team.name, Team.join_code), number=(Team.id,)).where(
        Team.id == _TEAM_ID, team_seen(scope)
    )
    # texts: name, email, profession; numbers: id, place by name.
    members = (
        branch(
            "member",
            text=(User.full_name, User.email, User.profession),
            number=(User.id, func.row_number().over(order_by=(User.full_name, User.id))),
        )
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == _TEAM_ID, in_scope(scope))
    )
    found = tagged_rows.read((team, members), team_id=team_id)
    if not found.get("this"):
        return None
    this = found["this"][0]
    return TeamPage(
        TeamShown(this.number[0], *this.text[:2]),
        [Member(row.number[0], *row.text[:3]) for row in _in_place(found, "member", 1)],
    )


def managers_page(scope: Scope) -> ManagersPage:
    """Return the organisation's managers with the teams each is confined to, and its teams."""
    # numbers: manager, team.
    confined = (
        branch("confined", number=(TeamManager.user_id, TeamManager.team_id))
        .join(Team, Team.id == TeamManager.team_id)
        .where(Team.organisation_id == scope.organisation_id)
    )
    # texts: name, email; numbers: id, place by name.
    managers = branch(
        "manager",
        text=(User.full_name, User.email),
        number=(User.id, func.row_number().over(order_by=(User.full_name, User.id))),
    ).where(User.organisation_id == scope.organisation_id, User.role == "manager")
    found = tagged_rows.read((confined, managers, teams_branch(scope)))
    teams_of: dict[int, list[int]] = {}
    for row in found.get("confined", ()):
        teams_of.setdefault(row.number[0], []).append(row.number[1])
    return ManagersPage(
        [
            (row.number[0], *row.text[:2], tuple(teams_of.get(row.number[0], ())))
            for row in _in_place(found, "manager", 1)
        ],
        team_rows(found),
    )


def assignments_page(scope: Scope, catalogue: Catalogue) -> AssignmentsPage:
    """Return the assignments that bind the manager's learners, soonest due first, split by
    whether the manager may withdraw them, and the teams they may assign to."""
    person = User.__table__.alias("person")
    left, left_at = left_columns(person, Assignment)
    place = func.row_number().over(
        order_by=(Assignment.due_on, Assignment.module_slug, Assignment.id)
    )
    # texts: module, profession, team, learner, their email; numbers: id, renew months, place;
    # day: due;
    # flag: the manager may withdraw it, the named learner has left; at: when they left.
    assigned = (
        branch(
            "assignment",
            text=(
                Assignment.module_slug,
                Assignment.profession,
                Team.name,
                person.c.full_name,
                person.c.email,
            ),
            number=(Assignment.id, Assignment.renew_months, place),
            day=(Assignment.due_on,),
            flag=(assignments.changeable_by(scope), left),
            at=(left_at,),
        )
        .outerjoin(Team, Team.id == Assignment.team_id)
        .outerjoin(person, person.c.id == Assignment.user_id)
        .where(assignments.binding_within(scope))
    )
    found = tagged_rows.read((assigned, reach_branch(scope), teams_branch(scope)))
    mine, theirs, rows = [], [], list(_in_place(found, "assignment", 2))
    reach = reach_of(found)  # for how many learners each one's date is not theirs
    # A module gone from the course is named as last recorded: one statement more, then.
    titles = module_titles.titles_of((row.text[0] for row in rows), catalogue)
    for row in rows:
        reached = reach.get(row.number[0], (0, 0))
        shown = assigned_row(
            row.number[0],
            *row.text[:4],
            row.day[0],
            row.number[1],
            catalogue,
            titles,
            reached,
            email=row.text[4],
            left=row.flag[1],
            left_at=row.at[0],
        )
        (mine if row.flag[0] else theirs).append(shown)
    return AssignmentsPage(mine, theirs, team_rows(found))
