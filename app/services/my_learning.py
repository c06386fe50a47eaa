"""My learning in one statement: completions, certificates, passes and assignments together.

The page is read on every visit, so it costs the sign-in's statement and this one. Each row
says what it is in its first column; the assignments are those whose target covers the
learner (by name, or their team and profession within their organisation).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from app import db
from app.domain import assignments as rules
from app.domain.content import Module
from app.models import Attempt, Certificate, Completion, User
from app.models_assignments import Assignment
from app.models_teams import TeamMember
from app.services import passes
from app.services.assignment_standings import binding, standing_in
from app.services.learning import MyModule, module_state


def _none(type_):
    # Typed NULLs, so every branch of the union agrees on its columns on PostgreSQL too.
    return cast(null(), type_)


_SELF = bindparam("user_id")
_ORGANISATION = select(User.organisation_id).where(User.id == _SELF).scalar_subquery()
_PROFESSION = select(User.profession).where(User.id == _SELF).scalar_subquery()
_TEAMS = select(TeamMember.team_id).where(TeamMember.user_id == _SELF)

_MY_LEARNING = union_all(
    select(
        literal("done"),
        Completion.module_slug,
        Completion.item_key,
        Completion.completed_at,
        _none(Date),
        _none(Integer),
    ).where(Completion.user_id == _SELF),
    select(
        literal("certificate"),
        Certificate.module_slug,
        _none(String),
        _none(DateTime),
        _none(Date),
        _none(Integer),
    ).where(Certificate.user_id == _SELF, Certificate.withdrawn_at.is_(None)),
    # The latest pass of each quiz that counts: an assignment that renews counts from it.
    select(
        literal("passed"),
        Attempt.module_slug,
        _none(String),
        func.max(Attempt.submitted_at),
        _none(Date),
        _none(Integer),
    )
    .where(Attempt.user_id == _SELF, passes.COUNTED)
    .group_by(Attempt.module_slug),
    select(
        literal("assigned"),
        Assignment.module_slug,
        _none(String),
        _none(DateTime),
        Assignment.due_on,
        Assignment.renew_months,
    ).where(
        Assignment.organisation_id == _ORGANISATION,
        or_(
            Assignment.user_id == _SELF,
            and_(
                Assignment.user_id.is_(None),
                or_(Assignment.team_id.is_(None), Assignment.team_id.in_(_TEAMS)),
                or_(Assignment.profession.is_(None), Assignment.profession == _PROFESSION),
            ),
        ),
    ),
)


class _Assigned(NamedTuple):
    module_slug: str
    due_on: date
    renew_months: int | None


def overview(user_id: int, catalogue, on: date) -> tuple[tuple[MyModule, ...], list]:
    """Return every module's state and the learner's assignments on a day (one statement)."""
    done: dict[str, set[str]] = defaultdict(set)
    done_at: dict[str, list] = defaultdict(list)
    certified, passed, assigned = set(), {}, []
    for kind, slug, key, at, due_on, renew in (
        db.session().connection().execute(_MY_LEARNING, {"user_id": user_id})
    ):
        if kind == "done":
            done[slug].add(key)
            done_at[slug].append(at)
        elif kind == "certificate":
            certified.add(slug)
        elif kind == "passed":
            passed[slug] = at
        else:
            assigned.append(_Assigned(slug, due_on, renew))
    modules = tuple(
        MyModule(module_state(m, frozenset(done.get(m.slug, ()))), m.slug in certified)
        for m in catalogue.modules
    )
    standings = []
    for rule in binding(tuple(assigned)):
        module = catalogue.module(rule.module_slug)
        completed = _completed_on(module, passed, done, done_at) if module else None
        standings.append(standing_in(rule, completed, on, catalogue))
    return modules, rules.in_due_order(standings)


def _completed_on(module: Module, passed, done, done_at) -> date | None:
    # A module with a quiz is complete when it is passed; one without, when every item is done.
    if module.assessment is not None:
        at = passed.get(module.slug)
    elif len(done.get(module.slug, ())) >= len(module.item_keys):
        at = max(done_at[module.slug])
    else:
        at = None
    return _day(at) if at is not None else None


def _day(moment) -> date:
    return moment.date() if hasattr(moment, "date") else moment
