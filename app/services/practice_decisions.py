"""Supervisors' decisions on a learner's practice, for the manager's learner page.

The manager reads, beside each competency's practice, who last decided on it (confirmed it
or returned it with an action plan), when, until when a confirmation is valid, and what the
supervisor wrote. Read as a branch of the page's one statement (drilldown.PAGE_ROWS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case

from app.domain.dates import day
from app.models_practice import ConfirmationDecision, ConfirmationRequest
from app.services.learner_rows import SELF
from app.services.rating_reads import aware
from app.services.retired_confirmations import CONFIRMED
from app.services.tagged_rows import Row, branch

KIND = "decision"

# texts: the competency, the outcome, who decided, their comments and action plan;
# numbers: the request, whether the decision recorded its validity; times: when decided,
# until when a confirmation is valid.
DECISIONS = (
    branch(
        KIND,
        text=(
            ConfirmationRequest.competency_code,
            ConfirmationDecision.outcome,
            ConfirmationDecision.decided_by_name,
            ConfirmationDecision.comments,
            ConfirmationDecision.action_plan,
        ),
        number=(
            ConfirmationRequest.id,
            case((ConfirmationDecision.validity_recorded, 1), else_=0),
        ),
        at=(ConfirmationDecision.decided_at, ConfirmationDecision.valid_until),
    )
    .join(ConfirmationDecision, ConfirmationDecision.request_id == ConfirmationRequest.id)
    .where(ConfirmationRequest.user_id == SELF)
)


@dataclass(frozen=True)
class Decision:
    """A supervisor's decision on a request to confirm practice, as it was recorded."""

    code: str
    confirmed: bool  # else returned with an action plan
    decided_by: str
    decided_at: datetime
    validity: str  # a confirmation's "valid until 7 December 2029" or "expired on ..."
    lapsed: bool  # a confirmation whose recorded end has passed: it no longer confirms
    comments: str
    action_plan: str
    # A return's latest confirmation before it: a renewal returned ends no confirmation, so
    # while the practice stands "Confirmed" the page names the confirmation it stands on.
    confirmation: Decision | None = None


def latest_by_code(rows: Iterable[Row], now: datetime) -> dict[str, Decision]:
    """Return each competency's latest decision from the rows DECISIONS read (a return with
    the latest confirmation before it)."""
    latest: dict[str, Decision] = {}
    confirmations: dict[str, Decision] = {}
    for row in sorted(rows, key=lambda r: (aware(r.at[0]), r.number[0])):
        code, outcome, decided_by, comments, action_plan = row.text[:5]
        confirmed = outcome == CONFIRMED
        ends = aware(row.at[1])
        until = validity(ends, bool(row.number[1]), now) if confirmed else ""
        latest[code] = Decision(
            code,
            confirmed,
            decided_by,
            aware(row.at[0]),
            until,
            confirmed and ends is not None and ends <= now,
            comments or "",
            action_plan or "",
            None if confirmed else confirmations.get(code),
        )
        if confirmed:
            confirmations[code] = latest[code]
    return latest


def validity(ends: datetime | None, recorded: bool, now: datetime) -> str:
    """Say until when a confirmation is valid, to follow "Confirmed by ... on ...,": "valid
    until 7 December 2029", or "expired on ..." once that day has passed, so a lapsed
    confirmation is not read as still valid."""
    if not recorded:
        return "how long it is valid not recorded (confirmed before Linkwise kept it)"
    if ends is None:
        return "with no end date"
    return f"expired on {day(ends)}" if ends <= now else f"valid until {day(ends)}"
