"""Joining an organisation, or moving to another, with a join code: what it changes, read
for the page that asks the learner to confirm it (the join itself: profile.join_organisation).

As registering does, the page names the organisation (and team, for a team's code) before
anything changes, so a mistyped or wrong code puts nobody's record in front of managers who
should not see it."""

from dataclasses import dataclass

from sqlalchemy import Integer, Row, cast, exists, null, select, union_all
from sqlalchemy.orm import aliased

from app import db
from app.domain.accounts import MAX_JOIN_CODE_LENGTH, normalise_join_code
from app.models import Organisation, User
from app.models_teams import Team, TeamMember
from app.services.accounts import AccountError
from app.services.profile import UNKNOWN_CODE, WHERE_THEY_ARE


@dataclass(frozen=True)
class Joining:
    """A join the learner is asked to confirm: into an organisation (or a team of the one
    they are in), leaving none. `already`: they are in it, so there is nothing to confirm."""

    join_code: str
    joining: str
    team: str | None  # the team the code names
    leaving_id: int | None = None  # the organisation they are in (a team's code of it)
    team_left: str | None = None  # the team they are in, which they leave for `team`
    already: bool = False


@dataclass(frozen=True)
class Moving:
    """A move the learner is asked to confirm: from one organisation to another."""

    join_code: str
    leaving_id: int
    leaving: str
    joining: str
    team: str | None  # the team they are in, which they leave
    supervisor: bool  # named a supervisor where they are: they stop being one there
    joining_team: str | None = None  # the team the code names, which they join


def moving(user_id: int, join_code: str) -> Joining | Moving:
    """Return what joining with `join_code` changes, for the learner to confirm.

    Raises AccountError for a code nobody has, or for a manager (moved by an administrator).
    """
    join_code = normalise_join_code(join_code)
    found = _look_up(user_id, join_code) if 0 < len(join_code) <= MAX_JOIN_CODE_LENGTH else None
    if found is None:
        raise AccountError("join_code", UNKNOWN_CODE)
    if found.organisation_id is None:  # in no organisation
        return Joining(join_code, found.joining, found.joining_team)
    here = found.organisation_id
    if here == found.joining_id and (found.joining_team_id is None or found.in_that_team):
        return Joining(join_code, found.joining, found.joining_team, here, already=True)
    if found.role == "manager":
        raise AccountError("join_code", "Ask an administrator to move a manager's account")
    if here == found.joining_id:
        return Joining(join_code, found.joining, found.joining_team, here, team_left=found.team)
    return Moving(
        join_code,
        here,
        found.organisation,
        found.joining,
        found.team,
        bool(found.supervisor),
        found.joining_team,
    )


def _look_up(user_id: int, join_code: str) -> Row | None:
    """Read the organisation a join code joins (and its team, for a team's code) with where
    the learner is now (profile.WHERE_THEY_ARE), in one statement; None when no organisation
    or team has the code. Organisations and teams share one set of codes."""
    coded = union_all(
        select(
            Organisation.id.label("organisation_id"), cast(null(), Integer).label("team_id")
        ).where(Organisation.join_code == join_code),
        select(Team.organisation_id, Team.id).where(Team.join_code == join_code),
    ).subquery("coded")
    joining = aliased(Organisation, name="joining")
    joining_team = aliased(Team, name="joining_team")
    return (
        db.session()
        .execute(
            select(
                joining.id.label("joining_id"),
                joining.name.label("joining"),
                joining_team.id.label("joining_team_id"),
                joining_team.name.label("joining_team"),
                exists()
                .where(TeamMember.user_id == User.id, TeamMember.team_id == joining_team.id)
                .label("in_that_team"),
                *WHERE_THEY_ARE,
            )
            .select_from(coded)
            .join(joining, joining.id == coded.c.organisation_id)
            .outerjoin(joining_team, joining_team.id == coded.c.team_id)
            .join(User, User.id == user_id)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            # An organisation's code before a team's, as registering reads a code (profile.joins).
            .order_by(coded.c.team_id.is_not(None))
            .limit(1)
        )
        .first()
    )
