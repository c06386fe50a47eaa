"""A From and To date pair, read one way by every filter that has one."""

from datetime import UTC, date, datetime

import pytest

from app.domain.filter_days import filter_day, filter_days, filter_moments


def test_a_to_date_before_the_from_date_is_an_error_at_to_and_left_out():
    days, errors = filter_days({"since": "2027-01-01", "until": "2026-01-01"})
    assert days == {"since": date(2027, 1, 1), "until": None}
    assert errors == {"until": "To date must be the same as or after the From date"}


def test_the_same_day_in_both_is_that_day_and_one_wrong_date_is_not_compared():
    assert filter_days({"since": "2026-01-01", "until": "2026-01-01"}) == (
        {"since": date(2026, 1, 1), "until": date(2026, 1, 1)},
        {},
    )
    days, errors = filter_days({"since": "2027-02-31", "until": "2026-01-01"})
    assert days == {"since": None, "until": date(2026, 1, 1)}
    assert list(errors) == ["since"]


def test_the_days_typed_are_uk_days():
    # From 1 July takes in 00:30 BST that day, 23:30 UTC on 30 June; To 31 July ends at
    # midnight BST, 23:00 UTC. In winter a UK day is the UTC day.
    start, end = filter_moments(date(2026, 7, 1), date(2026, 7, 31))
    assert start == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert start <= datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert end == datetime(2026, 7, 31, 23, 0, tzinfo=UTC)
    assert filter_moments(date(2026, 12, 1), None) == (datetime(2026, 12, 1, tzinfo=UTC), None)


def test_a_uk_day_month_year_is_read_as_that_day_as_is_an_iso_day():
    for typed in ("7/12/2026", "07/12/2026", " 7/12/2026 ", "2026-12-07"):
        assert filter_day(typed, "From") == date(2026, 12, 7), typed
    # Day first, as in the UK: 12/7/2026 is 12 July, never 7 December.
    assert filter_day("12/7/2026", "From") == date(2026, 7, 12)


def test_a_day_that_is_not_one_is_explained_with_a_uk_example():
    for typed in ("7/13/2026", "31/2/2026", "7/12/26", "7.12.2026", "soon", "٧/١٢/٢٠٢٦"):
        with pytest.raises(ValueError) as refused:
            filter_day(typed, "From")
        assert str(refused.value) == "From date must be a real date, like 23/11/2026", typed
    with pytest.raises(ValueError) as refused:
        filter_day("31/12/9999", "To")
    assert str(refused.value) == "To date must be before the year 9999, like 23/11/2026"
