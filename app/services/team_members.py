"""Learners into teams: joining a team by its code, or placed in one by a manager.

A learner is in one team at most: joining or being placed in another moves them out of the
one they were in. Of two changes at once (a double click), the second waits for the
learner's lock and finds the first one's work done.
"""

from dataclasses import dataclass

from sqlalchemy import select

from app import db
from app.content import catalogue as course
from app.domain.accounts import email_problem, normalise_email, normalise_join_code
from app.domain.assignments import Standing
from app.domain.dates import uk_today
from app.domain.email_lists import one_address
from app.models import User, utcnow
from app.models_assignments import Assignment
from app.models_teams import Team, TeamMember
from app.services import audit
from app.services.assignment_standings import for_learner
from app.services.leavers import move_records
from app.services.locks import lock_learner
from app.services.module_titles import titles_of
from app.services.teams import Scope, TeamError, team_for_code, team_in


class NotRecognised(TeamError):
    """A team code that names no team of the learner's organisation (or none at all): a
    failed guess. A code of another organisation's team gets the very words a code nobody
    has gets, so the form tells nobody which codes exist; `in_organisation` says the page
    may add how to move to another organisation."""

    def __init__(self, in_organisation: bool):
        message = NOT_IN_YOUR_ORGANISATION if in_organisation else UNKNOWN_TEAM_CODE
        super().__init__("join_code", message)
        self.in_organisation = in_organisation


UNKNOWN_TEAM_CODE = "We do not recognise that team code. Check it with your manager"
NOT_IN_YOUR_ORGANISATION = (
    "We do not recognise that team code in your organisation. Check it with your manager"
)


class JoinsOrganisation(TeamError):
    """A team code given by a learner in no organisation: joining the team joins its
    organisation, which they confirm first (organisation_moves), as on Your organisation."""


WRONG_FORMAT = "Enter the learner's email address in the correct format, like name@example.org"


@dataclass(frozen=True)
class Placed:
    """A learner put in a team: `already` when they were in it (nothing changed)."""

    team: Team
    full_name: str
    already: bool = False
    left: str | None = None  # the team they were in before, by name
    # What the team's assignments ask of them now: (module title, where they stand).
    assigned: tuple[tuple[str, Standing], ...] = ()


def lock_person(user_id: int) -> None:
    """Take the person's row lock (locks.lock_learner): every change of whom they belong to
    waits for the one before, so of two at once the second finds the first's work done."""
    lock_learner(db.session(), user_id)


def still_there(team_id: int) -> bool:
    """Say whether the team is there still, and keep it there until the transaction ends.

    Read once the learner's lock is held: FOR KEY SHARE waits for a deletion under way (it
    locks the team FOR UPDATE) and then finds the team gone, or holds that deletion off until
    the learner's membership is written, which it then finds. SQLite has one writer at a
    time: the learner's lock took it, so no deletion is under way.
    """
    found = select(Team.id).where(Team.id == team_id).with_for_update(read=True, key_share=True)
    return db.session().scalar(found) is not None


def join_by_code(user_id: int, join_code: str) -> Placed:
    """Put a learner in the team whose join code they gave, in the organisation they are in;
    JoinsOrganisation for a learner in none (they confirm joining it first).

    Joining the team they are in changes nothing and writes no audit row; two at once (a
    double click) take the learner's lock in turn, so the second finds them in it.
    """
    session = db.session()
    if not normalise_join_code(join_code):
        raise TeamError("join_code", "Enter the team code")
    team = team_for_code(join_code)
    if team is None:
        raise NotRecognised(session.get(User, user_id).organisation_id is not None)
    lock_person(user_id)
    user = session.get(User, user_id, populate_existing=True)
    if not still_there(team.id):  # deleted while this waited: as if the code were made up
        session.rollback()
        raise NotRecognised(user.organisation_id is not None)
    if user.organisation_id not in (None, team.organisation_id):
        session.rollback()
        raise NotRecognised(in_organisation=True)
    if user.organisation_id is None:
        session.rollback()
        raise JoinsOrganisation("join_code", "Confirm the organisation first")
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
    email = normalise_email(one_address(email))  # "Jane Smith <jane.smith@nhs.net>" too
    if not email:
        raise TeamError("email", "Enter the learner's email address")
    found = session.scalar(select(User.id).where(User.email == email))
    if found is not None:
        lock_person(found)
        if not still_there(team.id):  # deleted since it was read: not one of theirs now
            session.rollback()
            raise LookupError(team_id)
    user = session.get(User, found, populate_existing=True) if found is not None else None
    visible = user is not None and user.role == "learner"
    visible = visible and user.organisation_id == scope.organisation_id
    current = _member_of(user.id) if visible else None
    if not visible:
        session.rollback()
        # Asked only of an address no learner has: one stored before the rules changed
        # is never refused for its form.
        if email_problem(email):
            raise TeamError("email", WRONG_FORMAT)
        raise TeamError("email", "There is no learner with that email address in your organisation")
    if not scope.whole_organisation and current is not None and current not in scope.team_ids:
        session.rollback()
        raise TeamError(
            "email",
            "That learner is in a team you do not manage. Ask that team's manager, or a "
            "manager of the whole organisation, to move them",
        )
    if current == team.id:
        session.rollback()
        return Placed(team, user.full_name, already=True)
    left = session.get(Team, current).name if current is not None else None
    _place(user, team, placed_by=actor_id)
    audit.record(
        session, "team.placed", actor_id=actor_id, subject_id=user.id, via=via, team=team.name
    )
    session.commit()
    return Placed(team, user.full_name, left=left, assigned=assigned_here(user.id, team.id))


def assigned_here(user_id: int, team_id: int) -> tuple[tuple[str, Standing], ...]:
    """Return the modules the team's assignments give the learner, each with where they stand
    today (their own due date, as every page shows it), soonest due first."""
    slugs = set(
        db.session().scalars(select(Assignment.module_slug).where(Assignment.team_id == team_id))
    )
    return assigned_now(user_id, slugs)


def assigned_now(user_id: int, slugs=None) -> tuple[tuple[str, Standing], ...]:
    """Return the modules assigned to the learner (of `slugs` alone, when given), each with
    where they stand today (their own due date, as every page shows it), soonest due first:
    what a learner who joins by a code is told (profile.join_organisation, registering)."""
    catalogue = course()
    found = [
        s
        for s in for_learner(user_id, catalogue, uk_today())
        if slugs is None or s.module_slug in slugs
    ]
    titles = titles_of([s.module_slug for s in found], catalogue)
    return tuple((titles[s.module_slug], s) for s in found)


def _member_of(user_id: int) -> int | None:
    """Return the team the learner is in now (read afresh, not from the session's rows)."""
    return db.session().scalar(select(TeamMember.team_id).where(TeamMember.user_id == user_id))


def put_in_team(user: User, team: Team) -> None:
    """Put a learner who asked (joined with the team's code) in the team; the caller audits."""
    _place(user, team, placed_by=None)


def _place(user: User, team: Team, *, placed_by: int | None) -> None:
    session = db.session()
    if user.organisation_id is None:
        move_records(user.id, team.organisation_id)
        user.organisation_id, user.organisation_joined_at = team.organisation_id, utcnow()
    member = session.get(TeamMember, user.id, populate_existing=True)
    if member is None:
        session.add(TeamMember(user_id=user.id, team_id=team.id, placed_by=placed_by))
    else:
        # Joined afresh: a team's assignment past due gives them its time from today.
        member.team_id, member.placed_by, member.joined_at = team.id, placed_by, utcnow()
