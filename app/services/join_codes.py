"""Replacing a join code that has leaked: the organisation's, or one of its teams'.

A new code is made as creating an organisation or team makes one (`teams.join_code_in_use`
holds the new code's lock while it looks, so two replacements at once never take one code),
and set by an UPDATE that names the code the manager's form replaces: of two sends of one
form (a double click, the back button, two tabs) the first changes the code and the second
finds it changed, changes nothing and is told the code now. On PostgreSQL the second UPDATE
waits for the first's row and then reads the committed code; SQLite has one writer at a time.
Learners already in stay; the old code is then a code no one has.

Sign-ups waiting for their email confirmation that gave the old code (they record it,
migration 0042) are taken out of the organisation by the same transaction: they become
sign-ups into no organisation, and the page that finishes them says why. The code's row is
updated first, then theirs, in the order a sign-up takes them: registering checks the code is
still its owner's under the owner's row lock before it adds its row, and confirming locks the
owner's row before it rereads where its sign-up joins (registration.py). So a sign-up or a
confirmation racing a replacement either comes before it (it is in, and not counted) or
after it (it joins nothing), never halfway; taking the rows in one order, none deadlocks.
"""

from dataclasses import dataclass

from sqlalchemy import select, update

from app import db
from app.domain.accounts import new_join_code, normalise_join_code
from app.models import Organisation, PendingRegistration, utcnow
from app.models_teams import Team
from app.services import audit
from app.services.teams import Scope, join_code_in_use, team_seen

# A fresh code of eight from 32 characters is taken by chance about once in 10^12 tries.
_TRIES = 5


@dataclass(frozen=True)
class Replaced:
    """The join code now; `already` when the form's code had been replaced before."""

    code: str
    was: str
    name: str  # the organisation's or the team's
    already: bool = False
    # Sign-ups waiting to confirm their email address that gave the old code: they now join
    # no organisation.
    sign_ups: int = 0


def organisation_code(scope: Scope) -> str | None:
    """Return the organisation's join code for a manager of the whole organisation, else None."""
    if not scope.whole_organisation:
        return None
    return db.session().scalar(
        select(Organisation.join_code).where(Organisation.id == scope.organisation_id)
    )


def replace_organisation_code(scope: Scope, was: str, *, actor_id: int) -> Replaced | None:
    """Give the organisation a new join code in place of `was`; audited.

    None when the manager is confined to teams (the organisation's code is not theirs).
    """
    if not scope.whole_organisation:
        return None
    found = Organisation.id == scope.organisation_id
    done = _replaced(Organisation, found, was, PendingRegistration.organisation_id)
    if done is not None and not done.already:
        audit.record(
            db.session(),
            "organisation.code_replaced",
            actor_id=actor_id,
            organisation_id=scope.organisation_id,
            was=done.was,
            code=done.code,
            sign_ups=done.sign_ups,
        )
        db.session().commit()
    return done


def replace_team_code(scope: Scope, team_id: int, was: str, *, actor_id: int) -> Replaced | None:
    """Give one of the manager's teams a new join code in place of `was`; audited.

    None when the team is not one the manager sees (another organisation's, or gone).
    """
    done = _replaced(
        Team, (Team.id == team_id) & team_seen(scope), was, PendingRegistration.team_id
    )
    if done is not None and not done.already:
        audit.record(
            db.session(),
            "team.code_replaced",
            actor_id=actor_id,
            organisation_id=scope.organisation_id,
            team_id=team_id,
            team=done.name,
            was=done.was,
            code=done.code,
            sign_ups=done.sign_ups,
        )
        db.session().commit()
    return done


def _replaced(table, found, was: str, joined_by) -> Replaced | None:
    """Set a new code on the row `found` selects while its code is still `was`, and take the
    sign-ups waiting with that code out of it (`joined_by`: their column naming the row);
    leave the transaction open when it did (the caller audits and commits), else end it."""
    session = db.session()
    was = normalise_join_code(was)
    code = _unused_code(session)
    changed = session.execute(
        update(table)
        .where(found, table.join_code == was)
        .values(join_code=code)
        .returning(table.id, table.join_code, table.name)
        .execution_options(synchronize_session=False)
    ).first()
    if changed is not None:
        owner, code, name = changed
        return Replaced(code, was, name, sign_ups=_sign_ups_let_go(session, joined_by, owner, was))
    session.rollback()  # the new code's lock goes: nothing was changed
    current = session.execute(select(table.join_code, table.name).where(found)).first()
    session.rollback()
    return None if current is None else Replaced(current[0], was, current[1], already=True)


def _unused_code(session) -> str:
    """Return a fresh join code no organisation or team has, holding its lock."""
    for _ in range(_TRIES):
        code = new_join_code()
        if not join_code_in_use(session, code):
            return code
    raise RuntimeError("no unused join code found")  # the code space would be nearly full


def _sign_ups_let_go(session, joined_by, owner: int, was: str) -> int:
    """Take the waiting sign-ups that gave the code `was` of `owner` out of its organisation
    (and team); return how many. Matched by the code they gave, not by where they join: an
    organisation's sign-up in no team may have given a team's code, the team since deleted."""
    return session.execute(
        update(PendingRegistration)
        .where(
            joined_by == owner,
            PendingRegistration.join_code == was,
        )
        .values(organisation_id=None, team_id=None, join_code_replaced_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
