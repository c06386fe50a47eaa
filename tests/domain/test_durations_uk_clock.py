"""Lengths of time from framework files count months and days on the UK wall clock, as
people read an end (a UK day) and as SQL counts due days, not on the UTC clock's fields."""

from datetime import UTC, datetime

from app.domain.calendar_limits import END, START
from app.domain.competencies import (
    PracticeConfirmed,
    PracticeEvent,
    parse_duration,
    practice_renewal_opens,
)
from app.domain.credential_validity import credential_valid_until
from app.domain.dates import UK, day, in_uk
from app.domain.quizzes.renewal import renewal
from tests.domain.test_credential_validity import competency, framework
from tests.domain.test_ratings import rate

THREE_MONTHS, ONE_YEAR = parse_duration("3m"), parse_duration("1y")
# 11:45pm GMT on 9 December 2029: a confirmation given at that time in 2026, for 3 years.
ENDS = datetime(2029, 12, 9, 23, 45, tzinfo=UTC)


def test_three_months_before_a_late_evening_in_winter_is_the_same_evening_in_summer():
    # 11:45pm BST on 9 September, not 23:45 UTC (12:45am BST on the 10th).
    opens = THREE_MONTHS.before(ENDS)
    assert opens == datetime(2029, 9, 9, 22, 45, tzinfo=UTC)
    assert (in_uk(opens).hour, in_uk(opens).minute, day(opens)) == (23, 45, "9 September 2029")
    assert practice_renewal_opens(ENDS, THREE_MONTHS) == opens
    assert THREE_MONTHS.after(opens) == ENDS  # and back to the same wall clock


def test_a_year_after_just_past_midnight_bst_is_the_same_uk_day():
    # 23:30 UTC on 15 June 2026 is 12:30am BST on 16 June: a year on is 16 June 2027, UK.
    given = datetime(2026, 6, 15, 23, 30, tzinfo=UTC)
    assert ONE_YEAR.after(given) == datetime(2027, 6, 15, 23, 30, tzinfo=UTC)
    assert day(ONE_YEAR.after(given)) == "16 June 2027"
    # From summer to winter: 12:30am BST on 16 June 2026 plus 6 months is 12:30am GMT.
    assert parse_duration("6m").after(given) == datetime(2026, 12, 16, 0, 30, tzinfo=UTC)


def test_days_and_weeks_count_on_the_wall_clock_too():
    # 9am GMT on Saturday 20 March 2027, two weeks on: 9am BST on 3 April (8:00 UTC).
    assert parse_duration("2w").after(datetime(2027, 3, 20, 9, tzinfo=UTC)) == datetime(
        2027, 4, 3, 8, tzinfo=UTC
    )
    # 1:30am on the day the clocks go forward does not exist: read on GMT, 2:30am BST.
    skipped = parse_duration("1d").after(datetime(2027, 3, 27, 1, 30, tzinfo=UTC))
    assert skipped == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert (in_uk(skipped).hour, in_uk(skipped).minute) == (2, 30)


def test_a_time_without_its_zone_is_utc_and_comes_back_without_one():
    opens = THREE_MONTHS.before(ENDS.replace(tzinfo=None))
    assert opens == datetime(2029, 9, 9, 22, 45) and opens.tzinfo is None
    # One given in UK time comes back in UK time: the same instant.
    uk = THREE_MONTHS.before(in_uk(ENDS))
    assert uk.tzinfo is UK and uk == datetime(2029, 9, 9, 22, 45, tzinfo=UTC)
    assert THREE_MONTHS.before(ENDS).tzinfo is UTC


def test_the_calendars_ends_still_stop_a_length_naive_or_aware():
    ages = parse_duration("9000y")
    assert ages.after(ENDS) == END.replace(tzinfo=UTC) and ages.after(ENDS).tzinfo is UTC
    assert ages.after(ENDS.replace(tzinfo=None)) == END
    assert ages.after(ENDS.replace(tzinfo=None)).tzinfo is None
    assert ages.before(ENDS) == START.replace(tzinfo=UTC)
    assert ages.before(ENDS.replace(tzinfo=None)) == START
    assert parse_duration("9999d").after(datetime(9990, 1, 1)) == END
    assert parse_duration("9999d").before(datetime(20, 1, 1, tzinfo=UTC)) == START.replace(
        tzinfo=UTC
    )
    # At the calendar's very start the UK clock (local mean time then) has no datetime.
    assert parse_duration("1d").before(datetime.min) == START
    assert parse_duration("1y").after(datetime.min) == datetime(2, 1, 1)
    assert parse_duration("1d").after(datetime.max.replace(tzinfo=UTC)) == END.replace(tzinfo=UTC)


def test_every_page_counts_the_same_renewal_day():
    issued = datetime(2026, 12, 9, 23, 45, tzinfo=UTC)
    # The rating (the matrix's "due soon"), the practice page, a credential, a quiz's renewal.
    confirmed = [PracticeEvent("confirmed", issued, ENDS, True)]
    rating = rate(PracticeConfirmed(), [], confirmed, now=issued)
    assert (rating.met_until, rating.due_from) == (ENDS, datetime(2029, 9, 9, 22, 45, tzinfo=UTC))
    assert practice_renewal_opens(rating.met_until, THREE_MONTHS) == rating.due_from
    valid_until = credential_valid_until(framework(competency("T-1.1")), ["T-1.1"], issued)
    assert valid_until == ENDS
    found = renewal(
        passed_at=issued, valid_until=valid_until, renew_within=THREE_MONTHS, now=issued
    )
    assert found.opens_at == rating.due_from
