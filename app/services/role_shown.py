"""What a role change's confirmation page said the person was, checked again under their lock
when the change is confirmed: a page opened before another administrator changed their role,
organisation or teams changes nothing, and says what they are now."""

from dataclasses import dataclass

from sqlalchemy import select

from app import db
from app.domain.accounts import a_role
from app.domain.numbers import whole_number
from app.models import Organisation, User
from app.models_teams import Team, TeamManager
from app.security import MAX_ID
from app.services.accounts import AccountError
from app.services.locks import lock_people
from app.services.request_closures import lock_for_closing


class ChangedMeanwhile(AccountError):
    """The person is not now what the confirmation page said: nothing was changed."""


@dataclass(frozen=True)
class Shown:
    """What the confirmation page said the person was, as its form sends it back: their
    role, their organisation's id ("" for none) and the ids of the teams they were kept to
    as a manager ("," between them)."""

    role: str
    organisation: str
    teams: str

    @classmethod
    def from_form(cls, form) -> "Shown | None":
        """Return what the form says the page showed; None from a page drawn without it."""
        if "shown_role" not in form:
            return None
        return cls(
            form.get("shown_role", "")[:20],
            form.get("shown_organisation", "")[:20],
            form.get("shown_teams", "")[:2000],
        )

    def team_ids(self) -> set[int] | None:
        """Return the teams' ids; None when the text is not a list of them."""
        parts = [part for part in self.teams.split(",") if part]
        ids = {whole_number(part, most=MAX_ID) for part in parts}
        return None if None in ids else ids


_WHAT = {
    "role": "their role",
    "organisation": "their organisation",
    "teams": "the teams they are kept to",
}


def refuse_changed_since(person, shown: Shown, *, role: str, into: int | None) -> None:
    """Lock the person as the role change will (account_admin.set_role: as one leaving their
    organisation locks them, when moving them `into` another), then roll back and raise
    ChangedMeanwhile unless their role, organisation and teams are what the page showed, or
    already what was asked (the same change made a moment ago: a double click, two tabs)."""
    session = db.session()
    if into is not None:
        lock_for_closing(person.id)
    else:
        lock_people(session, User.id == person.id)
    now = session.execute(
        select(User.role, User.organisation_id, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id == person.id)
    ).one()
    teams = session.execute(
        select(Team.id, Team.name)
        .join(TeamManager, TeamManager.team_id == Team.id)
        .where(TeamManager.user_id == person.id)
        .order_by(Team.name)
    ).all()
    if now.role == role and into in (None, now.organisation_id):
        return  # made already: the change says so, and records nothing
    changed = [
        what
        for what, differs in (
            ("role", shown.role != now.role),
            ("organisation", shown.organisation != str(now.organisation_id or "")),
            ("teams", shown.team_ids() != {team.id for team in teams}),
        )
        if differs
    ]
    if not changed:
        return
    session.rollback()
    where = f" of {now.name}" if now.name else ""
    kept = f", kept to {', '.join(team.name for team in teams)}" if teams else ""
    said = " and ".join(_WHAT[what] for what in changed)
    raise ChangedMeanwhile(
        "role",
        f"{said[:1].upper()}{said[1:]} changed after this page was opened: {person.full_name} "
        f"is now {a_role(now.role)}{where}{kept}. Nothing was changed. Check what the change "
        "does now, then confirm it again",
    )
