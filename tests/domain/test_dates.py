"""Dates and times as pages show them: the day in words, the time in UTC, said so."""

from datetime import UTC, date, datetime, timedelta, timezone

from app.domain import dates

LATE = datetime(2026, 12, 7, 23, 30, 5, tzinfo=UTC)


def test_a_day_reads_in_words_without_a_leading_zero():
    assert dates.day(date(2026, 3, 5)) == "5 March 2026"
    assert dates.day(LATE) == "7 December 2026"
    assert dates.day(None) == ""


def test_a_time_from_another_zone_is_read_in_utc():
    # PostgreSQL hands back times in the session's zone: the page states UTC, so it shows UTC.
    london_summer = LATE.astimezone(timezone(timedelta(hours=1)))  # 8 December, 00:30
    assert dates.day(london_summer) == "7 December 2026"
    assert dates.day_time(london_summer) == "7 December 2026 at 23:30 UTC"


def test_a_time_without_its_zone_is_utc():
    # SQLite hands times back without their zone; every one stored is UTC.
    assert dates.day_time(LATE.replace(tzinfo=None)) == "7 December 2026 at 23:30 UTC"


def test_seconds_and_the_zone_are_said_when_asked():
    assert dates.day_time(LATE, seconds=True) == "7 December 2026 at 23:30:05 UTC"
    assert dates.day_time(LATE, seconds=True, zone=False) == "7 December 2026 at 23:30:05"
    assert dates.time_of_day(LATE) == "23:30 UTC"


def test_a_narrow_grid_cuts_the_month_to_three_letters():
    assert dates.short_day(date(2026, 9, 1)) == "1 Sep 2026"
    assert dates.short_day(None) == ""
