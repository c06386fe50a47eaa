"""Mastery maths: each attainment method by hand, the scale, domain roll-ups and invariants."""

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.competencies import (
    ATTAINMENT_METHODS,
    INSUFFICIENT_EVIDENCE,
    Attainment,
    DomainRollup,
    Evidence,
    UnknownAttainmentMethod,
    attainment,
    attainment_method,
    domain_rollup,
)
from app.domain.framework_files import load_frameworks
from app.domain.frameworks import (
    AttainmentSettings,
    Competency,
    Domain,
    Framework,
    ProficiencyLevel,
)

SPLW_YAML = Path(__file__).parents[2] / "competencies" / "splw.yaml"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
DEFAULTS = AttainmentSettings("weighted-average")  # latest_weight 0.65, minimum_evidence 3
SCALE = tuple(map(ProficiencyLevel, ("Not yet", "Developing", "Secure"), (0, 50, 80)))
CODES = ("T-1.1", "T-1.2", "T-1.3")
COMPETENCIES = tuple(Competency(code, code, "Do it.", 1, "t") for code in CODES)
COMMUNICATION = Domain(1, "Communication", "Talking with people.", COMPETENCIES)
FRAMEWORK = Framework(
    "t", "Test", "0.1", "Tests", "Tests", "Tests", SCALE, DEFAULTS, (COMMUNICATION,), "t.yaml"
)


def results(*scores: float) -> list[Evidence]:
    """Return evidence a day apart, oldest first."""
    return [Evidence(s, START + timedelta(days=n)) for n, s in enumerate(scores)]


def score(method: str, evidence, settings: AttainmentSettings = DEFAULTS) -> float:
    return attainment_method(method, FRAMEWORK).score(evidence, settings)


def rate(evidence, method: str = "weighted-average", **settings) -> Attainment:
    return attainment(evidence, FRAMEWORK, AttainmentSettings(method, **settings))


# Evidence


def test_evidence_refuses_a_score_outside_zero_to_one():
    for bad in (-0.1, 1.01, float("nan")):
        with pytest.raises(ValueError, match="fraction from 0 to 1"):
            Evidence(bad, START)


def test_evidence_refuses_a_time_without_a_timezone():
    with pytest.raises(ValueError, match="timezone-aware"):
        Evidence(0.5, datetime(2025, 3, 1, 9, 0))


# Each method by hand


def test_latest_takes_the_most_recent_result_not_the_last_given():
    oldest, middle, newest = results(0.9, 0.2, 0.6)
    assert score("latest", [newest, oldest, middle]) == 60


def test_latest_takes_the_answers_of_one_moment_as_their_mean():
    tied = [Evidence(0.4, START), Evidence(0.7, START), Evidence(0.5, START)]
    assert score("latest", tied) == 53.333333


def test_one_attempt_with_two_of_three_right_is_not_rated_as_if_its_best_answer_came_last():
    # One attempt: its three answers share a moment, so they are one result, 2/3.
    one_attempt = [Evidence(1.0, START), Evidence(1.0, START), Evidence(0.0, START)]
    for method in ("latest", "weighted-average", "decaying-average"):
        assert score(method, one_attempt) == 66.666667, method
    # A later attempt is the latest result: 0.65 * 1.0 + 0.35 * 2/3.
    later = [Evidence(1.0, START + timedelta(days=1)), Evidence(1.0, START + timedelta(days=1))]
    assert score("weighted-average", one_attempt + later) == 88.333333


def test_highest_takes_the_best_result():
    assert score("highest", results(0.4, 0.95, 0.6)) == 95


def test_highest_takes_the_best_attempt_not_its_best_answer():
    # One attempt, one answer right of four: one result, 25%, not 100% (Secure).
    one_attempt = [Evidence(s, START) for s in (1.0, 0.0, 0.0, 0.0)]
    assert score("highest", one_attempt) == 25
    assert rate(one_attempt, method="highest").level == "Not yet"
    # A later attempt of 2 of 3 right (67%) is the better one; neither is Secure.
    later = [Evidence(s, START + timedelta(days=1)) for s in (1.0, 1.0, 0.0)]
    assert score("highest", one_attempt + later) == 66.666667
    assert rate(one_attempt + later, method="highest").level == "Developing"


def test_average_is_the_mean():
    # (0.4 + 0.7 + 0.9) / 3 = 2.0 / 3 = 0.666666... -> 66.666667 (rounded to 6 places)
    assert score("average", results(0.4, 0.7, 0.9)) == 66.666667


