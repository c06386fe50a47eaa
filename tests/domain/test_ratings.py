"""The one rating rule, worked by hand: AND/OR met trees, expiry, renewal, practice steps."""

from dataclasses import replace
from datetime import UTC, datetime
from textwrap import dedent

import pytest

from app.domain.competencies import (
    ACTION_PLAN,
    AWAITING,
    CONFIRMATION_EXPIRED,
    CONFIRMED,
    DUE_SOON,
    EXPIRED,
    MET,
    NOT_MET,
    NOT_STARTED,
    SELF_ASSESSED,
    AllOf,
    AnyOf,
    Duration,
    Evidence,
    KnowledgeAtLeast,
    PracticeConfirmed,
    PracticeEvent,
    Recent,
    parse_duration,
    rate_competency,
    rate_learner,
    standing,
)
from app.domain.framework_files import load_frameworks
from app.domain.frameworks import (
    AttainmentSettings,
    Competency,
    Domain,
    Framework,
    ProficiencyLevel,
)

SCALE = tuple(map(ProficiencyLevel, ("Not yet", "Developing", "Secure"), (0, 50, 80)))
SECURE, DEVELOPING = KnowledgeAtLeast("Secure", 2), KnowledgeAtLeast("Developing", 1)
COMPETENCY = Competency("T-1.1", "Listening", "Listen.", 1, "t")
THREE_YEARS, THREE_MONTHS = parse_duration("3y"), parse_duration("3m")


def framework(met=None, valid_for=THREE_YEARS, renew_within=THREE_MONTHS, competency=COMPETENCY):
    return Framework(
        "t", "Test", "0.1", "Tests", "Tests", "Tests", SCALE,
        AttainmentSettings("weighted-average"),
        (Domain(1, "Talking", "Talk.", (competency,)),), "t.yaml",
        ("link-worker",), valid_for, renew_within, met,
    )  # fmt: skip


def answers(*pairs):
    """Evidence from (score, when) pairs, each a different question."""
    return [Evidence(score, at, f"q{n}", "quiz") for n, (score, at) in enumerate(pairs)]


def day(year, month, d=1):
    return datetime(year, month, d, 9, 0, tzinfo=UTC)


# Three right answers in March 2024: weighted average 100%, Secure.
SECURE_2024 = answers((1.0, day(2024, 3)), (1.0, day(2024, 3, 2)), (1.0, day(2024, 3, 3)))
CONFIRMED_2025 = [
    PracticeEvent("requested", day(2025, 1, 10)),
    PracticeEvent("confirmed", day(2025, 1, 12)),
]


JUNE_2025 = day(2025, 6)


def rate(rule, evidence=SECURE_2024, practice=(), now=JUNE_2025, **settings):
    return rate_competency(COMPETENCY, framework(rule, **settings), evidence, practice, now)


def test_durations_count_calendar_months_and_years():
    assert parse_duration("3y").after(day(2024, 2, 29)) == day(2027, 2, 28)
    # Counted on the UK wall clock: 10am BST on 31 August is 10am GMT (10:00 UTC) 18 months
    # on, not 9:00 UTC, so the day and hour people read are the ones they started from.
    from_summer = day(2026, 2, 28).replace(hour=10)
    assert parse_duration("18m").after(day(2024, 8, 31)) == from_summer
    assert parse_duration("6w").after(day(2024, 1)) == day(2024, 2, 12)
    assert parse_duration("90d").describe() == "90 days"
    assert [parse_duration(t) for t in ("3", "y", "0y", "3 years", "-1m", "3Y")] == [None] * 6


def test_and_needs_every_branch():
    rule = AllOf((SECURE, PracticeConfirmed()))
    assert rate(rule).met is False  # secure knowledge, no confirmation
    assert rate(rule, practice=CONFIRMED_2025).met is True
    assert rate(rule, evidence=[], practice=CONFIRMED_2025).met is False


def test_or_needs_one_branch():
    rule = AnyOf((PracticeConfirmed(), SECURE))
    assert rate(rule).met is True
    assert rate(rule, evidence=[], practice=CONFIRMED_2025).met is True
    assert rate(rule, evidence=[]).met is False


