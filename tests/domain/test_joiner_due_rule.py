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


def _came(**target):
    days = {"team_on": date(2026, 12, 1), "organisation_on": date(2026, 12, 3)}
    days["profession_on"] = date(2026, 12, 5)
    target = {"team_id": None, "profession": None, "user_id": None} | target
    return rules.came_under(**target, **days)


def test_a_learner_comes_under_an_assignment_on_the_day_they_joined_or_took_what_it_names():
    assert _came(team_id=7) == date(2026, 12, 1)  # their team's: the day they joined it
    assert _came() == date(2026, 12, 3)  # everyone's: the day they joined the organisation
    assert _came(profession="gp") == date(2026, 12, 5)  # a profession's: the later day
    assert _came(team_id=7, profession="gp") == date(2026, 12, 5)
    assert _came(user_id=3) is None  # named: they were there when named


def test_a_day_not_known_does_not_count():
    days = {"team_id": None, "profession": "gp", "user_id": None, "team_on": None}
    assert rules.came_under(**days, organisation_on=None, profession_on=None) is None
    assert rules.came_under(**days, organisation_on=date(2026, 12, 3), profession_on=None) == (
        date(2026, 12, 3)
    )
    assert rules.came_under(**days, organisation_on=None, profession_on=date(2026, 12, 5)) == (
        date(2026, 12, 5)
    )


def test_a_new_member_of_staff_gets_an_organisation_wide_assignment_s_time_from_joining():
    joined = _came()  # 3 December, after it fell due on 30 November
    assert rules.own_due(DUE, SET, joined) == date(2027, 1, 17)
