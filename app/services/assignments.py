"""Assigning modules to teams, professions or named learners, and the assignments' rows.

An assignment is one row per module and target; the unique key makes a second submit
(a double click, another tab) add nothing. Where each learner stands is worked out in
assignment_standings.py.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from app import db
from app.domain import assignments as rules
from app.domain.accounts import PROFESSIONS, normalise_email
from app.domain.content import Catalogue
from app.domain.dates import uk_today
from app.models import User
from app.models_assignments import Assignment
from app.models_teams import Team
from app.services import assignment_overlaps, audit
from app.services.teams import Scope, in_scope, team_in
from app.services.upsert import insert_for

MAX_EMAILS = 200
# The email addresses field, in characters, read no further: room for MAX_EMAILS addresses
# of a usual length and their separators. A longer paste is refused before it is split (and
# not sent back in the page: a 200 KB paste used to come back three times).
MAX_EMAILS_TEXT = 20_000


class AssignmentError(ValueError):
    """What is wrong with an assignment form: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# The answers to the form's "Who must do it": a team (no team_id: everyone in the
# organisation), or learners named by their email addresses.
TEAM, LEARNERS = "team", "learners"
# The team list's answer for everyone in the organisation (offered to its managers only).
# Its blank answer, "Choose a team", chooses nobody: everyone is never a default.
EVERYONE = "everyone"


@dataclass(frozen=True)
class Request:
    """What a manager asked to assign, to whom, by when."""

    modules: tuple[str, ...]  # module slugs, or "framework:<id>" for all its modules
    due_on: date | None
    renew_months: int | None = None
    team_id: int | None = None
    profession: str | None = None
    emails: tuple[str, ...] = ()
    # A manager's form refuses a due date before this (today): learners would be overdue,
    # and reminded, the moment it is set. Seeding and scripted scenarios leave it out.
    earliest_due: date | None = None
    due_error: str | None = None  # why the fields typed give no due date (rules.due_date)
    emails_error: str | None = None  # why the addresses typed were not read (too long)
    # The form's choice, TEAM or LEARNERS; None when it chose neither, which assigns nothing
    # (it once meant everyone in the organisation). Emails given name learners whatever this
    # says: a script assigning to learners need not say so twice.
    who: str | None = TEAM
    # False when the form's team list was left on "Choose a team": nobody is assigned, and
    # the manager is asked to choose (no team_id alone still means everyone, for scripts).
    team_chosen: bool = True


def changeable_by(scope: Scope, table=Assignment):
    """Return the SQL condition for 'an assignment this manager may withdraw'.

    A manager of the whole organisation may withdraw any of its assignments; one confined
    to teams, those for a team of theirs (a profession within it included) and those for a
    learner they see. The withdrawal, its confirmation and the assignments page all ask
    this; `table` may be AssignmentWithdrawal, whose rows keep an assignment's columns.
    """
    mine = table.organisation_id == scope.organisation_id
    if scope.whole_organisation:
        return mine
    learners = select(User.id).where(in_scope(scope))
    return and_(mine, or_(table.team_id.in_(scope.team_ids), table.user_id.in_(learners)))


def binding_within(scope: Scope):
    """Return the SQL condition for 'an assignment that may bind a learner this manager sees'.

    Beside those the manager may withdraw (`changeable_by`), a manager confined to teams is
    bound by those set for the whole organisation, or for a profession across it, as the
    compliance matrix (compliance_cells.rules_for) binds their learners.
    """
    if scope.whole_organisation:
        return changeable_by(scope)
    everyone = and_(
        Assignment.organisation_id == scope.organisation_id,
        Assignment.team_id.is_(None),
        Assignment.user_id.is_(None),
    )
    return or_(changeable_by(scope), everyone)


def today() -> date:
    """Return today's date in the UK: the default clock of every rule here."""
    return uk_today()


def expand_modules(choices, catalogue: Catalogue) -> list[str]:
    """Return the module slugs chosen, a framework standing for each of its modules."""
    slugs: list[str] = []
    for choice in choices:
        if choice.startswith("framework:"):
            framework = catalogue.framework(choice.removeprefix("framework:"))
            codes = {c.code for c in framework.competencies} if framework else set()
            found = [m.slug for m in catalogue.modules if codes & set(m.competency_codes)]
        else:
            found = [choice] if catalogue.module(choice) else []
        slugs += [slug for slug in found if slug not in slugs]
    return slugs


@dataclass(frozen=True)
class Assigned:
    """What an assignment request did: how many it added and found there already, those
    found there with another due date or renewal (kept as they were), and the learners named
    whom another assignment of the module binds sooner (assignment_overlaps.py)."""

    added: int
    already: int
    kept: tuple[assignment_overlaps.Kept, ...] = ()
    earlier: tuple[assignment_overlaps.Earlier, ...] = ()