def test_nested_tree_by_hand():
    # Developing knowledge AND (confirmed OR answers from the last 6 months).
    rule = AllOf((DEVELOPING, AnyOf((PracticeConfirmed(), Recent(parse_duration("6m"))))))
    # Answers in March 2024, now June 2025: older than 6 months, no confirmation.
    assert rate(rule).met is False
    # The confirmation of January 2025 satisfies the OR.
    assert rate(rule, practice=CONFIRMED_2025).met is True
    # Now September 2024: the March answers are under 6 months old.
    assert rate(rule, now=day(2024, 8, 30)).met is True
    # Scores 0.4, 0.5, 0.6: 0.6 * 0.65 + 0.45 * 0.35 = 0.5475, Developing: still enough.
    middling = answers((0.4, day(2024, 3)), (0.5, day(2024, 3, 2)), (0.6, day(2024, 3, 3)))
    assert rate(rule, evidence=middling, now=day(2024, 4)).knowledge.level == "Developing"
    assert rate(rule, evidence=middling, now=day(2024, 4)).met is True


def test_expired_answers_stop_counting():
    # Valid for 3 years: the March 2024 answers lapse on 1, 2 and 3 March 2027.
    assert rate(SECURE, now=day(2027, 3, 1)).knowledge.level == "Not enough evidence"
    assert rate(SECURE, now=day(2027, 2, 28)).knowledge.level == "Secure"
    rating = rate(SECURE, now=day(2027, 3, 1))
    assert (rating.met, rating.expired) == (False, True)
    assert rating.knowledge.evidence_count == 2  # one of three answers has gone


def test_met_until_is_the_first_expiry_that_breaks_the_rule():
    rating = rate(SECURE, now=day(2025, 6))
    # With one answer gone (1 March 2027), two questions remain: under the minimum of 3.
    assert rating.met_until == day(2027, 3, 1)
    assert rating.due_from == day(2026, 12, 1)  # three months before
    assert standing(True, rating.met_until, rating.due_from, False, day(2026, 11, 30)) == MET
    assert standing(True, rating.met_until, rating.due_from, False, day(2026, 12, 1)) == DUE_SOON
    assert standing(True, rating.met_until, rating.due_from, False, day(2027, 3, 1)) == EXPIRED
    assert standing(False, None, None, False, day(2027, 3, 1)) == NOT_MET


def test_an_and_rule_lapses_with_its_earliest_part():
    # Knowledge lasts to March 2027, the January 2025 confirmation to January 2028.
    rule = AllOf((SECURE, PracticeConfirmed()))
    assert rate(rule, practice=CONFIRMED_2025).met_until == day(2027, 3, 1)
    # With OR, the later of the two holds it up.
    either = AnyOf((SECURE, PracticeConfirmed()))
    assert rate(either, practice=CONFIRMED_2025).met_until == day(2028, 1, 12)


def test_nothing_expires_without_a_validity():
    rating = rate(SECURE, now=day(2040, 1), valid_for=None)
    assert (rating.met, rating.met_until, rating.due_from) == (True, None, None)


def test_a_competency_overrides_validity_and_rule():
    own = replace(COMPETENCY, valid_for=parse_duration("1y"), met=SECURE)
    strict = AllOf((SECURE, PracticeConfirmed()))
    found = rate_competency(own, framework(strict, competency=own), SECURE_2024, (), day(2024, 6))
    assert found.met is True  # the competency's own rule asks for knowledge only
    assert found.met_until == day(2025, 3, 1)  # and its evidence lasts one year


def test_practice_status_follows_the_latest_step():
    def status(*steps, now=JUNE_2025):
        events = [PracticeEvent(kind, at) for kind, at in steps]
        return rate(SECURE, practice=events, now=now).practice

    assert status() == NOT_STARTED
    assert status(("self-assessed", day(2025, 1))) == SELF_ASSESSED
    assert status(("self-assessed", day(2025, 1)), ("requested", day(2025, 2))) == AWAITING
    assert status(("requested", day(2025, 2)), ("returned", day(2025, 3))) == ACTION_PLAN
    assert status(("requested", day(2025, 2)), ("confirmed", day(2025, 3))) == CONFIRMED
    assert status(("confirmed", day(2021, 3)), now=day(2025, 6)) == CONFIRMATION_EXPIRED


def test_a_new_request_keeps_a_confirmation_and_so_does_returning_it():
    rule = AllOf((SECURE, PracticeConfirmed()))
    renewing = [*CONFIRMED_2025, PracticeEvent("requested", day(2025, 5))]
    assert rate(rule, practice=renewing).met is True
    # A renewal returned with an action plan ends nothing: the confirmation stands.
    returned = [*renewing, PracticeEvent("returned", day(2025, 5, 20))]
    kept = rate(rule, practice=returned)
    assert (kept.met, kept.practice) == (True, CONFIRMED)
    assert kept.practice_until == day(2028, 1, 12)  # three years after it was confirmed


