"""Assignment rules across time: due soon, overdue, complete, renewal and expiry."""

from datetime import date, timedelta

import pytest

from app.domain import assignments as rules
from app.domain.assignments import Rule, standing

DUE = date(2027, 1, 14)


def test_an_open_assignment_moves_from_to_do_to_due_soon_to_overdue():
    rule = Rule("m", DUE)
    assert standing(rule, None, DUE - timedelta(days=31)).status == rules.ASSIGNED
    assert standing(rule, None, DUE - timedelta(days=30)).status == rules.DUE_SOON
    assert standing(rule, None, DUE).status == rules.DUE_SOON
    late = standing(rule, None, DUE + timedelta(days=1))
    assert late.status == rules.OVERDUE and not late.compliant and late.due_on == DUE


def test_completion_is_complete_for_good_without_renewal():
    done = standing(Rule("m", DUE), date(2027, 2, 1), date(2040, 1, 1))
    assert done.status == rules.COMPLETE and done.compliant and done.due_on is None


def test_a_renewing_assignment_comes_due_again_and_expires():
    rule = Rule("m", DUE, renew_months=36)
    completed = date(2027, 1, 10)
    assert standing(rule, completed, date(2029, 12, 1)).status == rules.COMPLETE
    soon = standing(rule, completed, date(2029, 12, 20))
    assert soon.status == rules.DUE_SOON and soon.compliant and soon.due_on == date(2030, 1, 10)
    expired = standing(rule, completed, date(2030, 1, 10))
    assert expired.status == rules.EXPIRED and not expired.compliant
    # Done again: complete, and due three years after the new completion.
    again = standing(rule, date(2030, 2, 1), date(2030, 2, 2))
    assert again.status == rules.COMPLETE and again.due_on == date(2033, 2, 1)


def test_months_are_added_to_the_last_day_of_a_short_month():
    assert rules.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert rules.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_the_strictest_assignment_binds():
    found = rules.strictest([Rule("m", DUE, 36), Rule("m", DUE - timedelta(days=9), None)])
    assert found == Rule("m", DUE - timedelta(days=9), 36)


def test_targets_cover_the_right_learners():
    def covers(**target):
        return rules.applies(
            **{"team_id": None, "profession": None, "user_id": None, **target},
            learner_id=7,
            learner_team=3,
            learner_profession="gp",
        )

    assert covers() and covers(team_id=3) and covers(team_id=3, profession="gp")
    assert not covers(team_id=4) and not covers(profession="pharmacist")
    assert covers(user_id=7) and not covers(user_id=8)
    assert rules.target_key(team_id=3, profession="gp") == "team:3/profession:gp"
    assert rules.target_key() == "org" and rules.target_key(user_id=7) == "learner:7"


def test_learners_read_when_it_is_due():
    today = date(2027, 1, 1)
    line = rules.in_words(standing(Rule("m", DUE), None, today), today)
    assert line == "Assigned to you, due 14 January"
    later = rules.in_words(standing(Rule("m", date(2028, 3, 1)), None, today), today)
    assert later == "Assigned to you, due 1 March 2028"


def test_learning_due_or_expiring_today_says_today():
    line = rules.in_words(standing(Rule("m", DUE), None, DUE), DUE)
    assert line == "Assigned to you, due today"
    renewed = standing(Rule("m", DUE, 12), date(2026, 1, 14), DUE)  # a year ago today
    assert rules.in_words(renewed, DUE) == "Assigned to you: expired today, do it again now"
    tomorrow = DUE - timedelta(days=1)
    assert rules.in_words(standing(Rule("m", DUE), None, tomorrow), tomorrow) == (
        "Assigned to you, due 14 January"
    )


def test_due_order_puts_the_soonest_first_and_finished_last():
    today = date(2027, 1, 1)
    found = rules.in_due_order(
        [
            standing(Rule("c", DUE), date(2026, 12, 1), today),
            standing(Rule("b", DUE + timedelta(days=5)), None, today),
            standing(Rule("a", DUE), None, today),
        ]
    )
    assert [s.module_slug for s in found] == ["a", "b", "c"]


def test_a_module_no_longer_offered_is_never_due_overdue_or_complete():
    for completed in (None, date(2027, 1, 10)):
        found = standing(Rule("m", DUE, 12), completed, DUE + timedelta(days=400), offered=False)
        assert found.status == rules.NO_LONGER_OFFERED and found.label == "No longer offered"
        assert (found.due_on, found.completed_on) == (None, None)
        assert not found.compliant and not found.counted
        assert rules.in_words(found, DUE) == (
            "Assigned to you, but no longer in the course: nothing to do"
        )


def test_a_due_date_is_read_from_its_three_fields_or_refused_in_words():
    assert rules.due_date(" 14 ", "1", "2027") == date(2027, 1, 14)
    refused = {
        ("", " ", None): "Enter the date the learning is due, for example 14 1 2027",
        ("31", "2", "2027"): "The date the learning is due must be a real date",
        ("29", "2", "2027"): "The date the learning is due must be a real date",
        ("1", "13", "2027"): "The date the learning is due must be a real date",
        ("x", "1", "2027"): "The date the learning is due must be a real date",
        ("1", "1", "²⁰²⁷"): "The date the learning is due must be a real date",
        ("14", "", "2027"): "The date the learning is due must include a month",
        ("14", "", ""): "The date the learning is due must include a month and year",
        ("1", "1", "27"): "The year the learning is due must be between 2000 and 2100",
    }
    for fields, message in refused.items():
        with pytest.raises(ValueError) as wrong:
            rules.due_date(*fields)
        assert str(wrong.value) == message, fields
    assert rules.due_date("29", "2", "2028") == date(2028, 2, 29)  # a leap year
