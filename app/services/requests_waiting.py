"""Requests waiting for a supervisor's decision: how many, as their own pages say it.

My competencies and My learning each count them in the statement they already run; both
count by these conditions, so the two pages agree. A page shows the count only to a
supervisor of their organisation now (read with the signed-in user).
"""

from __future__ import annotations

from sqlalchemy import bindparam, exists, func, select

from app.models import User
from app.models_practice import ConfirmationClosure, ConfirmationDecision, ConfirmationRequest
from app.services import retired_ratings
from app.services.tagged_rows import branch

_SELF = bindparam("user_id")

# Addressed to the person in their organisation now, neither decided nor closed, and on a
# competency some framework still has (one taken out has nothing to decide: supervise/queue).
# Bound with `user_id` and `known` (retired_ratings.known_codes).
WAITING_FOR_SELF = (
    ConfirmationRequest.supervisor_id == _SELF,
    ConfirmationRequest.organisation_id
    == select(User.organisation_id).where(User.id == _SELF).scalar_subquery(),
    ~exists().where(ConfirmationDecision.request_id == ConfirmationRequest.id),
    ~exists().where(ConfirmationClosure.request_id == ConfirmationRequest.id),
    ConfirmationRequest.competency_code.in_(retired_ratings.KNOWN),
)

# number: how many requests wait for the person's decision (one row, 0 when none).
COUNT = branch("waiting", number=(func.count(ConfirmationRequest.id),)).where(*WAITING_FOR_SELF)


def count_of(found) -> int:
    """Return the count a COUNT branch read (tagged rows by kind)."""
    rows = found.get("waiting", ())
    return rows[0].number[0] if rows else 0
