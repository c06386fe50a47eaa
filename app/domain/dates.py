"""Dates and times as people read them: one format for the whole product, in UK time.

Linkwise stores every time in UTC (SQLite hands them back without their zone). People
read them in UK time, Europe/London: GMT in winter, BST (an hour ahead) in summer, so a
learner who finishes at 11:30pm on 14 July sees 14 July, not the UTC day after. Days
that rules count from ("today", due and overdue, renewals, months on a chart) are UK
days too: `uk_day` and `uk_today` here, and services/sqlfunctions.py in SQL.

Times of day follow the NHS.UK content style: a 12-hour clock with "am" or "pm" and no
space ("9am", "2:05pm"), "midday" and "midnight" rather than 12pm and 12am. A time says
its zone, "2:05pm BST" or "9am GMT", unless a table's heading says "UK time" for it.
Records for machines (JSON, xAPI, signed credentials, full timestamps) keep ISO 8601 in
UTC with its offset (`iso_utc`), never UK time; a manager's download writes its days as UK
days, in ISO form (YYYY-MM-DD), as services/sqlfunctions.iso_date does in SQL. A rule's
moment that a learner acts on ("a new set of attempts opens") says its time as well as its
day (`opens`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.pdf import MONTHS, date_in_words

# The zone database ships with the `tzdata` package where the machine has none.
UK = ZoneInfo("Europe/London")


def in_utc(moment: datetime) -> datetime:
    """Return a stored time in UTC: a time without its zone is UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """Return a stored time as ISO 8601 in UTC with its offset, for a download or a record a
    machine reads ("2026-12-07T09:30:00+00:00"); nothing for no time."""
    return None if moment is None else in_utc(moment).isoformat()


def in_uk(moment: datetime) -> datetime:
    """Return a stored time as a clock in the UK reads it (GMT or BST)."""
    return in_utc(moment).astimezone(UK)


def uk_day(moment: date | datetime) -> date:
    """Return the UK day a stored time falls on (a day is already one)."""
    return in_uk(moment).date() if isinstance(moment, datetime) else moment


def uk_today(now: datetime | None = None) -> date:
    """Return today's day in the UK: the day every due date and renewal counts from."""
    return uk_day(now or datetime.now(UTC))


def uk_day_starts(day: date) -> datetime:
    """Return the moment (UTC) a UK day begins: 23:00 UTC the day before in summer."""
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)


def day(moment: date | datetime | None) -> str:
    """Return a day in words, e.g. "7 December 2026"; nothing for no day."""
    return "" if moment is None else date_in_words(uk_day(moment))


def short_day(moment: date | datetime | None) -> str:
    """Return a day with its month cut to three letters, e.g. "7 Dec 2026", for a narrow grid."""
    if moment is None:
        return ""
    found = uk_day(moment)
    return f"{found.day} {MONTHS[found.month - 1][:3]} {found.year}"


def zone_name(moment: datetime) -> str:
    """Return "BST" or "GMT": the UK's zone at that moment."""
    return "BST" if in_uk(moment).dst() else "GMT"


def time_of_day(moment: datetime | None, seconds: bool = False, zone: bool = True) -> str:
    """Return a UK time of day, e.g. "2:05pm BST", "9am GMT", "midnight GMT" ("2:05:09pm
    BST" with seconds); without the zone for a column whose heading says "UK time"."""
    if moment is None:
        return ""
    clock = _clock(in_uk(moment), seconds)
    return f"{clock} {zone_name(moment)}" if zone else clock


def _clock(local: datetime, seconds: bool) -> str:
    # Midday and midnight by name: "12am" and "12pm" are read both ways.
    if local.minute == 0 and (local.second == 0 or not seconds) and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour, suffix = (local.hour % 12 or 12), ("am" if local.hour < 12 else "pm")
    if seconds:
        return f"{hour}:{local.minute:02d}:{local.second:02d}{suffix}"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day_time(moment: datetime | None, seconds: bool = False, zone: bool = True) -> str:
    """Return a UK day and time, e.g. "14 July 2026 at 11:30pm BST"."""
    if moment is None:
        return ""
    return f"{day(moment)} at {time_of_day(moment, seconds, zone)}"


def opens(moment: datetime) -> str:
    """Return when something opens, as the learner can act on it: "on 14 December 2026" when
    that is the start of a UK day, else with its time, "at 10:30am GMT on 14 December 2026"
    (a wait counted from an attempt's exact moment ends at that time, not at midnight).

    A moment within a minute (10:30:45) is said as the next minute (10:31am): it opens only
    once that moment has come, so the learner is never told a time before it. One a moment
    after midnight is said as 12:01am, not "midnight", which people read as the day's end.
    """
    shown = _next_whole_minute(in_utc(moment))
    if uk_day_starts(uk_day(shown)) == shown:
        return f"on {day(shown)}"
    return f"at {time_of_day(shown)} on {day(shown)}"


def ends(moment: datetime) -> str:
    """Return the UK time of day a wait ends, e.g. "6:25pm GMT": a moment within a minute is
    said as the next minute, as `opens` says it, so nobody is told a time before it ends."""
    return time_of_day(_next_whole_minute(in_utc(moment)))


def _next_whole_minute(moment: datetime) -> datetime:
    if moment.second == 0 and moment.microsecond == 0:
        return moment
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def month(moment: date | datetime) -> str:
    """Return a month and its year in words, e.g. "June 2026" (a time's UK month)."""
    found = uk_day(moment)
    return f"{MONTHS[found.month - 1]} {found.year}"


def every_month(counted: dict[str, int], through: date) -> list[tuple[date, int]]:
    """Return (first day, count) of every month from the first in `counted` (UK months as
    "YYYY-MM", services/sqlfunctions.year_month) through `through`'s, or the last counted if
    later: 0 for a month with none, so a chart shows a quiet month rather than skipping it.
    Nothing counted: nothing."""
    if not counted:
        return []
    firsts = sorted(date(int(key[:4]), int(key[5:7]), 1) for key in counted)
    year, number = firsts[0].year, firsts[0].month
    last = max(firsts[-1], through.replace(day=1))
    found = []
    while (year, number) <= (last.year, last.month):
        found.append((date(year, number, 1), counted.get(f"{year:04d}-{number:02d}", 0)))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return found