def test_average_is_the_mean_of_attempts_each_counted_once():
    # The worked example in docs/competence.md: 2 of 5 right (40%), then 1 of 1 (100%):
    # (0.40 + 1.00) / 2 = 0.70 -> 70%, not the mean of the six answers, 3 / 6 = 50%.
    first = [Evidence(s, START) for s in (1.0, 1.0, 0.0, 0.0, 0.0)]
    second = [Evidence(1.0, START + timedelta(days=1))]
    assert score("average", first + second) == 70
    assert score("highest", first + second) == 100
    assert score("weighted-average", first + second) == 79  # 1.00 * 0.65 + 0.40 * 0.35
    # ... and one attempt of 1 right of 4 followed by none is not lifted by its best answer.
    assert score("average", [Evidence(s, START) for s in (1.0, 0.0, 0.0, 0.0)]) == 25


def test_weighted_average_matches_the_hand_worked_example():
    # latest 0.90 * 0.65 + mean(0.40, 0.70) = 0.55 * 0.35 -> 0.585 + 0.1925 = 0.7775 -> 77.75
    assert score("weighted-average", results(0.4, 0.7, 0.9)) == 77.75


def test_decaying_average_matches_the_hand_worked_example():
    # start 0.40
    # 0.40 * 0.35 + 0.70 * 0.65 = 0.14 + 0.455 = 0.595
    # 0.595 * 0.35 + 0.90 * 0.65 = 0.20825 + 0.585 = 0.79325 -> 79.325
    assert score("decaying-average", results(0.4, 0.7, 0.9)) == 79.325


def test_weighted_average_of_two_results_weighs_the_latest_65_percent():
    # 0.50 * 0.35 + 1.00 * 0.65 = 0.175 + 0.65 = 0.825 -> 82.5
    assert score("weighted-average", results(0.5, 1.0)) == 82.5


def test_weighted_average_of_one_result_is_that_result():
    assert score("weighted-average", results(0.3)) == 30


def test_weighted_average_sorts_by_time_not_by_order_given():
    oldest, middle, newest = results(0.4, 0.7, 0.9)
    assert score("weighted-average", [newest, oldest, middle]) == 77.75


def test_weighted_average_uses_the_latest_weight_in_settings():
    # w = 0.5: 0.40 -> 0.40 * 0.5 + 0.70 * 0.5 = 0.55 -> 0.55 * 0.5 + 0.90 * 0.5 = 0.725
    halves = AttainmentSettings("weighted-average", latest_weight=0.5)
    assert score("weighted-average", results(0.4, 0.7, 0.9), halves) == 72.5


def test_weighted_average_refuses_a_latest_weight_out_of_range():
    with pytest.raises(ValueError, match="latest_weight"):
        score("weighted-average", results(0.4, 0.7), replace(DEFAULTS, latest_weight=0))


def test_n_at_mastery_is_the_share_of_n_results_at_or_above_the_top_threshold():
    # n = minimum_evidence = 3; 0.80 and 0.95 reach 80%, 0.79 does not: 2 / 3 -> 66.666667
    assert score("n-at-mastery", results(0.8, 0.79, 0.95)) == 66.666667


def test_n_at_mastery_scores_100_once_n_results_reach_the_threshold():
    # Three of four at or above 80%: min(3, 3) / 3 = 1 -> 100, whatever came after.
    assert score("n-at-mastery", results(0.8, 0.9, 1.0, 0.2)) == 100


def test_n_at_mastery_uses_the_threshold_of_the_top_level():
    strict = replace(FRAMEWORK, scale=(ProficiencyLevel("No", 0), ProficiencyLevel("Yes", 90)))
    method = attainment_method("n-at-mastery", strict)
    # Only 0.95 reaches 90%: 1 / 3 -> 33.333333
    assert method.score(results(0.85, 0.95, 0.89), DEFAULTS) == 33.333333


def test_n_at_mastery_counts_attempts_at_mastery_not_answers():
    # One attempt with 3 of 4 right is one result of 75%: none at mastery, not three.
    assert score("n-at-mastery", [Evidence(s, START) for s in (1.0, 1.0, 1.0, 0.0)]) == 0
    # One attempt with every answer right is one result at mastery: 1 / 3.
    assert score("n-at-mastery", [Evidence(1.0, START)] * 3) == 33.333333


def test_n_at_mastery_uses_mastery_count_when_settings_carry_one():
    @dataclass(frozen=True)
    class WithCount(AttainmentSettings):
        mastery_count: int | None = None

    # n = 4: three results at mastery -> 3 / 4 = 75
    settings = WithCount("n-at-mastery", mastery_count=4)
    assert score("n-at-mastery", results(0.8, 0.9, 1.0), settings) == 75


