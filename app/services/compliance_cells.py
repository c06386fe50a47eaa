"""The compliance matrix's cells in SQL: each learner's binding rule per module, and status.

One cell per learner and assigned module: the strictest of the assignments covering the
learner (earliest due day, shortest renewal), their latest completion of the module, and
its status on the day asked. The status is the one `domain/assignments.standing` gives,
worked out in SQL: a renewal `months` after a completion falls on or before a day when
the completion's month (counted from year 0) plus `months` is before the day's month, or
is the same month and the completion's day of the month is no later than the day's (or
the day is its month's last: a shorter month ends the renewal on its last day), one
comparison of numbers (`renewed_by`). So the statement needs nothing read before it,
and a learner costs no Python at all.
Nothing is stored that can go stale: assignments, teams and completions are read as they are.
"""

from datetime import date, timedelta

from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all

from app.domain import assignments as rules
from app.domain.content import Catalogue
from app.models import Attempt, Completion
from app.models_assignments import Assignment
from app.services import passes
from app.services.assignment_dues import Came, own_due_sql
from app.services.sqlfunctions import day_of_month, month_number

# A completion's day as one number, (month since year 0) * 32 + day of the month, so that
# adding months is adding 32 each and days compare within a month (a day is at most 31).
DAY_SPAN = 32


def renewed_by(on_day, renew_months, limit: date):
    """Return the SQL condition: a completion on `on_day` (see `completions`) renewed
    `renew_months` later is due on or before `limit` (as `rules.add_months` counts)."""
    # The limit's last day of the month takes every day: a shorter month ends a renewal
    # on its last day.
    last = (limit + timedelta(days=1)).day == 1
    asked = (limit.year * 12 + limit.month) * DAY_SPAN + (DAY_SPAN - 1 if last else limit.day)
    return on_day + renew_months * DAY_SPAN <= asked


def _on_day(moment):
    return month_number(moment) * DAY_SPAN + day_of_month(moment)


def completions(learners, catalogue: Catalogue):
    """Return a subquery (user_id, module_slug, at, on_day): each learner's latest completion,
    and its day as `renewed_by` reads it.

    A module with a quiz is complete when it is passed (the latest pass counts, unless its
    certificate was revoked since: services/passes.py); one without, when every item is
    done (the latest item counts).
    """
    assessed = [m.slug for m in catalogue.modules if m.assessment is not None]
    passed = (
        select(
            Attempt.user_id,
            Attempt.module_slug,
            func.max(Attempt.submitted_at).label("at"),
            _on_day(func.max(Attempt.submitted_at)).label("on_day"),
        )
        .join(learners, learners.c.user_id == Attempt.user_id)
        .where(passes.COUNTED, Attempt.module_slug.in_(assessed))
        .group_by(Attempt.user_id, Attempt.module_slug)
    )
    unassessed = {m.slug: len(m.item_keys) for m in catalogue.modules if not m.assessment}
    if not unassessed:
        return passed.subquery("completed")
    items = case(*((Completion.module_slug == slug, count) for slug, count in unassessed.items()))
    done = (
        select(
            Completion.user_id,
            Completion.module_slug,
            func.max(Completion.completed_at).label("at"),
            _on_day(func.max(Completion.completed_at)).label("on_day"),
        )
        .join(learners, learners.c.user_id == Completion.user_id)
        .where(Completion.module_slug.in_(unassessed))
        .group_by(Completion.user_id, Completion.module_slug)
        .having(func.count() >= func.max(items))
    )
    return union_all(passed, done).subquery("completed")


def _team_key(column):
    # Team ids start at 1: 0 stands for "no team", so learners without one join too.
    return func.coalesce(column, 0)


def _joined_key(column):
    # A day no one joined stands for "not late", so learners without one join too.
    return func.coalesce(column, literal(date(1, 1, 1), Date))


def _strictest(column, other, *, nullable: bool):
    # The earlier of two days, the shorter of two renewals; None is "none given".
    earlier = case((or_(other.is_(None), column <= other), column), else_=other)
    return case((column.is_(None), other), else_=earlier) if nullable else earlier


