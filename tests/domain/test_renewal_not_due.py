"""Whether confirmed practice is held back from renewal: one rule for the page and the request."""

from datetime import UTC, datetime, timedelta

from app.domain.competencies import (
    AWAITING,
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    parse_duration,
    renewal_not_due,
)

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
THREE_MONTHS = parse_duration("3m")


def test_a_confirmation_is_held_back_until_renew_within_before_its_end():
    ends = NOW + timedelta(days=400)
    assert renewal_not_due(CONFIRMED, ends, THREE_MONTHS, NOW)
    opens = THREE_MONTHS.before(ends)
    assert renewal_not_due(CONFIRMED, ends, THREE_MONTHS, opens - timedelta(seconds=1))
    assert not renewal_not_due(CONFIRMED, ends, THREE_MONTHS, opens)


def test_without_renew_within_renewal_opens_at_the_end_and_an_endless_one_never():
    ends = NOW + timedelta(days=1)
    assert renewal_not_due(CONFIRMED, ends, None, NOW)
    assert not renewal_not_due(CONFIRMED, ends, None, ends)
    assert renewal_not_due(CONFIRMED, None, THREE_MONTHS, NOW)


def test_practice_that_is_not_confirmed_now_is_never_held_back():
    assert not renewal_not_due(CONFIRMED, NOW - timedelta(days=1), THREE_MONTHS, NOW)  # lapsed
    assert not renewal_not_due(CONFIRMATION_EXPIRED, NOW + timedelta(days=400), None, NOW)
    assert not renewal_not_due(AWAITING, None, None, NOW)
