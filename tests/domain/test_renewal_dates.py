"""A certificate's valid-until day beside the organisation's renew-by day: which comes first,
and whether each has come, on a day given; nothing when they agree or one is missing."""

from datetime import UTC, date, datetime, timedelta

from app.domain.assignments import Rule
from app.domain.quizzes.renewal import renewal
from app.domain.renewal_dates import CERTIFICATE, ORGANISATION, compared

TODAY = date(2027, 3, 1)


def test_the_organisation_asking_sooner_is_said():
    found = compared(date(2029, 12, 7), date(2027, 12, 7), TODAY)
    assert found.sooner == ORGANISATION
    assert not found.certificate_ended and not found.organisation_passed


def test_a_certificate_ending_sooner_is_said():
    found = compared(date(2027, 12, 7), date(2029, 12, 7), date(2028, 1, 1))
    assert found.sooner == CERTIFICATE and found.certificate_ended
    assert not found.organisation_passed


def test_the_organisations_day_has_passed_on_the_day_its_status_expires():
    assert compared(date(2029, 12, 7), TODAY, TODAY).organisation_passed


def test_nothing_to_say_when_the_days_agree_or_one_is_missing():
    assert compared(date(2029, 12, 7), date(2029, 12, 7), TODAY) is None
    assert compared(date(2029, 12, 7), None, TODAY) is None
    # No credential: no recorded validity to set beside the organisation's day.
    assert compared(None, date(2027, 12, 7), TODAY) is None


def test_a_credential_with_no_end_date_still_meets_the_organisations_day():
    found = compared(None, date(2027, 12, 7), TODAY, ends=False)
    assert found.certificate_until is None and found.sooner == ORGANISATION


def test_a_renewal_carries_both_days_whether_or_not_it_is_open():
    passed = datetime(2026, 12, 7, 10, tzinfo=UTC)
    rule = Rule("m", date(2026, 12, 7), 12)
    valid_until = datetime(2029, 12, 7, 10, tzinfo=UTC)
    closed = renewal(
        passed_at=passed, assignment=rule, valid_until=valid_until, now=passed + timedelta(days=1)
    )
    assert not closed.open and closed.dates.sooner == ORGANISATION
    opened = renewal(
        passed_at=passed, assignment=rule, valid_until=valid_until, now=passed + timedelta(days=340)
    )
    assert opened.open and opened.kinds == {"assignment"}
    assert (opened.dates.certificate_until, opened.dates.organisation_by) == (
        date(2029, 12, 7),
        date(2027, 12, 7),
    )
    assert opened.reasons == (
        "Your organisation asks for this module every year: renew by 7 December 2027",
    )
