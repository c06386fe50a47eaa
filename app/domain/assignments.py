"""Assignment rules: who a module is assigned to, when it is due, and where each learner stands.

Pure functions of dates: the caller passes `today`, so the rules are tested across time
without a clock. A module completed once stays complete unless the assignment renews:
then it expires the renewal interval after the latest completion and is due again.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.numbers import whole_number

DUE_SOON_DAYS = 30
RENEWALS = {0: "Does not renew", 12: "Every year", 24: "Every 2 years", 36: "Every 3 years"}

COMPLETE, DUE_SOON, OVERDUE, EXPIRED, ASSIGNED, NO_LONGER_OFFERED, NOT_ASSIGNED = (
    "complete",
    "due-soon",
    "overdue",
    "expired",
    "assigned",
    "no-longer-offered",
    "not-assigned",
)
# What each status is called, and the icon shown beside it (never colour alone).
LABELS = {
    COMPLETE: ("Complete", "✓"),
    DUE_SOON: ("Due soon", "!"),
    OVERDUE: ("Overdue", "✗"),
    EXPIRED: ("Expired", "↻"),
    ASSIGNED: ("To do", "•"),
    NO_LONGER_OFFERED: ("No longer offered", "⊘"),
    NOT_ASSIGNED: ("Not assigned", "–"),
}
STATUSES = tuple(LABELS)

ENTER_DUE = "Enter the date the learning is due, for example 14 1 2027"
DUE_YEARS = (2000, 2100)  # a due date outside these years is a slip of the keyboard


def due_date(day: str | None, month: str | None, year: str | None) -> date:
    """Return the date a form's day, month and year fields give (ASCII digits, spaces around
    allowed); a ValueError says what is wrong with them, in words for the person typing."""
    typed = {"day": day, "month": month, "year": year}
    typed = {name: (text or "").strip() for name, text in typed.items()}
    missing = [name for name, text in typed.items() if not text]
    if len(missing) == len(typed):
        raise ValueError(ENTER_DUE)
    if missing:
        raise ValueError(f"The date the learning is due must include a {' and '.join(missing)}")
    parts = [whole_number(typed[name]) for name in ("year", "month", "day")]
    try:
        found = date(*parts)  # 31 2 2027, a month 13 or a day "x": no such date
    except (TypeError, ValueError, OverflowError):
        raise ValueError("The date the learning is due must be a real date") from None
    first, last = DUE_YEARS
    if not first <= found.year <= last:
        raise ValueError(f"The year the learning is due must be between {first} and {last}")
    return found


@dataclass(frozen=True)
class Rule:
    """One assignment of a module: due by a date, renewing every so many months or never."""

    module_slug: str
    due_on: date
    renew_months: int | None = None


@dataclass(frozen=True)
class Standing:
    """Where a learner stands on one assigned module on a given day."""

    module_slug: str
    status: str
    due_on: date | None  # when it is (next) due; none once complete for good
    completed_on: date | None

    @property
    def compliant(self) -> bool:
        """Say whether the learner has done what was asked (and it has not expired)."""
        return self.completed_on is not None and self.status in (COMPLETE, DUE_SOON)

    @property
    def counted(self) -> bool:
        """Say whether it counts in compliance figures: not once its module left the course."""
        return self.status != NO_LONGER_OFFERED

    @property
    def label(self) -> str:
        """Return the status in words."""
        return LABELS[self.status][0]


def target_key(*, team_id=None, profession=None, user_id=None) -> str:
    """Return the one-string name of whom an assignment is for."""
    if user_id is not None:
        return f"learner:{user_id}"
    parts = ([f"team:{team_id}"] if team_id else []) + (
        [f"profession:{profession}"] if profession else []
    )
    return "/".join(parts) or "org"


def applies(
    *, team_id, profession, user_id, learner_id: int, learner_team, learner_profession
) -> bool:
    """Say whether an assignment's target covers this learner."""
    if user_id is not None:
        return user_id == learner_id
    if team_id is not None and team_id != learner_team:
        return False
    return profession is None or profession == learner_profession