def rules_for(learners, organisation_id: int):
    """Return a subquery (user_id, team, module_slug, due_on, renew_months): binding rules.

    `learners` is a subquery of (user_id, team_id, team, profession, joined_on,
    organisation_on, profession_on). An assignment to a named learner covers them; any other
    covers a team and/or a profession, or everyone. The latter are bound once per team and
    profession (a handful), then joined to learners; and once per day for those who joined
    a team or the organisation, or took a profession, after one of the assignments that
    day counts for fell due (`joined_on`, `organisation_on`, `profession_on`: NULL for the
    rest, compliance_learners.LATE), whose own due date may be later (assignment_dues).
    A module no longer in the course binds too: its cells say so (`cells`).
    """
    mine = Assignment.organisation_id == organisation_id
    late = (learners.c.joined_on, learners.c.organisation_on, learners.c.profession_on)
    pairs = select(learners.c.team_id, learners.c.profession, *late).distinct().subquery("pairs")
    came = Came(pairs.c.joined_on, pairs.c.organisation_on, pairs.c.profession_on)
    shared = (
        select(
            _team_key(pairs.c.team_id).label("team_key"),
            pairs.c.profession,
            *(_joined_key(day).label(f"{day.name}_key") for day in came),
            Assignment.module_slug,
            func.min(own_due_sql(came)).label("due_on"),
            func.min(func.nullif(Assignment.renew_months, 0)).label("renew_months"),
        )
        .join(
            Assignment,
            and_(
                mine,
                Assignment.user_id.is_(None),
                or_(Assignment.team_id.is_(None), Assignment.team_id == pairs.c.team_id),
                or_(Assignment.profession.is_(None), Assignment.profession == pairs.c.profession),
            ),
        )
        .group_by(pairs.c.team_id, pairs.c.profession, *came, Assignment.module_slug)
        .subquery("shared")
    )
    named = (
        select(
            Assignment.user_id,
            Assignment.module_slug,
            func.min(Assignment.due_on).label("due_on"),
            func.min(func.nullif(Assignment.renew_months, 0)).label("renew_months"),
        )
        .where(mine, Assignment.user_id.is_not(None))
        .group_by(Assignment.user_id, Assignment.module_slug)
        .subquery("named")
    )
    by_group = and_(
        shared.c.team_key == _team_key(learners.c.team_id),
        shared.c.profession == learners.c.profession,
        *(shared.c[f"{day.name}_key"] == _joined_key(day) for day in late),
    )
    both = (
        select(
            learners.c.user_id,
            learners.c.team,
            shared.c.module_slug,
            _strictest(shared.c.due_on, named.c.due_on, nullable=False).label("due_on"),
            _strictest(shared.c.renew_months, named.c.renew_months, nullable=True).label(
                "renew_months"
            ),
        )
        .join(shared, by_group)
        .outerjoin(
            named,
            and_(
                named.c.user_id == learners.c.user_id, named.c.module_slug == shared.c.module_slug
            ),
        )
    )
    alone = (
        select(
            learners.c.user_id,
            learners.c.team,
            named.c.module_slug,
            named.c.due_on,
            named.c.renew_months,
        )
        .join(named, named.c.user_id == learners.c.user_id)
        .where(
            ~select(shared.c.module_slug)
            .where(by_group, shared.c.module_slug == named.c.module_slug)
            .exists()
        )
    )
    return union_all(both, alone).subquery("bound")


def cells(learners, organisation_id: int, catalogue: Catalogue, day: date, name: str = "cells"):
    """Return a WITH query, `name`, of every cell: user_id, team (the learner's),
    module_slug, due_on, renew_months, at, status, compliant (1 or 0), on the day asked.

    A module no longer in the course has no completions here (`completions` reads the
    course's modules), so its cells are never compliant.
    """
    bound = rules_for(learners, organisation_id)
    done = completions(learners, catalogue)
    at, renew = done.c.at, bound.c.renew_months
    soon = day + timedelta(days=rules.DUE_SOON_DAYS)

    def before(limit: date):
        # The completion's renewal falls on or before `limit`.
        return renewed_by(done.c.on_day, renew, limit)

    # A module gone from the course is no longer offered, as assignment_standings.standing_in says.
    offered = bound.c.module_slug.in_([m.slug for m in catalogue.modules])
    status = case(
        (~offered, literal(rules.NO_LONGER_OFFERED)),
        (and_(at.is_not(None), renew.is_(None)), literal(rules.COMPLETE)),
        (and_(at.is_not(None), before(day)), literal(rules.EXPIRED)),
        (and_(at.is_not(None), before(soon)), literal(rules.DUE_SOON)),
        (at.is_not(None), literal(rules.COMPLETE)),
        (bound.c.due_on < day, literal(rules.OVERDUE)),
        (bound.c.due_on <= soon, literal(rules.DUE_SOON)),
        else_=literal(rules.ASSIGNED),
    ).label("status")
    compliant = case((and_(at.is_not(None), or_(renew.is_(None), ~before(day))), 1), else_=0).label(
        "compliant"
    )
    return (
        select(
            bound.c.user_id,
            bound.c.team,
            bound.c.module_slug,
            bound.c.due_on,
            bound.c.renew_months,
            at.label("at"),
            status,
            compliant,
        )
        .outerjoin(
            done, and_(done.c.user_id == bound.c.user_id, done.c.module_slug == bound.c.module_slug)
        )
        .cte(name)
    )
