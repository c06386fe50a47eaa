"""A From and To date pair, read one way by every filter that has one."""

from datetime import date

from app.domain.filter_days import filter_days


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