def own_due(due_on: date, set_on: date, joined_on: date | None) -> date:
    """Return a learner's due date under an assignment: its own, unless they came under it
    (`joined_on`: came_under) after both the day it was set and its due date; then
    the time it gave everyone (its due date less the day it was set; none when it was set
    already past due) counted from the day they joined. UK days throughout; `joined_on` is
    None where no joining counts (services/assignment_dues.py, which says this in SQL too).
    """
    if joined_on is None or joined_on <= due_on or joined_on <= set_on:
        return due_on
    return joined_on + timedelta(days=max(0, (due_on - set_on).days))


def came_under(
    *,
    team_id,
    profession,
    user_id,
    team_on: date | None,
    organisation_on: date | None,
    profession_on: date | None,
) -> date | None:
    """Return the UK day a learner came under an assignment, as `own_due` counts from it:
    the day they joined its team (a team's assignment) or their organisation (one for
    everyone there), or the day they took its profession (one for a profession) when that
    is later. None for one naming them (they were named while there) or when no such day is
    known (services/assignment_dues.py says this in SQL too)."""
    if user_id is not None:
        return None
    came = team_on if team_id is not None else organisation_on
    if profession is not None and profession_on is not None:
        came = profession_on if came is None or profession_on > came else came
    return came


def add_months(day: date, months: int) -> date:
    """Return the same day so many months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def strictest(rules: list[Rule]) -> Rule:
    """Return the rule that binds when a learner has a module assigned more than once."""
    renewals = [r.renew_months for r in rules if r.renew_months]
    first = min(rules, key=lambda r: r.due_on)
    return Rule(first.module_slug, first.due_on, min(renewals) if renewals else None)


def standing(
    rule: Rule,
    completed_on: date | None,
    today: date,
    soon_days: int = DUE_SOON_DAYS,
    *,
    offered: bool = True,
) -> Standing:
    """Return the learner's status on an assigned module on `today`.

    A module no longer `offered` (gone from the course) asks nothing of anyone: its
    assignment is never due, overdue or complete, whatever was done before, until withdrawn.
    """
    if not offered:
        return Standing(rule.module_slug, NO_LONGER_OFFERED, None, None)
    if completed_on is not None:
        if not rule.renew_months:
            return Standing(rule.module_slug, COMPLETE, None, completed_on)
        expires = add_months(completed_on, rule.renew_months)
        if today >= expires:
            return Standing(rule.module_slug, EXPIRED, expires, completed_on)
        status = DUE_SOON if (expires - today).days <= soon_days else COMPLETE
        return Standing(rule.module_slug, status, expires, completed_on)
    if today > rule.due_on:
        return Standing(rule.module_slug, OVERDUE, rule.due_on, None)
    status = DUE_SOON if (rule.due_on - today).days <= soon_days else ASSIGNED
    return Standing(rule.module_slug, status, rule.due_on, None)


def in_due_order(standings) -> list[Standing]:
    """Return standings soonest due first; those complete for good last."""
    return sorted(standings, key=lambda s: (s.due_on is None, s.due_on or date.max, s.module_slug))


def day_in_words(day: date, today: date) -> str:
    """Return '14 January', with the year when it is not this year's."""
    text = f"{day.day} {day:%B}"
    return text if day.year == today.year else f"{text} {day.year}"


def in_words(found: Standing, today: date) -> str:
    """Return the learner's line for an assigned module: 'Assigned to you, due 14 January'."""
    if found.status == NO_LONGER_OFFERED:
        return "Assigned to you, but no longer in the course: nothing to do"
    if found.status == EXPIRED:
        on = "today" if found.due_on == today else f"on {day_in_words(found.due_on, today)}"
        return f"Assigned to you: expired {on}, do it again now"
    if found.completed_on is not None and found.due_on is not None:
        return f"Assigned to you: complete, renew by {day_in_words(found.due_on, today)}"
    if found.completed_on is not None:
        return "Assigned to you: complete"
    if found.status == OVERDUE:
        return f"Assigned to you, was due {day_in_words(found.due_on, today)}: overdue"
    if found.due_on == today:
        return "Assigned to you, due today"
    return f"Assigned to you, due {day_in_words(found.due_on, today)}"
