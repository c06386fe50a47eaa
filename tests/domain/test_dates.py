"""Dates and times as pages show them: the UK day in words, the UK time of day (GMT or BST)
in the NHS.UK style ("2:05pm", "midday", "midnight"), said with its zone."""

from datetime import UTC, date, datetime, timedelta, timezone

from app.domain import dates

LATE = datetime(2026, 12, 7, 23, 30, 5, tzinfo=UTC)  # winter: GMT, the UK clock reads UTC
SUMMER_LATE = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)  # 11:30pm BST on 14 July
SUMMER_NIGHT = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)  # 12:30am BST on 15 July


def test_a_day_reads_in_words_without_a_leading_zero():
    assert dates.day(date(2026, 3, 5)) == "5 March 2026"
    assert dates.day(LATE) == "7 December 2026"
    assert dates.day(None) == ""


def test_a_time_from_another_zone_is_read_in_uk_time():
    # PostgreSQL hands back times in the session's zone: the page shows UK time whatever it is.
    elsewhere = LATE.astimezone(timezone(timedelta(hours=-5)))  # 7 December, 18:30
    assert dates.day(elsewhere) == "7 December 2026"
    assert dates.day_time(elsewhere) == "7 December 2026 at 11:30pm GMT"


def test_a_time_without_its_zone_is_utc():
    # SQLite hands times back without their zone; every one stored is UTC.
    assert dates.day_time(LATE.replace(tzinfo=None)) == "7 December 2026 at 11:30pm GMT"
    assert dates.day_time(SUMMER_LATE.replace(tzinfo=None)) == "14 July 2026 at 11:30pm BST"


def test_a_late_summer_evening_in_utc_is_the_next_uk_day():
    # 23:30 UTC on 14 July is half past midnight on 15 July in the UK.
    assert dates.day(SUMMER_NIGHT) == "15 July 2026"
    assert dates.day_time(SUMMER_NIGHT) == "15 July 2026 at 12:30am BST"
    assert dates.uk_day(SUMMER_NIGHT) == date(2026, 7, 15)
    assert dates.short_day(SUMMER_NIGHT) == "15 Jul 2026"
    # In winter the UK clock is UTC: 23:30 UTC stays that day.
    assert dates.uk_day(LATE) == date(2026, 12, 7)


