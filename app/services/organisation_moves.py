"""Joining an organisation, or moving to another, with a join code: what it changes, read
for the page that asks the learner to confirm it (the join itself: profile.join_organisation).

As registering does, the page names the organisation (and team, for a team's code) before
anything changes, so a mistyped or wrong code puts nobody's record in front of managers who
should not see it."""

from dataclasses import dataclass

from app.domain.accounts import normalise_join_code
from app.services import teams
from app.services.accounts import AccountError
from app.services.profile import joins, where_they_are


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
    organisation, team = joins(join_code)
    join_code = normalise_join_code(join_code)
    team_name = team.name if team else None
    row = where_they_are(user_id)
    if row is None:
        return Joining(join_code, organisation.name, team_name)
    if row[1] == organisation.id:
        now_in = teams.team_of(user_id)
        if team is None or (now_in is not None and now_in.id == team.id):
            return Joining(join_code, organisation.name, team_name, row[1], already=True)
    if row.role == "manager":
        raise AccountError("join_code", "Ask an administrator to move a manager's account")
    if row[1] == organisation.id:
        return Joining(join_code, organisation.name, team_name, row[1], team_left=row[3])
    return Moving(join_code, row[1], row[2], organisation.name, row[3], bool(row[4]), team_name)