def test_a_returned_renewal_shows_once_the_confirmation_it_would_renew_has_ended():
    rule = AllOf((SECURE, PracticeConfirmed()))
    end = day(2027, 1, 20)
    steps = [
        PracticeEvent("requested", day(2026, 1, 10)),
        PracticeEvent("confirmed", day(2026, 1, 20), end, recorded=True),
        PracticeEvent("requested", day(2026, 11, 1)),
        PracticeEvent("returned", day(2026, 11, 5)),
    ]
    evidence = answers(*((1.0, day(2026, 1, n)) for n in (1, 2, 3)))
    before = rate(rule, evidence, steps, now=day(2026, 12, 7))
    assert (before.practice, before.practice_until, before.met) == (CONFIRMED, end, True)
    assert before.met_until == end
    assert standing(before.met, before.met_until, before.due_from, False, day(2026, 12, 7)) == (
        DUE_SOON
    )
    after = rate(rule, evidence, steps, now=day(2027, 1, 21))
    assert (after.practice, after.practice_until, after.met) == (ACTION_PLAN, None, False)


def test_the_same_question_answered_three_times_is_one_question():
    again = [Evidence(1.0, day(2024, 3, n), "q1", "quiz") for n in (1, 2, 3)]
    assert rate(SECURE, evidence=again).knowledge.level == "Not enough evidence"


def test_rate_learner_rates_only_competencies_with_evidence_and_skips_unknown_codes():
    found = rate_learner(
        [framework(SECURE)], {"T-1.1": SECURE_2024, "GONE-1.1": SECURE_2024}, {}, day(2025, 6)
    )
    assert [r.code for r in found] == ["T-1.1"]
    practice_only = rate_learner(
        [framework(SECURE)], {}, {"T-1.1": CONFIRMED_2025[:1]}, day(2025, 6)
    )
    assert practice_only[0].practice == AWAITING and practice_only[0].knowledge.score is None


def test_no_rule_means_the_top_knowledge_level():
    assert rate(None).met is True
    assert rate(None, evidence=SECURE_2024[:2]).met is False


# The framework file


def write(tmp_path, extra: str, competency_extra: str = ""):
    path = tmp_path / "t.yaml"
    path.write_text(
        dedent(
            """\
            id: t
            title: Test
            version: "0.1"
            publisher: Tests
            source: Tests
            licence: Tests
            scale:
              - name: Not yet
                threshold: 0
              - name: Secure
                threshold: 80
            attainment:
              method: weighted-average
            domains:
              - number: 1
                title: Talking
                summary: Talk.
                competencies:
                  - code: T-1.1
                    name: Listening
                    statement: Listen.
            """
        )
        + competency_extra
        + extra
    )
    return path


def problems(path):
    return [str(p) for p in load_frameworks([path]).problems]


def test_a_met_tree_validity_and_professions_load_from_the_file(tmp_path):
    path = write(
        tmp_path,
        dedent(
            """\
            applies_to: [gp, practice-nurse]
            valid_for: 18m
            met:
              any:
                - practice: confirmed
                - all:
                    - knowledge: Secure
                    - recent: 1y
            """
        ),
        "        valid_for: 1y\n        met:\n          knowledge: Not yet\n",
    )
    (loaded,) = load_frameworks([path]).frameworks
    assert loaded.applies_to == ("gp", "practice-nurse")
    assert loaded.valid_for == Duration(18, 0, "18m") and loaded.renew_within.text == "3m"
    assert loaded.met == AnyOf(
        (PracticeConfirmed(), AllOf((KnowledgeAtLeast("Secure", 1), Recent(parse_duration("1y")))))
    )
    competency = loaded.competencies[0]
    assert competency.valid_for.text == "1y" and competency.met == KnowledgeAtLeast("Not yet", 0)


def test_mistakes_in_rules_are_reported_at_their_lines(tmp_path):
    path = write(
        tmp_path,
        dedent(
            """\
            applies_to: [gp, nurse]
            valid_for: 3 years
            met:
              all:
                - knowledge: Competent
                - practice: observed
                - recent: soon
                - either: []
                - any: []
            """
        ),
    )
    found = problems(path)
    assert found == [
        f"{path}:22: error: unknown profession 'nurse'; known: gp, practice-nurse, pharmacist, "
        "link-worker, care-coordinator, health-coach, other",
        f"{path}:23: error: 'valid_for' must be a number and a unit: y (years), m (months), "
        "w (weeks) or d (days), e.g. 3y or 18m; not '3 years'",
        f"{path}:26: error: 'knowledge' must name a level of the scale; levels: Not yet, Secure",
        f"{path}:27: error: 'practice' can only be 'confirmed'",
        f"{path}:28: error: 'recent' must be a duration such as 1y or 6m, not 'soon'",
        f"{path}:29: error: unknown met rule 'either'; use one of: all, any, knowledge, "
        "practice, recent",
        f"{path}:30: error: 'any' needs a list of one or more rules",
    ]