def test_unknown_method_names_the_known_ones():
    message = (
        "unknown attainment method 'mean'; "
        "known methods: average, decaying-average, highest, latest, "
    )
    with pytest.raises(UnknownAttainmentMethod, match=message):
        attainment_method("mean")


def test_each_method_is_registered_under_its_own_name():
    assert {name: cls.name for name, cls in ATTAINMENT_METHODS.items()} == {
        name: name
        for name in (
            "latest",
            "highest",
            "average",
            "weighted-average",
            "decaying-average",
            "n-at-mastery",
        )
    }


def test_shipped_framework_uses_a_registered_method():
    (splw,) = load_frameworks([SPLW_YAML]).frameworks
    assert splw.attainment.method in ATTAINMENT_METHODS


# Attainment on the scale


def test_fewer_results_than_the_minimum_is_insufficient_evidence():
    assert rate(results(1.0, 1.0)) == Attainment(None, INSUFFICIENT_EVIDENCE, 2, False)


def test_no_results_is_insufficient_evidence():
    assert rate([]) == Attainment(None, INSUFFICIENT_EVIDENCE, 0, False)


def test_the_minimum_number_of_results_is_rated():
    assert rate(results(1.0, 1.0, 1.0)) == Attainment(100, "Secure", 3, True)


def test_unknown_method_fails_even_without_enough_evidence():
    with pytest.raises(UnknownAttainmentMethod):
        rate([], method="mode")


def test_framework_settings_are_used_unless_others_are_given():
    # Framework: weighted-average -> 77.75, Developing. Override: highest -> 90, Secure.
    evidence = results(0.4, 0.7, 0.9)
    assert attainment(evidence, FRAMEWORK).level == "Developing"
    assert attainment(evidence, FRAMEWORK, AttainmentSettings("highest")).level == "Secure"


@pytest.mark.parametrize(
    ("latest", "level", "proficient"),
    [
        (0.0, "Not yet", False),
        (0.4999, "Not yet", False),
        (0.5, "Developing", False),
        (0.5001, "Developing", False),
        (0.7999, "Developing", False),
        (0.8, "Secure", True),
        (0.8001, "Secure", True),
        (1.0, "Secure", True),
    ],
)
def test_score_maps_to_the_highest_level_whose_threshold_it_reaches(latest, level, proficient):
    rated = rate(results(0.0, 1.0, latest), method="latest")
    assert rated.score == pytest.approx(latest * 100)
    assert (rated.level, rated.proficient) == (level, proficient)


@pytest.mark.parametrize("method", sorted(ATTAINMENT_METHODS))
def test_results_all_exactly_80_percent_are_secure_under_every_method(method):
    # 0.8 * 0.35 + 0.8 * 0.65 is 0.7999999999999999 in floats; the score must still be 80.
    assert rate(results(0.8, 0.8, 0.8, 0.8), method=method).level == "Secure"


def test_worked_example_just_misses_secure():
    rated = attainment(results(0.4, 0.7, 0.9), FRAMEWORK)
    assert (rated.score, rated.level, rated.proficient) == (77.75, "Developing", False)


# Domain roll-up

COMPETENT = Attainment(85.0, "Secure", 3, True)
DEVELOPING = Attainment(60.0, "Developing", 3, False)
UNRATED = Attainment(None, INSUFFICIENT_EVIDENCE, 1, False)


def test_domain_is_proficient_when_every_competency_is():
    by_code = dict.fromkeys(CODES, COMPETENT)
    assert domain_rollup(by_code, COMMUNICATION) == DomainRollup(True, 1.0, 3, 3)


def test_domain_reports_the_share_proficient_of_all_its_competencies():
    # One secure, one developing, one never attempted: 1 / 3 proficient, 2 of 3 rated.
    rollup = domain_rollup({"T-1.1": COMPETENT, "T-1.2": DEVELOPING}, COMMUNICATION)
    assert not rollup.proficient
    assert rollup.share_proficient == pytest.approx(1 / 3)
    assert (rollup.rated, rollup.total) == (2, 3)


def test_insufficient_evidence_counts_as_unrated_and_not_proficient():
    by_code = {"T-1.1": COMPETENT, "T-1.2": COMPETENT, "T-1.3": UNRATED}
    rollup = domain_rollup(by_code, COMMUNICATION)
    assert (rollup.proficient, rollup.rated) == (False, 2)
    assert rollup.share_proficient == pytest.approx(2 / 3)


def test_competencies_outside_the_domain_are_ignored():
    rollup = domain_rollup({"T-1.1": COMPETENT, "OTHER-9.9": COMPETENT}, COMMUNICATION)
    assert (rollup.rated, rollup.total) == (1, 3)


