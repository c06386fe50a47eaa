"""How long evidence stays valid, written in framework files as `3y`, `18m`, `6w` or `90d`.

Months and days are counted on the UK wall clock (app/domain/dates.py), as people read an
end and as SQL counts due days: three months before 11:45pm GMT on 9 December is 11:45pm
BST on 9 September, whatever the clocks did in between.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from ..calendar_limits import END, START, end_like, moved, start_like
from ..dates import UK, in_utc

DURATION = re.compile(r"^(?P<amount>[1-9][0-9]{0,3})(?P<unit>[ymwd])$")
# Written as a duration, whatever its size: `0y` and `100000000d` are out of range, not misspelt.
WELL_FORMED = re.compile(r"^(?:0|[1-9][0-9]*)[ymwd]$")
# The longest a framework may set: evidence older than a career is no evidence of today.
LONGEST_MONTHS = 600
LONGEST_DAYS = 18262  # 50 years of 365.25 days; 9999d, the most DURATION reads, is less
LONGEST = "50 years (50y, 600m or 2608w)"


@dataclass(frozen=True)
class Duration:
    """A span of calendar months and days; `text` is how the framework file wrote it."""

    months: int = 0
    days: int = 0
    text: str = ""

    def after(self, at: datetime) -> datetime:
        """Return the moment this long after `at`, counting months on the UK calendar."""
        return _after(self.months, self.days, at)

    def before(self, at: datetime) -> datetime:
        """Return the moment this long before `at`."""
        return _after(-self.months, -self.days, at)

    @property
    def too_long(self) -> bool:
        """Say whether this is longer than a framework may set (LONGEST)."""
        return self.months > LONGEST_MONTHS or self.days > LONGEST_DAYS

    def describe(self) -> str:
        """Return the span in words: '3 years', '18 months', '6 weeks'."""
        if self.months and self.months % 12 == 0 and not self.days:
            return _plural(self.months // 12, "year")
        if self.months and not self.days:
            return _plural(self.months, "month")
        if self.days % 7 == 0 and self.days:
            return _plural(self.days // 7, "week")
        return _plural(self.days, "day")


def _after(months: int, days: int, at: datetime) -> datetime:
    """Return `at` moved by months and days on the UK wall clock, in the zone it came in
    (a time without its zone is UTC, as SQLite hands it back, and comes back so)."""
    try:
        utc = in_utc(at).replace(tzinfo=None)
    except OverflowError:  # a zone's day past either end of the calendar in UTC
        return end_like(at) if at.year > 1 else start_like(at)
    found = _uk_after(months, days, utc)
    if found in (END, START):
        return end_like(at) if found == END else start_like(at)
    return found if at.tzinfo is None else found.replace(tzinfo=UTC).astimezone(at.tzinfo)


# A learner's answers share a few moments, and re-rating everyone asks about each many times.
# Cached by the UTC moment alone, so the same instant given in two zones shares an answer.
@lru_cache(maxsize=1 << 16)
def _uk_after(months: int, days: int, at: datetime) -> datetime:
    # A UTC time without its zone in and out; the fields moved are the UK clock's, so
    # 23:45 UTC on 9 December less three months is 22:45 UTC on 9 September (11:45pm BST),
    # not 23:45 UTC, which is already the 10th in the UK.
    local = _uk_clock(at)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    # A validity stored before durations were bounded stops at the calendar's end.
    if year >= END.year:
        return END
    if year < 1:
        return START
    # 31 January plus a month is the last day of February, not an error.
    day = min(local.day, calendar.monthrange(year, month)[1])
    wall = moved(local.replace(year=year, month=month, day=day, tzinfo=None), days=days)
    if wall >= END or wall <= START:
        return END if wall >= END else START
    # A wall time the clocks skip (1:30am on the day they go forward) is read on GMT, so
    # comes at 2:30am BST; one they repeat (1:30am in October) keeps `at`'s side (`fold`).
    back = wall.replace(tzinfo=local.tzinfo, fold=local.fold).astimezone(UTC)
    return min(max(back.replace(tzinfo=None), START), END)


def _uk_clock(at: datetime) -> datetime:
    # Within minutes of the calendar's start the UK clock (then local mean time, 75 seconds
    # behind) has no datetime: those moments count on the UTC clock.
    try:
        return at.replace(tzinfo=UTC).astimezone(UK)
    except OverflowError:
        return at.replace(tzinfo=UTC)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if count != 1 else ''}"


def out_of_range(text) -> bool:
    """Say whether `text` is written as a duration but is zero or longer than LONGEST."""
    if not isinstance(text, str) or WELL_FORMED.match(text.strip()) is None:
        return False
    duration = parse_duration(text)
    return duration is None or duration.too_long


def parse_duration(text: str) -> Duration | None:
    """Read '3y', '18m', '6w' or '90d'; None when the text is not one of those."""
    match = DURATION.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    amount, unit = int(match["amount"]), match["unit"]
    months = {"y": amount * 12, "m": amount}.get(unit, 0)
    days = {"w": amount * 7, "d": amount}.get(unit, 0)
    return Duration(months, days, text.strip())
