"""Dates and times as people read them on a page: one format for the whole product.

Every time Linkwise stores is UTC (SQLite hands them back without their zone), and the
pages say so wherever they show a time of day. Downloads and records for machines keep
ISO 8601 and never come here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.domain.pdf import MONTHS, date_in_words


def in_utc(moment: datetime) -> datetime:
    """Return a stored time in UTC: a time without its zone is UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(moment: date | datetime) -> date:
    return in_utc(moment).date() if isinstance(moment, datetime) else moment


def day(moment: date | datetime | None) -> str:
    """Return a day in words, e.g. "7 December 2026"; nothing for no day."""
    return "" if moment is None else date_in_words(_day(moment))


def short_day(moment: date | datetime | None) -> str:
    """Return a day with its month cut to three letters, e.g. "7 Dec 2026", for a narrow grid."""
    if moment is None:
        return ""
    found = _day(moment)
    return f"{found.day} {MONTHS[found.month - 1][:3]} {found.year}"


def time_of_day(moment: datetime | None, seconds: bool = False, zone: bool = True) -> str:
    """Return a time of day, e.g. "14:05 UTC" ("14:05:09 UTC" with seconds); without the
    zone for a column whose heading states it."""
    if moment is None:
        return ""
    clock = in_utc(moment).strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{clock} UTC" if zone else clock


def day_time(moment: datetime | None, seconds: bool = False, zone: bool = True) -> str:
    """Return a day and time, e.g. "7 December 2026 at 14:05 UTC"."""
    if moment is None:
        return ""
    return f"{day(moment)} at {time_of_day(moment, seconds, zone)}"


def month(moment: date | datetime) -> str:
    """Return a month and its year in words, e.g. "June 2026"."""
    found = _day(moment)
    return f"{MONTHS[found.month - 1]} {found.year}"


def every_month(counted: dict[str, int], through: date) -> list[tuple[date, int]]:
    """Return (first day, count) of every month from the first in `counted` (months as
    "YYYY-MM") through `through`'s, or the last counted if later: 0 for a month with none, so
    a chart shows a quiet month rather than skipping it. Nothing counted: nothing."""
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