def test_a_domain_without_competencies_is_not_proficient():
    empty = replace(COMMUNICATION, competencies=())
    assert domain_rollup({}, empty).proficient is False


# Invariants

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
TIMES = st.datetimes(datetime(2024, 1, 1), datetime(2026, 1, 1), timezones=ZONES)
SCORES = st.floats(0, 1)
EVIDENCE = st.builds(Evidence, SCORES, TIMES)
ENOUGH = st.lists(EVIDENCE, min_size=3, max_size=12)  # DEFAULTS asks for 3
METHODS = st.sampled_from(sorted(ATTAINMENT_METHODS))
WEIGHTS = st.floats(0, 1, exclude_min=True)


@given(METHODS, ENOUGH, WEIGHTS)
def test_every_method_scores_within_0_and_100(method, evidence, weight):
    assert 0 <= score(method, evidence, replace(DEFAULTS, latest_weight=weight)) <= 100


@given(METHODS, ENOUGH, st.data())
def test_no_method_depends_on_the_order_results_are_given_in(method, evidence, data):
    # Every method sorts by time, to take the answers of one moment as one result.
    shuffled = data.draw(st.permutations(evidence))
    assert score(method, shuffled) == score(method, evidence)


@given(METHODS, st.lists(SCORES, min_size=3, max_size=12), TIMES, st.data())
def test_results_at_the_same_moment_score_alike_in_any_order(method, scores, at, data):
    together = [Evidence(s, at) for s in scores]
    shuffled = data.draw(st.permutations(together))
    assert score(method, shuffled) == score(method, together)


@given(METHODS, st.lists(TIMES, min_size=3, max_size=12))
def test_every_method_scores_100_for_full_marks_and_0_for_none(method, times):
    full_marks = score(method, [Evidence(1.0, at) for at in times])
    if method == "n-at-mastery":
        # n (3) results at mastery score 100; a result is an attempt, the answers at a moment.
        assert full_marks == round(min(len(set(times)), 3) / 3 * 100, 6)
    else:
        assert full_marks == 100
    assert score(method, [Evidence(0.0, at) for at in times]) == 0


@given(METHODS, st.lists(st.lists(SCORES, min_size=1, max_size=5), min_size=1, max_size=6))
def test_every_method_rates_an_attempt_by_its_mean_never_its_best_answer(method, attempts):
    # Each attempt's answers share a moment; the score equals that of one answer per attempt
    # scoring the attempt's mean.
    answers, means = [], []
    for day, scores in enumerate(attempts):
        at = START + timedelta(days=day)
        answers += [Evidence(s, at) for s in scores]
        means.append(Evidence(math.fsum(scores) / len(scores), at))
    assert score(method, answers) == score(method, means)


@given(st.lists(st.lists(SCORES, min_size=1, max_size=5), min_size=1, max_size=6))
def test_average_is_weighted_average_with_every_attempt_weighed_alike(attempts):
    answers = [
        Evidence(s, START + timedelta(days=day)) for day, scores in enumerate(attempts)
        for s in scores
    ]  # fmt: skip
    alike = replace(DEFAULTS, latest_weight=1 / len(attempts))
    assert score("average", answers) == pytest.approx(
        score("weighted-average", answers, alike), abs=1e-5
    )


@given(ENOUGH)
def test_weighted_average_with_all_weight_on_the_latest_is_latest(evidence):
    assert score("weighted-average", evidence, replace(DEFAULTS, latest_weight=1)) == score(
        "latest", evidence
    )


@given(ENOUGH, WEIGHTS)
def test_weighted_average_lies_between_the_lowest_and_highest_result(evidence, weight):
    weighted = score("weighted-average", evidence, replace(DEFAULTS, latest_weight=weight))
    lowest = min(e.score for e in evidence) * 100
    assert lowest - 1e-6 <= weighted <= score("highest", evidence) + 1e-6


def test_a_framework_with_an_unknown_method_is_reported_at_its_line(tmp_path):
    from pathlib import Path

    from app.domain.framework_files import load_frameworks

    text = (
        Path("competencies/splw.yaml")
        .read_text()
        .replace("method: weighted-average", "method: weighted-avrage")
    )
    target = tmp_path / "competencies" / "splw.yaml"
    target.parent.mkdir()
    target.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "weighted-avrage" in row)
    problems = [str(p) for p in load_frameworks([target]).problems]
    assert any(
        f":{line}: error: unknown attainment method 'weighted-avrage' (did you mean "
        "'weighted-average'?)" in p
        for p in problems
    ), problems
