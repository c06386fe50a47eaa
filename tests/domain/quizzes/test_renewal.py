"""When a passed quiz opens for renewal, across time: competencies, assignments, certificates."""

from datetime import UTC, date, datetime, timedelta

from app.domain.assignments import Rule
from app.domain.competencies.durations import Duration
from app.domain.quizzes.renewal import StoredRating, renewal

PASSED = datetime(2027, 1, 14, 10, tzinfo=UTC)
DAY = timedelta(days=1)
THREE_MONTHS = Duration(months=3, text="3m")


def at(year, month, day, hour=0):
    return datetime(year, month, day, hour, tzinfo=UTC)


def rating(name="Knowing the routes for immediate risk", **fields):
    """A rating met for a year after the pass, renewal due three months before it lapses."""
    return StoredRating(
        name,
        met=fields.get("met", True),
        met_until=fields.get("met_until", at(2028, 1, 14, 10)),
        due_from=fields.get("due_from", at(2027, 10, 14, 10)),
        expired=fields.get("expired", False),
        practice_until=fields.get("practice_until"),
    )


def test_nothing_renews_without_a_reason():
    assert renewal(passed_at=PASSED, now=at(2040, 1, 1)) is None
    # Met for good, a one-off assignment, a certificate with no end: still nothing.
    met_for_good = rating(met_until=None, due_from=None)
    assert (
        renewal(
            passed_at=PASSED,
            ratings=[met_for_good, rating(met=False, met_until=None, due_from=None)],
            assignment=Rule("m", date(2027, 2, 1)),
            now=at(2040, 1, 1),
        )
        is None
    )


def test_a_competency_due_soon_opens_renewal_from_its_due_day():
    due_from = at(2027, 10, 14, 10)
    before = renewal(passed_at=PASSED, ratings=[rating()], now=due_from - timedelta(seconds=1))
    assert not before.open and before.opens_at == due_from and before.reasons == ()
    opened = renewal(passed_at=PASSED, ratings=[rating()], now=due_from)
    assert opened.open and opened.opens_at == due_from
    assert opened.renew_by == date(2028, 1, 14)
    assert opened.reasons == (
        "Your knowledge of Knowing the routes for immediate risk is due for renewal",
    )
    assert not opened.late


def test_an_expired_competency_keeps_renewal_open_and_says_so():
    found = renewal(passed_at=PASSED, ratings=[rating()], now=at(2028, 1, 14, 10))
    assert found.open and found.late
    assert found.reasons == ("Your knowledge of Knowing the routes for immediate risk has expired",)
    # Stored expired by a later re-rating: no dates left, still open.
    stored = rating(met=False, met_until=None, due_from=None, expired=True)
    again = renewal(passed_at=PASSED, ratings=[stored], now=at(2028, 6, 1))
    assert again.open and again.opens_at is None and again.renew_by is None


def test_several_competencies_are_counted_not_listed():
    ratings = [rating("A"), rating("B"), rating("C", met_until=at(2027, 12, 1))]
    found = renewal(passed_at=PASSED, ratings=ratings, now=at(2027, 12, 2))
    assert found.reasons == (
        "Your knowledge of C has expired",
        "Your knowledge of 2 competencies is due for renewal",
    )
    assert found.renew_by == date(2027, 12, 1)


def test_a_competency_lapsing_with_its_confirmation_of_practice_is_not_renewed_by_a_quiz():
    lapsing = rating(practice_until=at(2028, 1, 14, 10))
    assert renewal(passed_at=PASSED, ratings=[lapsing], now=at(2028, 2, 1)) is None
    knowledge_first = rating(practice_until=at(2029, 1, 1))
    assert renewal(passed_at=PASSED, ratings=[knowledge_first], now=at(2028, 2, 1)).open


def test_a_competency_not_met_opens_nothing():
    assert renewal(passed_at=PASSED, ratings=[rating(met=False)], now=at(2030, 1, 1)) is None


def test_a_yearly_assignment_opens_renewal_thirty_days_before_it_expires():
    rule = Rule("m", date(2027, 1, 1), renew_months=12)
    opens = at(2027, 12, 15)  # 14 January 2028 less 30 days
    before = renewal(passed_at=PASSED, assignment=rule, now=opens - timedelta(seconds=1))
    assert not before.open and before.opens_at == opens and before.renew_by == date(2028, 1, 14)
    found = renewal(passed_at=PASSED, assignment=rule, now=opens)
    assert found.open and found.renew_by == date(2028, 1, 14)
    assert found.reasons == (
        "Your organisation asks for this module every year: renew by 14 January 2028",
    )
    late = renewal(passed_at=PASSED, assignment=rule, now=at(2028, 1, 14))
    assert late.late and late.reasons == (
        "Your organisation asks for this module every year: "
        "its date to renew by, 14 January 2028, has passed",
    )


def test_an_assignment_renewing_every_two_years_from_a_leap_day():
    leap = at(2028, 2, 29, 9)
    rule = Rule("m", date(2028, 1, 1), renew_months=24)
    # 29 February 2030 does not exist: it expires on the 28th, so opens 30 days before.
    assert not renewal(passed_at=leap, assignment=rule, now=at(2030, 1, 28) - DAY).open
    found = renewal(passed_at=leap, assignment=rule, now=at(2030, 1, 29))
    assert found.open and found.renew_by == date(2030, 2, 28)
    assert "every 2 years: renew by 28 February 2030" in found.reasons[0]


def test_a_certificate_opens_renewal_within_the_frameworks_renew_within():
    valid_until = at(2030, 1, 14, 10)
    # 10am GMT on 14 January less three months on the UK wall clock: 10am BST (9:00 UTC).
    opens = at(2029, 10, 14, 9)
    args = {"passed_at": PASSED, "valid_until": valid_until, "renew_within": THREE_MONTHS}
    before = renewal(**args, now=opens - timedelta(seconds=1))
    assert not before.open and before.opens_at == opens
    found = renewal(**args, now=opens)
    assert found.open and found.reasons == ("Your certificate is valid until 14 January 2030",)
    assert not found.late
    after = renewal(**args, now=valid_until + DAY)
    assert after.late and after.reasons == ("Your certificate expired on 14 January 2030",)
    # No renew_within: it opens when the certificate ends.
    bare = {"passed_at": PASSED, "valid_until": valid_until}
    assert not renewal(**bare, now=valid_until - DAY).open
    assert renewal(**bare, now=valid_until).open


def test_month_ends_count_on_the_calendar():
    # Valid until 31 May: three months before is the last day of February (a leap year),
    # at the same UK time: 1pm BST on 31 May (12:00 UTC) is 1pm GMT (13:00 UTC) then.
    found = renewal(
        passed_at=PASSED,
        valid_until=at(2028, 5, 31, 12),
        renew_within=THREE_MONTHS,
        now=at(2028, 2, 29, 13),
    )
    assert found.open and found.opens_at == at(2028, 2, 29, 13)


def test_the_soonest_reason_says_when_it_opens_and_all_open_reasons_are_given():
    rule = Rule("m", date(2027, 1, 1), renew_months=12)
    args = {
        "passed_at": PASSED,
        "ratings": [rating()],
        "assignment": rule,
        "valid_until": at(2030, 1, 14, 10),
        "renew_within": THREE_MONTHS,
    }
    assert renewal(**args, now=at(2027, 6, 1)).opens_at == at(2027, 10, 14, 10)
    found = renewal(**args, now=at(2027, 12, 20))
    assert found.open and found.opens_at == at(2027, 10, 14, 10)
    assert len(found.reasons) == 2 and found.renew_by == date(2028, 1, 14)
