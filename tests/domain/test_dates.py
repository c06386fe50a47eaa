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


def test_a_month_reads_as_its_name_and_year():
    assert dates.month(date(2026, 6, 1)) == "June 2026"
    assert dates.month(LATE) == "December 2026"


def test_every_month_from_the_first_counted_to_this_one_has_a_count():
    counted = {"2026-09": 1, "2026-11": 2}
    assert dates.every_month(counted, through=date(2027, 1, 15)) == [
        (date(2026, 9, 1), 1),
        (date(2026, 10, 1), 0),  # none that month: there, with 0
        (date(2026, 11, 1), 2),
        (date(2026, 12, 1), 0),
        (date(2027, 1, 1), 0),  # this month, none yet
    ]
    # A month counted after `through` (a clock behind the database's) is still shown.
    assert dates.every_month({"2026-09": 3}, through=date(2026, 8, 31)) == [(date(2026, 9, 1), 3)]
    assert dates.every_month({}, through=date(2026, 12, 7)) == []