def test_the_month_of_a_time_is_its_uk_month():
    assert dates.month(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "July 2026"
    assert dates.month(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "December 2026"


def test_times_read_on_a_twelve_hour_clock_with_the_zone():
    assert dates.time_of_day(LATE) == "11:30pm GMT"
    assert dates.time_of_day(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == "9am GMT"
    assert dates.time_of_day(datetime(2026, 7, 5, 13, 5, tzinfo=UTC)) == "2:05pm BST"
    assert dates.time_of_day(datetime(2026, 7, 5, 0, 5, tzinfo=UTC)) == "1:05am BST"
    assert dates.time_of_day(datetime(2026, 1, 5, 0, 5, tzinfo=UTC)) == "12:05am GMT"
    assert dates.time_of_day(datetime(2026, 1, 5, 12, 45, tzinfo=UTC)) == "12:45pm GMT"


def test_midday_and_midnight_are_said_by_name():
    assert dates.time_of_day(datetime(2026, 1, 5, 12, 0, tzinfo=UTC)) == "midday GMT"
    assert dates.time_of_day(datetime(2026, 1, 5, 0, 0, tzinfo=UTC)) == "midnight GMT"
    assert dates.time_of_day(datetime(2026, 7, 5, 11, 0, tzinfo=UTC)) == "midday BST"
    assert dates.day_time(datetime(2026, 7, 4, 23, 0, tzinfo=UTC)) == "5 July 2026 at midnight BST"
    # To the second, only the exact moment is midday; a second after reads as a clock.
    assert dates.time_of_day(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), seconds=True) == (
        "midday GMT"
    )
    assert dates.time_of_day(datetime(2026, 1, 5, 12, 0, 9, tzinfo=UTC), seconds=True) == (
        "12:00:09pm GMT"
    )


def test_seconds_and_the_zone_are_said_when_asked():
    assert dates.day_time(LATE, seconds=True) == "7 December 2026 at 11:30:05pm GMT"
    assert dates.day_time(LATE, seconds=True, zone=False) == "7 December 2026 at 11:30:05pm"
    assert dates.time_of_day(datetime(2026, 7, 5, 13, 5, 9, tzinfo=UTC), seconds=True) == (
        "2:05:09pm BST"
    )


def test_the_clocks_changing_changes_the_zone():
    # Spring forward: 01:00 UTC on 29 March 2026 is 2am BST; a minute before, 12:59am GMT.
    spring = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert dates.time_of_day(spring - timedelta(minutes=1)) == "12:59am GMT"
    assert dates.time_of_day(spring) == "2am BST"
    # Fall back: 1:30am comes twice on 25 October 2026; the zone tells them apart.
    autumn = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert dates.time_of_day(autumn) == "1:30am BST"
    assert dates.time_of_day(autumn + timedelta(hours=1)) == "1:30am GMT"


def test_a_uk_day_starts_at_its_midnight_in_utc():
    assert dates.uk_day_starts(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert dates.uk_day_starts(date(2026, 12, 1)) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    # The day the clocks go forward starts in GMT.
    assert dates.uk_day_starts(date(2026, 3, 29)) == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)


def test_today_is_the_uk_day():
    assert dates.uk_today(SUMMER_NIGHT) == date(2026, 7, 15)
    assert dates.uk_today(LATE) == date(2026, 12, 7)


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


def test_something_opening_mid_day_says_its_time_and_at_midnight_only_its_day():
    assert dates.opens(datetime(2026, 12, 14, 10, 30, tzinfo=UTC)) == (
        "at 10:30am GMT on 14 December 2026"
    )
    assert dates.opens(datetime(2026, 7, 13, 23, 0, tzinfo=UTC)) == "on 14 July 2026"
    assert dates.opens(datetime(2026, 7, 14, 0, 0)) == "at 1am BST on 14 July 2026"


def test_an_opening_within_a_minute_is_said_as_the_next_minute_never_before_it():
    # It opens only once now >= that moment: "10:30am" would send the learner too early.
    assert dates.opens(datetime(2026, 12, 14, 10, 30, 45, tzinfo=UTC)) == (
        "at 10:31am GMT on 14 December 2026"
    )
    assert dates.opens(datetime(2026, 12, 14, 10, 59, 0, 1, tzinfo=UTC)) == (
        "at 11am GMT on 14 December 2026"
    )
    # A moment after midnight is not "midnight", which reads as the end of the day.
    assert dates.opens(datetime(2026, 12, 1, 0, 0, 0, 500, tzinfo=UTC)) == (
        "at 12:01am GMT on 1 December 2026"
    )
    # Seconds before a UK day starts: it opens as that day does.
    assert dates.opens(datetime(2026, 11, 30, 23, 59, 30, tzinfo=UTC)) == "on 1 December 2026"


def test_an_exported_time_is_iso_utc_with_its_offset():
    assert dates.iso_utc(datetime(2026, 12, 7, 9, 30)) == "2026-12-07T09:30:00+00:00"
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert dates.iso_utc(summer) == "2026-07-01T09:00:00+00:00"
    assert dates.iso_utc(None) is None


def test_a_wait_ends_at_its_uk_time_rounded_up_to_the_next_minute():
    assert dates.ends(datetime(2026, 12, 7, 18, 25, tzinfo=UTC)) == "6:25pm GMT"
    assert dates.ends(datetime(2026, 12, 7, 18, 24, 20, tzinfo=UTC)) == "6:25pm GMT"
    assert dates.ends(datetime(2026, 7, 14, 11, 59, 1, tzinfo=UTC)) == "1pm BST"