def assign(
    scope: Scope,
    actor_id: int | None,
    asked: Request,
    catalogue: Catalogue,
    *,
    via: str = "web",
) -> Assigned:
    """Add the assignments asked for; say what was added and what was there. One transaction.

    The event names its actor: the manager signed in, or the command line (`via` "cli",
    no actor) for a seed or a script.
    """
    session = db.session()
    errors, slugs = {}, expand_modules(asked.modules, catalogue)
    if not slugs:
        errors["modules"] = "Select at least one module"
    targets = _targets(scope, asked, errors)  # before the due date: the form's order
    if asked.due_on is None:
        errors["due"] = asked.due_error or rules.ENTER_DUE
    elif asked.earliest_due is not None and asked.due_on < asked.earliest_due:
        errors["due"] = "The date the learning is due must be today or in the future"
    if errors:
        raise AssignmentError(errors)
    try:
        added, there, named = _insert(scope, actor_id, asked, catalogue, slugs, targets)
    except IntegrityError:
        session.rollback()
        if _team_gone(targets):  # deleted while this was written: as one deleted before
            raise AssignmentError({"team": "Select one of your teams"}) from None
        raise
    # A request that finds every assignment made (a second tab, a double click, the same
    # form sent at once) changes nothing and audits nothing. The team is named as it was
    # called then (a team renamed or deleted later is still read); learners stay ids, named
    # when the log is read, so an erased learner's name is not kept here.
    if added:
        team_id = next((t["team_id"] for t in targets if t.get("team_id")), None)
        team = session.get(Team, team_id) if team_id else None  # read by _targets already
        audit.record(
            session,
            "assignment.added",
            actor_id=actor_id,
            via=via,
            modules=", ".join(slugs),
            targets=", ".join(t["target"] for t in targets),
            due_on=asked.due_on.isoformat(),
            renew_months=asked.renew_months or 0,
            added=added,
            **({"team": team.name} if team is not None else {}),
        )
    overlaps = assignment_overlaps  # read before the commit: as this request left them
    kept = overlaps.kept(scope.organisation_id, there, asked.due_on, asked.renew_months, catalogue)
    earlier = overlaps.earlier(
        scope.organisation_id, named, slugs, asked.due_on, asked.renew_months, catalogue
    )
    session.commit()
    return Assigned(added, len(there), kept, earlier)


def _insert(scope, actor_id, asked, catalogue, slugs, targets) -> tuple[int, list, list]:
    """Insert each module's assignment to each target, but those there already; return how
    many were added, the (module, target) pairs there, and the learners named in those added."""
    session = db.session()
    insert = insert_for(session)
    added, there, named = 0, [], []
    for slug in slugs:
        for target in targets:
            row = session.execute(
                insert(Assignment)
                .values(
                    organisation_id=scope.organisation_id,
                    module_slug=slug,
                    # What names it once the module has left the course (migration 0041).
                    module_title=catalogue.module(slug).title,
                    assigned_by=actor_id,
                    due_on=asked.due_on,
                    renew_months=asked.renew_months or None,
                    **target,
                )
                .on_conflict_do_nothing(index_elements=["organisation_id", "module_slug", "target"])
                .returning(Assignment.id)
            ).first()
            added += row is not None
            if row is None:
                there.append((slug, target["target"]))
            elif target.get("user_id") is not None and target["user_id"] not in named:
                named.append(target["user_id"])
    return added, there, named


def _team_gone(targets: list[dict]) -> bool:
    """Say whether the team an assignment was for is no longer there."""
    team_id = next((t["team_id"] for t in targets if t.get("team_id")), None)
    found = select(Team.id).where(Team.id == team_id)
    return team_id is not None and db.session().scalar(found) is None


def _targets(scope: Scope, asked: Request, errors: dict) -> list[dict]:
    session = db.session()
    if asked.who not in (TEAM, LEARNERS):
        errors["who"] = "Select who must do it"
        return []
    if asked.who == LEARNERS or asked.emails or asked.emails_error:
        if asked.emails_error:
            errors["emails"] = asked.emails_error
            return []
        if not asked.emails:
            errors["emails"] = "Enter at least one email address"
            return []
        if len(asked.emails) > MAX_EMAILS:
            errors["emails"] = f"Enter {MAX_EMAILS} email addresses or fewer at a time"
            return []
        wanted = {normalise_email(e) for e in asked.emails}
        found = dict(
            session.execute(
                select(User.email, User.id).where(User.email.in_(wanted), in_scope(scope))
            ).all()
        )
        missing = sorted(wanted - set(found))
        if missing:
            errors["emails"] = not_found(scope, missing)
        return [{"target": rules.target_key(user_id=i), "user_id": i} for i in found.values()]
    if asked.team_id is None:  # everyone in the organisation, or nobody chosen
        if not scope.whole_organisation:
            errors["team"] = "Select one of your teams"
        elif not asked.team_chosen:
            errors["team"] = "Select a team, or everyone in the organisation"
    elif team_in(scope, asked.team_id) is None:
        errors["team"] = "Select one of your teams"
    if asked.profession and asked.profession not in PROFESSIONS:
        errors["profession"] = "Select a profession from the list"
    key = rules.target_key(team_id=asked.team_id, profession=asked.profession)
    return [{"target": key, "team_id": asked.team_id, "profession": asked.profession or None}]


def not_found(scope: Scope, missing: list[str]) -> str:
    """Return the message naming every address no learner the manager sees has."""
    where = "your organisation" if scope.whole_organisation else "your teams"
    if len(missing) == 1:
        return f"No learner in {where} has the email address {missing[0]}. Check it or remove it"
    return (
        f"No learner in {where} has these {len(missing)} email addresses: "
        f"{', '.join(missing)}. Check them or remove them"
    )
