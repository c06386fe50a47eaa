"""Days typed into a From or To filter, read one way by every page and command that has one."""

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from app.domain.dates import uk_day_starts

# A To day takes in the whole day, up to the start of the next; the last day dates can hold
# (31 December 9999) has no next day, so a filter's days end a year before it.
LAST_YEAR = 9998
FIELDS = (("since", "From"), ("until", "To"))  # each field's name and its label
EXAMPLE = "23/11/2026"  # the day the messages and the fields' hints give, as UK people write it
# Day/month/year, as in the UK (7/12/2026 is 7 December), or the ISO form (2026-12-07).
# ASCII digits only: another script's digits are no day a person here types.
UK_FORM = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
ISO_FORM = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")


def filter_day(text: str, label: str) -> date:
    """Return the day typed into the filter named `label`: day/month/year (7/12/2026 or
    07/12/2026, day first as in the UK) or YYYY-MM-DD.

    A ValueError says, in one sentence naming the field, what to type instead.
    """
    typed = text.strip()
    found = UK_FORM.fullmatch(typed) or ISO_FORM.fullmatch(typed)
    try:
        if found is None:
            raise ValueError
        day = date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        raise ValueError(f"{label} date must be a real date, like {EXAMPLE}") from None
    if day.year > LAST_YEAR:
        raise ValueError(f"{label} date must be before the year {LAST_YEAR + 1}, like {EXAMPLE}")
    return day


REVERSED = "To date must be the same as or after the From date"


def filter_days(args: Mapping[str, str]) -> tuple[dict[str, date | None], dict[str, str]]:
    """Return the days of a query's From (`since`) and To (`until`) fields, and an error per
    field that does not hold one or, for To, is before From (None where a field is empty or
    wrong)."""
    days: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name, label in FIELDS:
        text = args.get(name, "").strip()
        try:
            days[name] = filter_day(text, label) if text else None
        except ValueError as error:
            days[name], errors[name] = None, str(error)
    if days_reversed(days["since"], days["until"]):
        days["until"], errors["until"] = None, REVERSED
    return days, errors


def days_reversed(since: date | None, until: date | None) -> bool:
    """Say whether a To day comes before its From day (an error: REVERSED says so)."""
    return since is not None and until is not None and since > until


def filter_moments(since: date | None, until: date | None) -> tuple[datetime | None, ...]:
    """Return the moments (UTC) a From and To day bound: from the start of the From day up
    to, not including, the start of the day after the To day, so the To day counts whole.
    Days typed are UK days, as pages show them: from 1 July takes in 00:30 BST that day."""
    start = uk_day_starts(since) if since else None
    end = uk_day_starts(until + timedelta(days=1)) if until else None
    return start, end
