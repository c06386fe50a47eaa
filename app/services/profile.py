"""A learner's own account details: name, profession, registration number, organisation
(their email address: services/email_changes.py)."""

from collections.abc import Mapping
from dataclasses import dataclass
from types import EllipsisType

from sqlalchemy import exists, func, select

from app import db
from app.domain.accounts import PROFESSIONS, normalise_registration_number
from app.models import Organisation, User, utcnow
from app.models_practice import (
    ConfirmationClosure,
    ConfirmationDecision,
    ConfirmationRequest,
)
from app.models_teams import Team
from app.services import audit, learner_rows, leavers, locks, team_members, teams
from app.services.accounts import AccountError, organisation_for_code
from app.services.request_closures import close_outside_framework, lock_for_closing

DETAILS = ("full_name", "profession", "registration_number")


@dataclass(frozen=True)
class DetailsSaved:
    """What a save of the details form did, and the details as they now stand."""

    changed: tuple[str, ...]  # the fields written (and audited), in order
    # Fields the form changed that had been changed elsewhere since it was drawn: not
    # written. Each maps to its value now.
    conflicts: dict[str, str | None]
    current: dict[str, str | None]


def _as_stored(key: str, value: str | None) -> str | None:
    if key == "profession":
        return value or ""
    if key == "registration_number":
        return normalise_registration_number(value or "") or None
    return (value or "").strip()


def update_details(
    user_id: int,
    *,
    full_name: str,
    profession: str,
    registration_number: str,
    shown: Mapping[str, str | None] | None = None,
) -> DetailsSaved:
    """Change the name, profession and registration number the form changed.

    `shown` holds what each field showed when the form was drawn. A field the form left as
    it showed is not written, so a tab opened earlier never puts back an old value. A field
    it changed that was changed elsewhere since is not written either: it comes back in
    `conflicts` with its value now, for the learner to decide. Without `shown` (a caller
    that is not a form), every field is as given. The audit log names what changed.
    """
    session = db.session()
    if profession not in PROFESSIONS:
        raise AccountError("profession", "Select your profession")
    # Saves of one account's details run one after another: each compares with what the
    # one before it committed.
    locks.lock_learner(session, user_id)
    user = session.get(User, user_id, populate_existing=True)
    entered = {
        "full_name": full_name,
        "profession": profession,
        "registration_number": registration_number,
    }
    changed, conflicts = [], {}
    for key in DETAILS:
        new, now = _as_stored(key, entered[key]), getattr(user, key)
        # Compared as they would be stored: a value saved before it was trimmed (or, for
        # a number, put in capitals) stays as it was until the learner changes it.
        stored = _as_stored(key, now)
        was = stored if shown is None else _as_stored(key, shown.get(key))
        if new in (was, stored):
            continue  # not changed by this form, or already as it says
        if stored != was:
            conflicts[key] = now
            continue
        setattr(user, key, new)
        if key == "profession":  # a profession's assignments give their time from today
            user.profession_since = utcnow()
        changed.append(key)
    if changed:
        # The values stay out of the log: it is kept longer than the account may be.
        audit.record(session, "account.details_changed", actor_id=user_id, fields=changed)
    if "profession" in changed:
        # Requests for a competency the new framework does not hold have nothing left to
        # decide: closed with the change, under the learner's lock (a decision waits for it).
        session.flush()
        close_outside_framework(user_id, user.profession, actor_id=user_id)
    current = {key: getattr(user, key) for key in DETAILS}
    session.commit()
    return DetailsSaved(tuple(changed), conflicts, current)


_NAMES = {
    "full_name": ("Your full name", "the name entered here"),
    "profession": ("Your profession", "the profession selected here"),
    "registration_number": ("Your registration number", "the number entered here"),
}


def changed_elsewhere(key: str, now: str | None) -> str:
    """Say that a field was changed elsewhere since the form was drawn, and to what."""
    field, here = _NAMES[key]
    if now is None:
        happened = f"{field} was removed"
    else:
        value = PROFESSIONS.get(now, now) if key == "profession" else now
        happened = f"{field} was changed to “{value}”"
    return (
        f"{happened} in another tab or window after this page was opened, so your change was "
        f"not saved. Save again to replace it with {here}"
    )


@dataclass(frozen=True)
class Joined:
    """The organisation a learner joined: `already` when they were in it (nothing changed)."""

    organisation: str
    already: bool = False
    # The learner is no longer in the organisation the move was confirmed from (they left
    # or moved in another tab): nothing changed. The organisation they are in now, if any.
    moved_since: bool = False
    now_in: str | None = None
    team: str | None = None  # the team a team's join code puts them in
    # What is assigned to them there now: (module title, where they stand), soonest due first.
    assigned: tuple = ()


UNKNOWN_CODE = "We do not recognise that join code. Check it with your manager"


def joins(join_code: str) -> tuple[Organisation, Team | None]:
    """Return the organisation a join code joins, and its team when it is a team's code (as
    registering reads it); AccountError when no organisation or team has the code."""
    organisation = organisation_for_code(join_code)
    team = None
    if organisation is None:
        team = teams.team_for_code(join_code)
        organisation = team and db.session().get(Organisation, team.organisation_id)
    if organisation is None:
        raise AccountError("join_code", UNKNOWN_CODE)
    return organisation, team