def test_a_scale_that_says_competent_is_refused(tmp_path):
    path = write(tmp_path, "")
    path.write_text(path.read_text().replace("name: Secure", "name: Competent"))
    assert problems(path) == [
        f"{path}:10: error: scale level 'Competent' says 'competent', but quiz answers show "
        "knowledge; name levels for what they show, e.g. Secure, Developing, Not yet"
    ]


def test_a_level_with_a_faulty_threshold_is_one_error_not_again_at_each_rule_naming_it(tmp_path):
    path = write(
        tmp_path, "met:\n  knowledge: Secure\n", "        met:\n          knowledge: Secure\n"
    )
    path.write_text(path.read_text().replace("threshold: 80", "threshold: 0"))
    # Secure is still a level of the scale: its threshold is the one mistake, at its line.
    assert problems(path) == [
        f"{path}:11: error: scale must be ascending: each threshold must be above the one "
        "before (0)"
    ]


def test_a_rule_naming_no_level_lists_the_faulty_levels_too(tmp_path):
    path = write(tmp_path, "met:\n  knowledge: Secur\n")
    path.write_text(path.read_text().replace("threshold: 80", "threshold: 0"))
    assert problems(path) == [
        f"{path}:11: error: scale must be ascending: each threshold must be above the one "
        "before (0)",
        f"{path}:23: error: 'knowledge' must name a level of the scale (did you mean 'Secure'?); "
        "levels: Not yet, Secure",
    ]


@pytest.mark.parametrize("name", ["splw", "referrer"])
def test_the_course_frameworks_ask_for_practice_and_name_their_professions(name):
    from pathlib import Path

    root = Path(__file__).parents[2] / "competencies"
    (loaded,) = load_frameworks([root / f"{name}.yaml"]).frameworks
    assert loaded.met == AllOf((KnowledgeAtLeast("Secure", 2), PracticeConfirmed()))
    # Secure is the top of the scale: nothing "above" it to reach.
    assert loaded.met.describe() == "knowledge rated Secure and practice confirmed by a supervisor"
    assert DEVELOPING.describe() == "knowledge rated Developing or above"
    expected = {
        "splw": ("link-worker", "care-coordinator", "health-coach"),
        "referrer": ("gp", "practice-nurse", "pharmacist", "other"),
    }
    assert loaded.applies_to == expected[name]


def test_a_recorded_confirmation_ends_on_its_own_date_whatever_valid_for_says_now():
    # Confirmed in January 2025 under three years: its decision recorded 12 January 2028.
    confirmed = PracticeEvent("confirmed", day(2025, 1, 12), day(2028, 1, 12), True)
    practice, rule, one_year = (
        [CONFIRMED_2025[0], confirmed],
        PracticeConfirmed(),
        parse_duration("1y"),
    )
    # valid_for cut to a year since: it still confirms in June 2026, until its own date.
    cut = rate(rule, [], practice, now=day(2026, 6), valid_for=one_year)
    assert (cut.practice, cut.met, cut.met_until) == (CONFIRMED, True, day(2028, 1, 12))
    # Three months before 9am GMT on 12 January is 9am BST (8:00 UTC) on 12 October: the
    # UK wall clock, as people read the day.
    assert cut.due_from == day(2027, 10, 12).replace(hour=8)
    # valid_for removed: it still ends on that date.
    gone = rate(rule, [], practice, now=day(2028, 1, 12), valid_for=None)
    assert (gone.practice, gone.met, gone.expired) == (CONFIRMATION_EXPIRED, False, True)
    # Recorded with no end date, it never ends, whatever valid_for says now.
    endless = [PracticeEvent("confirmed", day(2025, 1, 12), None, True)]
    assert rate(rule, [], endless, now=day(2040, 1)).practice == CONFIRMED
    # Not recorded (given before migration 0032): it ends valid_for after it was given.
    unrecorded = rate(rule, [], CONFIRMED_2025, now=day(2026, 6), valid_for=one_year)
    assert (unrecorded.practice, unrecorded.met) == (CONFIRMATION_EXPIRED, False)


def test_answers_still_expire_by_valid_for_beside_a_recorded_confirmation():
    confirmed = [PracticeEvent("confirmed", day(2025, 1, 12), day(2028, 1, 12), True)]
    rule = AllOf((SECURE, PracticeConfirmed()))
    rating = rate(rule, practice=confirmed, now=day(2025, 6), valid_for=parse_duration("1y"))
    # The March 2024 answers lapsed in March 2025: the rule about evidence is today's.
    assert (rating.knowledge.level, rating.practice, rating.met) == (
        "Not enough evidence",
        CONFIRMED,
        False,
    )
