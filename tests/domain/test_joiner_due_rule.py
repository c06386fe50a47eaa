"""A learner who joins a team after its assignment fell due gets the time it gave everyone."""

from datetime import date

from app.domain import assignments as rules

SET, DUE = date(2026, 10, 16), date(2026, 11, 30)  # 45 days given


def test_a_learner_there_before_the_due_date_keeps_the_assignment_s_date():
    assert rules.own_due(DUE, SET, None) == DUE
    assert rules.own_due(DUE, SET, date(2026, 11, 1)) == DUE
    assert rules.own_due(DUE, SET, DUE) == DUE  # the due day itself has not passed


def test_a_learner_who_joins_after_the_due_date_gets_the_same_window_from_joining():
    assert rules.own_due(DUE, SET, date(2026, 12, 1)) == date(2027, 1, 15)
    assert rules.own_due(DUE, SET, date(2026, 12, 7)) == date(2027, 1, 21)


def test_an_assignment_set_already_past_due_holds_those_there_and_gives_joiners_no_time():
    # Set on 10 December, due 30 November: those in the team then keep its date; a learner
    # joining later is due the day they join (no window to give), never before it.
    late_set = date(2026, 12, 10)
    assert rules.own_due(DUE, late_set, date(2026, 12, 5)) == DUE
    assert rules.own_due(DUE, late_set, late_set) == DUE
    assert rules.own_due(DUE, late_set, date(2026, 12, 12)) == date(2026, 12, 12)


def test_the_earliest_own_date_binds_across_assignments():
    joined = date(2026, 12, 7)
    team = rules.Rule("referral-routes", rules.own_due(DUE, SET, joined))
    named = rules.Rule("referral-routes", date(2027, 1, 15))
    assert rules.strictest([team, named]).due_on == date(2027, 1, 15)
    sooner = rules.Rule("referral-routes", date(2027, 1, 10))
    assert rules.strictest([team, sooner]).due_on == date(2027, 1, 10)