def join_organisation(
    user_id: int, join_code: str, *, leaving: int | None | EllipsisType = ...
) -> Joined:
    """Join the organisation a code belongs to (and its team, for a team's code); its
    managers then see this learner.

    Joining the organisation (and team) they are in changes nothing and writes no audit row;
    two at once (a double click) take the learner's lock in turn, so the second finds them
    in it. `leaving` is the organisation the learner confirmed moving out of, None for none
    (the check page, organisation_moves.py): if they are elsewhere by now, nothing changes.
    Left out (a script, a test's world), the learner moves from wherever they are.
    """
    session = db.session()
    organisation, team = joins(join_code)
    # Moving leaves the organisation they are in: locked as leaving locks them.
    lock_for_closing(user_id)
    if team is not None and not team_members.still_there(team.id):
        session.rollback()  # deleted since the code was looked up: as a code not recognised
        raise AccountError("join_code", UNKNOWN_CODE)
    user = session.get(User, user_id, populate_existing=True)
    in_team = team is not None and getattr(teams.team_of(user_id), "id", None) == team.id
    if user.organisation_id == organisation.id and (team is None or in_team):
        session.rollback()
        return Joined(organisation.name, already=True, team=team and team.name)
    if user.role == "manager":
        session.rollback()
        raise AccountError("join_code", "Ask an administrator to move a manager's account")
    left = user.organisation.name if user.organisation else None
    if leaving is not ... and user.organisation_id != leaving:
        session.rollback()
        return Joined(organisation.name, moved_since=True, now_in=left)
    if user.organisation_id != organisation.id:
        _move(user, organisation.id)
        audit.record(
            session,
            "organisation.joined",
            actor_id=user_id,
            organisation=organisation.name,
            **({"left": left} if left else {}),
        )
    if team is not None:
        team_members.put_in_team(user, team)
        audit.record(session, "team.joined", actor_id=user_id, team=team.name, team_id=team.id)
    session.commit()
    assigned = team_members.assigned_now(user_id)
    return Joined(organisation.name, team=team and team.name, assigned=assigned)


@dataclass(frozen=True)
class Leaving:
    """What leaving their organisation changes for a learner: the confirmation page."""

    organisation_id: int
    organisation: str
    team: str | None
    supervisor: bool  # named a supervisor there: they can no longer confirm practice
    waiting: int  # requests waiting for them to confirm, closed when they leave


@dataclass(frozen=True)
class Left:
    """The outcome of leaving: `already` when they were no longer in it (nothing changed)."""

    organisation: str
    already: bool = False
    now_in: str | None = None  # the organisation they are in instead, if any


# Where a learner is: their role, organisation id and name, team, and whether they are named
# a supervisor there. Columns of a statement that reads User with their Organisation joined:
# where_they_are, and the join code's look-up (organisation_moves.moving).
WHERE_THEY_ARE = (
    User.role,
    Organisation.id.label("organisation_id"),
    Organisation.name.label("organisation"),
    learner_rows.TEAM_NAME.label("team"),
    learner_rows.IS_SUPERVISOR.label("supervisor"),
)


def where_they_are(user_id: int):
    """Return the learner's role, organisation id and name, team, whether they are named a
    supervisor there and how many requests wait for them; None when in no organisation.

    One statement, read by the page that asks before leaving (leaving).
    """
    waiting = (
        select(func.count(ConfirmationRequest.id))
        .where(
            ConfirmationRequest.supervisor_id == User.id,
            ConfirmationRequest.organisation_id == User.organisation_id,
            ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
            ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
        )
        .scalar_subquery()
    )
    return (
        db.session()
        .execute(
            select(*WHERE_THEY_ARE, waiting)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == user_id)
        )
        .first()
    )


def leaving(user_id: int) -> Leaving | None:
    """Return what leaving their organisation would change; None when they are in none."""
    row = where_they_are(user_id)
    if row is None:
        return None
    if row.role == "manager":
        raise AccountError("organisation", "Ask an administrator to move a manager's account")
    return Leaving(row[1], row[2], row[3], bool(row[4]), row[5] or 0)


def leave_organisation(user_id: int, organisation_id: int) -> Left:
    """Leave the organisation the learner confirmed leaving; its managers no longer see them.

    They leave as a manager's removal would take them (leavers.leave_organisation: a leaver
    row, their team, their waiting requests there closed). The statement that takes them out
    names that organisation, so a second request (a double click, a stale tab, one sent
    after joining another) finds them out of it and changes nothing: no second audit event.
    """
    session = db.session()
    user = session.get(User, user_id)
    if user.role == "manager":
        raise AccountError("organisation", "Ask an administrator to move a manager's account")
    name = session.scalar(select(Organisation.name).where(Organisation.id == organisation_id))
    taken = leavers.leave_organisation(
        user_id, organisation_id, actor_id=user_id, within=(User.role != "manager",)
    )
    if taken is None:
        session.expire(user)  # read again: another request may have just taken them out
        now_in = user.organisation.name if user.organisation else None
        return Left(name or "your organisation", already=True, now_in=now_in)
    audit.record(session, "organisation.left", actor_id=user_id, organisation=name)
    session.commit()
    return Left(name)


def _move(user: User, organisation_id: int) -> None:
    # Out of the one they are in as a leaver (its requests closed, its team left), then in,
    # their competency levels with them: the dashboard counts them by organisation, so
    # each organisation's figures still add up. Evidence keeps the organisation it was
    # recorded in: that is history.
    leavers.move(user, organisation_id, actor_id=user.id)
