"""Where dates computed from a stored or written length of time stop: the calendar's ends.

`linkwise validate` keeps every length a content file sets well inside the calendar (a
time limit of a day at most, a wait of a year, a validity of 50 years), but an attempt keeps
the settings it started with and a stored row keeps what was computed when it was written.
A length set before those bounds existed must still give a page, never an OverflowError.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# A year short of datetime.max (and a day after datetime.min), so a moment clamped here
# can still be shown in any time zone or moved by a grace minute.
END = datetime(9999, 1, 1)
START = datetime(1, 1, 2)


def end_like(at: datetime) -> datetime:
    """Return the calendar's end, naive or aware as `at` is."""
    return END.replace(tzinfo=at.tzinfo)


def start_like(at: datetime) -> datetime:
    """Return the calendar's start, naive or aware as `at` is."""
    return START.replace(tzinfo=at.tzinfo)


def moved(at: datetime, *, days: float = 0, minutes: float = 0) -> datetime:
    """Return `at` moved by this many days and minutes, stopping at the calendar's ends."""
    try:
        found = at + timedelta(days=days, minutes=minutes)
    except OverflowError:
        return end_like(at) if days * 1440 + minutes > 0 else start_like(at)
    return min(max(found, start_like(at)), end_like(at))


def at_end(at: datetime) -> bool:
    """Say whether a moment is at (or past) the calendar's end: it never comes."""
    return at >= end_like(at)
