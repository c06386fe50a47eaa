"""Supervisors' confirmations of practice in competencies that have since left the framework.

A trainer may take a competency out of `competencies/*.yaml`. The learner's profile then
has no row for it, but a supervisor's confirmation is a record of what they saw: the
profile lists it apart, by the name its decision recorded, counted in no total.

A decision made before decisions recorded their framework and wording (migration 0025) on
a competency already out of every framework file at that upgrade recorded neither: the
database holds its code, who decided and when, not which framework it was in nor its name
(names were kept only from migration 0039 on, of competencies the frameworks still had).
It is listed all the same (`framework_not_recorded`), saying what was not recorded, by the
name the competency last had in a framework file where one was ever recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    String,
    cast,
    func,
    literal,
    null,
    select,
)

from app.domain.content import Catalogue
from app.domain.frameworks import Framework
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.competency_names import last_name
from app.services.learner_rows import SELF
from app.services.rating_reads import aware
from app.services.tagged_rows import Row, branch

CONFIRMED = "confirmed"

# The name decided on; else, for one decided before names were kept, the name the
# competency last had in a framework file (read for that row alone).
_NAME = func.coalesce(
    ConfirmationDecision.competency_name, last_name(ConfirmationRequest.competency_code)
)

# texts: competency, its name and framework as decided; number: the request;
# time: when decided. Every confirmation the learner holds: `no_longer_in` keeps those
# whose competency has left the framework.
CONFIRMATIONS = (
    branch(
        "confirmation",
        text=(ConfirmationRequest.competency_code, _NAME, ConfirmationDecision.framework_title),
        number=(ConfirmationRequest.id,),
        at=(ConfirmationDecision.decided_at,),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .where(ConfirmationRequest.user_id == SELF, ConfirmationDecision.outcome == CONFIRMED)
)


def _none(type_):
    return cast(null(), type_)


# The same rows in the competencies page's own layout (services/my_competencies_rows.py): kind,
# code, six texts, a real, a whole number, two flags, three times, a document, a day.
PAGE_BRANCH = (
    select(
        literal("confirmation"),
        ConfirmationRequest.competency_code,
        _NAME,
        ConfirmationDecision.framework_title,
        _none(String),
        _none(String),
        _none(String),
        _none(String),
        _none(Float),
        ConfirmationRequest.id,
        _none(Boolean),
        _none(Boolean),
        ConfirmationDecision.decided_at,
        _none(DateTime),
        _none(DateTime),
        _none(JSON),
        _none(Date),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .where(ConfirmationRequest.user_id == SELF, ConfirmationDecision.outcome == CONFIRMED)
)


class Confirmation(NamedTuple):
    """A supervisor's confirmation of practice, named as its decision recorded it."""

    request_id: int
    code: str
    name: str | None  # None: decided before the decision kept the wording
    framework_title: str | None  # None: decided before the decision kept it (0025)
    decided_at: datetime


def from_rows(rows: Iterable[Row]) -> list[Confirmation]:
    """Return the confirmations a CONFIRMATIONS branch read."""
    return [Confirmation(row.number[0], *row.text[:3], aware(row.at[0])) for row in rows]


def no_longer_in(
    framework: Framework, confirmations: Iterable[Confirmation], catalogue: Catalogue
) -> tuple[Confirmation, ...]:
    """Return the latest confirmation of each competency of this framework no framework has now."""
    latest: dict[str, Confirmation] = {}
    for found in sorted(confirmations, key=lambda c: (c.decided_at, c.request_id)):
        if found.framework_title == framework.title and catalogue.competency(found.code) is None:
            latest[found.code] = found
    return tuple(sorted(latest.values(), key=lambda c: c.code))


def framework_not_recorded(
    confirmations: Iterable[Confirmation], catalogue: Catalogue, listed: Iterable[Confirmation]
) -> tuple[Confirmation, ...]:
    """Return the latest confirmation of each competency no framework has now whose decision
    recorded no framework, leaving out those `listed` (by `no_longer_in`) already."""
    done = {c.code for c in listed}
    latest: dict[str, Confirmation] = {}
    for found in sorted(confirmations, key=lambda c: (c.decided_at, c.request_id)):
        if (
            found.framework_title is None
            and found.code not in done
            and catalogue.competency(found.code) is None
        ):
            latest[found.code] = found
    return tuple(sorted(latest.values(), key=lambda c: c.code))
