"""A stored rating as it stands at a later moment: what pages and exports show of it.

A rating is stored when `rate_learner` works it out (ratings.py); before the next
re-rating its confirmation may lapse, the answers it counted expire or its renewal fall
due. Every reader of the stored rows says them through these.
"""

from datetime import datetime

from .knowledge import INSUFFICIENT_EVIDENCE
from .ratings import CONFIRMATION_EXPIRED, CONFIRMED

# Where a competency stands for a manager's filter, worked out from the stored columns.
MET, DUE_SOON, EXPIRED, NOT_MET = "met", "due-soon", "expired", "not-met"
STANDING_NAMES = {MET: "Met", DUE_SOON: "Due soon", EXPIRED: "Expired", NOT_MET: "Not met"}


# What a rating says of knowledge once none of its answers is in date: (level, score, count).
NO_KNOWLEDGE_IN_DATE = (INSUFFICIENT_EVIDENCE, None, 0)


def knowledge_shown(level: str, score, count: int, knowledge_until, now: datetime) -> tuple:
    """Say a stored knowledge rating as it stands now: (level, score, evidence count).

    A rating is stored when worked out; once every answer it counted has expired
    (knowledge_until) it is what a re-rating would give, with no answers in date.
    """
    if knowledge_until is not None and knowledge_until <= now:
        return NO_KNOWLEDGE_IN_DATE
    return level, score, count


def practice_shown(practice: str, practice_until: datetime | None, now: datetime) -> str:
    """Say a stored practice status as it stands now: a confirmation lapses at practice_until.

    A rating is stored when worked out; between its confirmation's end and the next
    re-rating it still says "Confirmed", so every page and export reads it through this.
    """
    if practice == CONFIRMED and practice_until is not None and practice_until <= now:
        return CONFIRMATION_EXPIRED
    return practice


def practice_renewal_opens(practice_until: datetime | None, renew_within) -> datetime | None:
    """Return from when a confirmation of practice is due for renewal: `renew_within` (a
    Duration) before its end, else at its end; None when it has no end (nothing to renew).

    The same moment a rating's *Due soon* counts from (rate_learner's due_from), taken from
    the confirmation's end rather than the met rule's.
    """
    if practice_until is None:
        return None
    return renew_within.before(practice_until) if renew_within else practice_until


def renewal_not_due(
    practice: str, practice_until: datetime | None, renew_within, now: datetime
) -> bool:
    """Say whether a stored practice status is a confirmation not yet due for renewal: still
    in date, with its renewal opening later (practice_renewal_opens) or never (no end).

    Asking a supervisor again is then neither offered (the learner's page) nor written (the
    request): one rule for both.
    """
    if practice_shown(practice, practice_until, now) != CONFIRMED:
        return False
    opens = practice_renewal_opens(practice_until, renew_within)
    return opens is None or opens > now


def standing(met: bool, met_until, due_from, expired: bool, now: datetime) -> str:
    """Say where stored ratings stand now: met, due soon, expired or not met."""
    if met and (met_until is None or met_until > now):
        return DUE_SOON if due_from is not None and due_from <= now else MET
    return EXPIRED if expired or met else NOT_MET
