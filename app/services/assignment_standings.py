"""Where each learner stands in the modules assigned to them, worked out on the day asked.

A learner's binding rule per module is the strictest of the assignments that cover them
(`learner_rules`, `binding`); their standing comes from it and their latest completion of
the module (`completion_dates`): nothing is stored that can go stale.
"""

from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import func, select

from app import db
from app.domain import assignments as rules
from app.domain.content import Catalogue
from app.domain.dates import uk_day
from app.models import Attempt, Completion, User
from app.models_assignments import Assignment
from app.models_teams import TeamMember
from app.services import assignment_dues as dues
from app.services import passes
from app.services.assignment_rows import offered


def standing_in(
    rule: rules.Rule, completed_on: date | None, on: date, catalogue: Catalogue
) -> rules.Standing:
    """Return where a learner stands on an assigned module, on every page that shows it.

    A module no longer in the course is "no longer offered": listed, never due or overdue,
    counted in no figure, until its assignment is withdrawn. The compliance matrix's SQL
    (compliance_cells.cells) gives the same status.
    """
    return rules.standing(rule, completed_on, on, offered=offered(rule.module_slug, catalogue))


# A learner as `learner_rules` takes them: read from User with their TeamMember outer-joined.
LEARNER = (
    User.id,
    TeamMember.team_id,
    User.profession,
    TeamMember.joined_at,
    User.organisation_joined_at,
    User.profession_since,
)


def learner_rules(organisation_id: int, learners) -> dict[int, list[rules.Rule]]:
    """Return each learner's binding rule per module: learners are (id, team, profession,
    when they joined the team, when they joined the organisation, when they took the
    profession), as LEARNER reads them; a learner who came under an assignment after it
    fell due has their own due date under it (assignment_dues.own_due)."""
    session = db.session()
    assigned = session.execute(
        select(
            Assignment.module_slug,
            Assignment.team_id,
            Assignment.profession,
            Assignment.user_id,
            Assignment.due_on,
            Assignment.renew_months,
            Assignment.assigned_at,
        ).where(Assignment.organisation_id == organisation_id)
    ).all()
    named = defaultdict(list)
    for row in assigned:
        if row.user_id is not None:
            named[row.user_id].append(Assigned(row.module_slug, row.due_on, row.renew_months))
    shared = [row for row in assigned if row.user_id is None]
    # Learners of one team and profession share their rules: worked out once per pair.
    groups: dict[tuple, list] = {}
    found: dict[int, list[rules.Rule]] = {}
    for learner_id, team_id, profession, *came in learners:
        if (team_id, profession) not in groups:
            groups[team_id, profession] = [
                row
                for row in shared
                if rules.applies(
                    team_id=row.team_id,
                    profession=row.profession,
                    user_id=None,
                    learner_id=learner_id,
                    learner_team=team_id,
                    learner_profession=profession,
                )
            ]
        mine = [
            Assigned(
                row.module_slug,
                dues.own_due(row, dues.Came(*came)),
                row.renew_months,
            )
            for row in groups[team_id, profession]
        ] + named.get(learner_id, [])
        found[learner_id] = _binding(tuple(mine)) if mine else []
    return found


def binding(rows: tuple) -> list[rules.Rule]:
    """Return the rule that binds per module, from assignment rows (module_slug, due_on, renew)."""
    return _binding(rows)


@lru_cache(maxsize=1024)
def _binding(rows: tuple) -> list[rules.Rule]:
    by_module = defaultdict(list)
    for row in rows:
        by_module[row.module_slug].append(rules.Rule(row.module_slug, row.due_on, row.renew_months))
    return [rules.strictest(found) for found in by_module.values()]


def completion_dates(learner_condition, catalogue: Catalogue) -> dict[tuple[int, str], date]:
    """Return each learner's latest completion day per module (two queries)."""
    session = db.session()
    found: dict[tuple[int, str], date] = {}
    for user_id, slug, at in session.execute(
        select(Attempt.user_id, Attempt.module_slug, func.max(Attempt.submitted_at))
        .join(User, User.id == Attempt.user_id)
        .where(learner_condition, passes.COUNTED)
        .group_by(Attempt.user_id, Attempt.module_slug)
    ):
        module = catalogue.module(slug)
        if module is not None and module.assessment is not None:
            found[user_id, slug] = _day(at)
    unassessed = {m.slug: len(m.item_keys) for m in catalogue.modules if not m.assessment}
    if unassessed:
        for user_id, slug, count, at in session.execute(
            select(
                Completion.user_id,
                Completion.module_slug,
                func.count(),
                func.max(Completion.completed_at),
            )
            .join(User, User.id == Completion.user_id)
            .where(learner_condition, Completion.module_slug.in_(unassessed))
            .group_by(Completion.user_id, Completion.module_slug)
        ):
            if count >= unassessed[slug]:
                found[user_id, slug] = _day(at)
    return found


def for_learner(user_id: int, catalogue: Catalogue, on: date) -> list[rules.Standing]:
    """Return the learner's assigned modules and where they stand on a day, soonest due first."""
    session = db.session()
    row = session.execute(
        select(*LEARNER, User.organisation_id)
        .outerjoin(TeamMember, TeamMember.user_id == User.id)
        .where(User.id == user_id)
    ).one()
    if row.organisation_id is None:
        return []
    bound = learner_rules(row.organisation_id, [tuple(row)[: len(LEARNER)]])[row.id]
    if not bound:
        return []
    done = completion_dates(User.id == user_id, catalogue)
    return rules.in_due_order(
        standing_in(rule, done.get((user_id, rule.module_slug)), on, catalogue) for rule in bound
    )


class Assigned(NamedTuple):
    """An assignment covering a learner: its module, due day and renewal."""

    module_slug: str
    due_on: date
    renew_months: int | None


def learner_standings(
    assigned: list[Assigned], completed_on: dict[str, date], catalogue: Catalogue, on: date
) -> list[rules.Standing]:
    """Return where a learner stands in the modules assigned to them, soonest due first.

    `completed_on` is their latest completion day per module.
    """
    return rules.in_due_order(
        standing_in(rule, completed_on.get(rule.module_slug), on, catalogue)
        for rule in binding(tuple(assigned))
    )


def _day(moment) -> date:
    return uk_day(moment)
