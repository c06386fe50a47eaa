"""When a passed module quiz opens again, for renewal, and why: in the learner's words.

A pass is final until something asks for the learning to be renewed: a competency the quiz
assesses (in the learner's framework) stands due soon or expired, an assignment that
renews falls due again after the latest pass, or the latest pass's certificate is within
the framework's `renew_within` of its end. Pure: the caller passes `now`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.dates import uk_day, uk_day_starts

from .. import assignments
from ..competencies.durations import Duration
from ..competencies.standings import DUE_SOON, EXPIRED, MET, standing
from ..renewal_dates import RenewalDates, compared


@dataclass(frozen=True)
class StoredRating:
    """A learner's stored rating in one competency the quiz assesses, as renewal reads it."""

    name: str
    met: bool
    met_until: datetime | None
    due_from: datetime | None
    expired: bool
    practice_until: datetime | None = None  # when a confirmation of practice stops counting


@dataclass(frozen=True)
class Renewal:
    """Whether a passed quiz is open for renewal now, since or from when, and why."""

    open: bool
    opens_at: datetime | None  # when it opened (None: at a moment not recorded) or opens
    renew_by: date | None  # the soonest deadline among the reasons (may be past)
    reasons: tuple[str, ...] = ()
    late: bool = False  # something it renews has expired already
    # A reason names `renew_by` already (an assignment's "renew by", a certificate's "valid
    # until"): the page need not say the date again.
    renew_by_said: bool = False
    # The certificate's valid-until day and the organisation's renew-by day, when both apply
    # and differ, due or not: the page says which is which (domain/renewal_dates.py).
    dates: RenewalDates | None = None
    # The kinds of reason said ("assignment", "certificate", "competency"): a page need not
    # say again a date a reason names.
    kinds: frozenset[str] = frozenset()


# The kinds of reason whose words name their deadline.
_DATED = ("assignment", "certificate")


@dataclass(frozen=True)
class _Trigger:
    opens_at: datetime | None
    deadline: date | None
    reason: str = ""
    kind: str = ""
    expired: bool = False


def renewal(
    *,
    passed_at: datetime,
    ratings: Sequence[StoredRating] = (),
    assignment: assignments.Rule | None = None,
    valid_until: datetime | None = None,
    renew_within: Duration | None = None,
    now: datetime,
) -> Renewal | None:
    """Say whether the quiz passed at `passed_at` is open for renewal at `now`, and why.

    `ratings` are the learner's stored ratings in the competencies the quiz assesses;
    `assignment` the rule binding on them for the module, if any; `valid_until` when the
    latest pass's certificate stops being valid. None when nothing would ever reopen it.
    """
    triggers = [
        *_competencies(ratings, now),
        *_assigned(assignment, passed_at, now),
        *_certificate(valid_until, renew_within, now),
    ]
    if not triggers:
        return None
    dates = compared(
        uk_day(valid_until) if valid_until else None,
        next((t.deadline for t in triggers if t.kind == "assignment"), None),
        uk_day(now),
    )
    due = [t for t in triggers if t.opens_at is None or t.opens_at <= now]
    if not due:
        first = min(triggers, key=lambda t: t.opens_at)
        return Renewal(False, first.opens_at, first.deadline, dates=dates)
    known = [t.opens_at for t in due if t.opens_at is not None]
    deadlines = [t.deadline for t in due if t.deadline is not None]
    renew_by = min(deadlines) if deadlines else None
    return Renewal(
        True,
        min(known) if known else None,
        renew_by,
        _reasons(due),
        any(t.expired for t in due),
        any(t.deadline == renew_by and t.kind in _DATED for t in due),
        dates,
        frozenset(t.kind for t in due if t.kind),
    )


def renews_knowledge(rating: StoredRating, now: datetime) -> bool:
    """Say whether passing a quiz that assesses the competency would renew it now.

    It stands due soon or expired, and what lapses is its knowledge, not a confirmation
    of practice (a supervisor renews that).
    """
    where = standing(rating.met, rating.met_until, rating.due_from, rating.expired, now)
    return where in (DUE_SOON, EXPIRED) and not _lapses_with_practice(rating)


def _competencies(ratings: Sequence[StoredRating], now: datetime) -> list[_Trigger]:
    found = []
    for rating in ratings:
        if _lapses_with_practice(rating):
            continue  # a supervisor's confirmation renews it, not a quiz
        until = rating.met_until
        deadline = uk_day(until) if until else None
        where = standing(rating.met, until, rating.due_from, rating.expired, now)
        if renews_knowledge(rating, now):
            opened = rating.due_from or until
            found.append(
                _Trigger(opened, deadline, rating.name, "competency", expired=where == EXPIRED)
            )
        elif where == MET and (rating.due_from or until) is not None:
            found.append(_Trigger(rating.due_from or until, deadline))
    return found


def _lapses_with_practice(rating: StoredRating) -> bool:
    """Say whether the rating lapses when its confirmation of practice does, not its knowledge."""
    return (
        rating.met_until is not None
        and rating.practice_until is not None
        and rating.practice_until <= rating.met_until
    )


def _assigned(rule: assignments.Rule | None, passed_at: datetime, now: datetime):
    if rule is None or not rule.renew_months:
        return []
    found = assignments.standing(rule, uk_day(passed_at), uk_day(now))
    expires = found.due_on
    opens = _start_of(expires - timedelta(days=assignments.DUE_SOON_DAYS))
    how_often = _how_often(rule.renew_months)
    expired = found.status == assignments.EXPIRED
    if expired:
        words = (
            f"Your organisation asks for this module {how_often}: "
            f"its date to renew by, {_day(expires)}, has passed"
        )
    else:
        words = f"Your organisation asks for this module {how_often}: renew by {_day(expires)}"
    return [_Trigger(opens, expires, words, "assignment", expired)]


def _certificate(valid_until: datetime | None, renew_within: Duration | None, now: datetime):
    if valid_until is None:
        return []
    opens = renew_within.before(valid_until) if renew_within else valid_until
    expired = valid_until <= now
    if expired:
        words = f"Your certificate expired on {_day(uk_day(valid_until))}"
    else:
        words = f"Your certificate is valid until {_day(uk_day(valid_until))}"
    return [_Trigger(opens, uk_day(valid_until), words, "certificate", expired)]


def _reasons(due: list[_Trigger]) -> tuple[str, ...]:
    """Say why, one line a kind: the competencies first, named when there is one."""
    words = []
    for expired, verb in ((True, "has expired"), (False, "is due for renewal")):
        names = [t.reason for t in due if t.kind == "competency" and t.expired is expired]
        if len(names) == 1:
            words.append(f"Your knowledge of {names[0]} {verb}")
        elif names:
            words.append(f"Your knowledge of {len(names)} competencies {verb}")
    words += [t.reason for t in due if t.kind in ("assignment", "certificate")]
    return tuple(words)


def _how_often(months: int) -> str:
    label = assignments.RENEWALS.get(months)
    return label[0].lower() + label[1:] if label else f"every {months} months"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _start_of(day: date) -> datetime:
    return uk_day_starts(day)
