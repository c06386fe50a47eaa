"""Item analysis figures from sums: against a hand-worked example and an independent count."""

import math
import random
import statistics
from collections import Counter

import pytest

from app.domain import item_analysis as ia
from app.domain.item_flags import item_flags, longest_is_right, reliability_flag

# Four attempts at three right-or-wrong questions worth 1 point each (rows are attempts).
MATRIX = [
    [1, 1, 1],
    [1, 1, 0],
    [1, 0, 0],
    [0, 0, 0],
]


def sums_of(matrix, column, points=1.0):
    """Return one question's sums the way the database adds them up."""
    totals = [sum(row) for row in matrix]
    count = len(matrix)
    groups = ia.groups(Counter(totals))
    upper = [groups.upper(t) for t in totals]
    lower = [groups.lower(t) for t in totals]
    xs = [row[column] for row in matrix]
    return ia.ItemSums(
        n=count,
        sum_x=sum(xs),
        sum_xx=sum(x * x for x in xs),
        sum_t=sum(totals),
        sum_tt=sum(t * t for t in totals),
        sum_xt=sum(x * t for x, t in zip(xs, totals, strict=True)),
        upper_n=sum(upper),
        upper_x=sum(w * x for w, x in zip(upper, xs, strict=True)),
        lower_n=sum(lower),
        lower_x=sum(w * x for w, x in zip(lower, xs, strict=True)),
    )


def totals_of(matrix):
    totals = [sum(row) for row in matrix]
    return ia.TotalSums(len(totals), sum(totals), sum(t * t for t in totals))


def test_hand_worked_facility_discrimination_and_upper_lower():
    # Question 1: x = 1,1,1,0; rest = 2,1,0,0; var x = 3/16, var rest = 11/16,
    # cov = 3/16, so r = sqrt(3/11). Top 27% of 4 attempts is ceil(1.08) = 2 of them.
    first = ia.item_figures(sums_of(MATRIX, 0), 1.0)
    assert first.facility == 0.75
    assert first.discrimination == pytest.approx(math.sqrt(3 / 11))
    assert first.upper_lower == pytest.approx(1.0 - 0.5)
    # Question 2: x = 1,1,0,0; rest = 2,1,1,0; var 1/4 and 1/2, cov 1/4: r = 1/sqrt(2).
    second = ia.item_figures(sums_of(MATRIX, 1), 1.0)
    assert second.facility == 0.5
    assert second.discrimination == pytest.approx(1 / math.sqrt(2))
    assert second.upper_lower == pytest.approx(1.0)
    third = ia.item_figures(sums_of(MATRIX, 2), 1.0)
    assert third.facility == 0.25
    assert third.upper_lower == pytest.approx(0.5)


def test_hand_worked_kr20():
    # p = .75, .5, .25: sum of pq = .625; totals 3,2,1,0 have variance 1.25;
    # KR-20 = 3/2 * (1 - .625/1.25) = .75.
    items = [
        (sums_of(MATRIX, c), ia.item_figures(sums_of(MATRIX, c), 1).variance) for c in range(3)
    ]
    assert ia.reliability(totals_of(MATRIX), items, 3) == pytest.approx(0.75)


def test_a_question_everyone_gets_right_has_no_discrimination():
    figures = ia.item_figures(sums_of([[1, 0], [1, 1], [1, 0]], 0), 1.0)
    assert figures.facility == 1.0
    assert figures.discrimination is None


def test_upper_and_lower_groups_are_27_percent_rounded_up():
    groups = ia.groups(Counter(range(10)))
    assert groups.size == 3
    assert [groups.upper(t) for t in range(10)] == [0.0] * 7 + [1.0] * 3
    assert [groups.lower(t) for t in range(10)] == [1.0] * 3 + [0.0] * 7
    assert ia.groups(Counter(range(100))).size == 27


def test_tied_totals_share_the_places_left_in_a_group():
    # Ten attempts: totals 5, 4, 4, 4, 3, ... The top 27% is 3 attempts: the 5 and two of
    # the three 4s, so each 4 counts two thirds, whatever order they were stored in.
    groups = ia.groups(Counter([5, 4, 4, 4, 3, 2, 2, 1, 0, 0]))
    assert groups.upper(5) == 1.0 and groups.upper(4) == pytest.approx(2 / 3)
    assert groups.upper(3) == 0.0
    assert groups.lower(0) == 1.0 and groups.lower(1) == 1.0 and groups.lower(2) == 0.0
    assert sum(groups.upper(t) for t in [5, 4, 4, 4, 3, 2, 2, 1, 0, 0]) == pytest.approx(3)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_agree_with_an_independent_computation(seed):
    rng = random.Random(seed)
    ability = [rng.gauss(0, 1) for _ in range(60)]
    points = [1.0, 2.0, 1.0, 0.5]
    matrix = [
        [
            p * (rng.random() < 1 / (1 + math.exp(-(a - d))))
            for p, d in zip(points, (0, 1, -1, 0), strict=True)
        ]
        for a in ability
    ]
    totals = [sum(row) for row in matrix]
    item_variances = []
    for column, worth in enumerate(points):
        xs = [row[column] for row in matrix]
        rest = [t - x for t, x in zip(totals, xs, strict=True)]
        figures = ia.item_figures(sums_of(matrix, column, worth), worth)
        assert figures.facility == pytest.approx(statistics.mean(xs) / worth)
        assert figures.discrimination == pytest.approx(statistics.correlation(xs, rest))
        item_variances.append(statistics.pvariance(xs))
    k = len(points)
    alpha = k / (k - 1) * (1 - sum(item_variances) / statistics.pvariance(totals))
    items = [
        (sums_of(matrix, c), ia.item_figures(sums_of(matrix, c), w).variance)
        for c, w in enumerate(points)
    ]
    assert ia.reliability(totals_of(matrix), items, k) == pytest.approx(alpha)


def test_flags_name_the_figure_and_the_threshold():
    easy = ia.ItemFigures(
        answered=50, facility=0.95, discrimination=0.05, upper_lower=0.0, variance=0.05
    )
    codes = [flag.code for flag in item_flags(easy, ["Ask the GP"])]
    assert codes == ["too-easy", "weak-discrimination", "unused-distractor"]
    reasons = " ".join(flag.reason for flag in item_flags(easy, ["Ask the GP"]))
    assert "0.95 is above 0.9" in reasons and "'Ask the GP'" in reasons
    hard = ia.ItemFigures(
        answered=5, facility=0.2, discrimination=0.4, upper_lower=0.3, variance=0.16
    )
    assert [flag.code for flag in item_flags(hard, ["x"])] == ["few-answers"]
    hard = ia.ItemFigures(
        answered=50, facility=0.2, discrimination=0.4, upper_lower=0.3, variance=0.16
    )
    [flag] = item_flags(hard, [])
    assert flag.reason == "facility 0.20 is below 0.3: most answers miss the marks"
    fine = ia.ItemFigures(
        answered=50, facility=0.6, discrimination=0.35, upper_lower=0.4, variance=0.24
    )
    assert item_flags(fine, []) == ()


def test_longest_right_answer_in_most_single_choice_questions_is_flagged():
    long_right = [("a much longer and careful answer", True), ("no", False), ("never", False)]
    short_right = [("yes", True), ("a long wrong answer here", False), ("no", False)]
    flag = longest_is_right([long_right, long_right, short_right])
    assert flag is not None and "2 of the 3 single-choice questions" in flag.reason
    assert "not counted" not in flag.reason
    assert longest_is_right([long_right, short_right]) is None


def test_the_longest_choice_flag_says_two_choice_questions_are_not_counted():
    # The bank lists two single-choice questions, one of them with two choices: the flag
    # must not read "1 of 1 single-choice questions" as if that were all of them.
    long_right = [("a much longer and careful answer", True), ("no", False), ("never", False)]
    two = [("a long right answer to pick", True), ("no", False)]
    flag = longest_is_right([long_right, two])
    assert flag.reason == (
        "the right answer is the longest choice in 1 of the 1 single-choice questions with "
        "three or more choices (1 two-choice question not counted)"
    )
    assert "(2 two-choice questions not counted)" in longest_is_right([long_right, two, two]).reason


def test_distribution_puts_100_percent_in_the_top_band():
    bands = dict(ia.distribution({0: 2, 55: 1, 90: 3, 100: 4}))
    assert bands["0-9"] == 2 and bands["50-59"] == 1 and bands["90-100"] == 7


def test_a_subtotal_added_in_another_order_stays_in_its_band():
    # 1/3 + 2/3 + 1/2 of 3 points is 50%, but 2/3 + 1/2 + 1/3 gives 1.4999999999999998:
    # parallel workers add an attempt's answers in whatever order they meet them.
    in_order, other_order = (1 / 3 + 2 / 3) + 1 / 2, (2 / 3 + 1 / 2) + 1 / 3
    assert in_order != other_order
    for subtotal in (in_order, other_order):
        bands = dict(ia.distribution({100 * subtotal / 3: 1}))
        assert bands["50-59"] == 1, subtotal


def test_a_discrimination_that_rounds_to_zero_is_not_called_negative():
    near = ia.ItemFigures(
        answered=50, facility=0.5, discrimination=-0.003, upper_lower=0.0, variance=0.25
    )
    [flag] = item_flags(near, [])
    assert flag.reason.startswith("discrimination 0.00 is below 0.1: ")
    assert "do better on this question" not in flag.reason
    assert "does not tell attempts that do well on the rest of the quiz from those" in flag.reason
    below = ia.ItemFigures(
        answered=50, facility=0.5, discrimination=-0.2, upper_lower=-0.1, variance=0.25
    )
    [flag] = item_flags(below, [])
    assert flag.reason.startswith("discrimination -0.20 is below 0.1: ")
    assert "attempts that score worse on the rest of the quiz do better on this question" in (
        flag.reason
    )


def test_a_csv_figure_is_never_negative_zero():
    from app.domain.item_csv import figure

    assert [str(figure(v)) for v in (-0.0004, -0.0, 0.0004, -0.0006)] == [
        "0.000",
        "0.000",
        "0.000",
        "-0.001",
    ]


def test_one_answer_is_counted_in_the_singular():
    one = ia.ItemFigures(
        answered=1, facility=1.0, discrimination=None, upper_lower=None, variance=0
    )
    assert item_flags(one, [])[0].reason == (
        "too few answers to judge (1 person; judged from 20 people)"
    )


def test_a_negative_reliability_is_flagged_with_what_it_means_and_what_to_do():
    flag = reliability_flag(-0.27, 40)
    assert flag.code == "low-reliability"
    assert flag.reason == (
        "reliability -0.27 is below 0: the questions do not measure the same thing together, "
        "and learners who do well on some tend to do worse on others"
    )
    assert flag.advice.startswith(
        "Look first at the questions flagged for weak or negative discrimination"
    )


def test_a_reliability_near_zero_is_flagged_and_never_called_negative_when_it_shows_0_00():
    near = reliability_flag(-0.003, 40)
    assert near.reason.startswith(
        "reliability 0.00 is near 0: the questions do not measure the same thing together, "
        "so the total says little about what a learner knows"
    )
    assert reliability_flag(0.09, 40).reason.startswith("reliability 0.09 is near 0")
    assert reliability_flag(0.1, 40) is None and reliability_flag(None, 40) is None


def test_a_low_reliability_from_few_attempts_says_to_wait_for_more():
    flag = reliability_flag(-0.27, 6)
    assert flag.reason == (
        "reliability -0.27 is low, but there are too few attempts to judge "
        "(6 people; judged from 20 people)"
    )
    assert flag.advice == "Wait for more attempts before changing the quiz because of it."


def test_a_low_reliability_counts_people_not_attempts():
    # 24 attempts by 2 people: too few to judge, however often they took it.
    flag = reliability_flag(-0.27, 24, 2)
    assert "(2 people, 24 attempts; judged from 20 people)" in flag.reason
    assert "do not measure the same thing" not in flag.reason
    assert reliability_flag(-0.27, 24, 20).reason.startswith("reliability -0.27 is below 0: ")


def test_below_the_minimum_sample_only_the_counts_are_shown():
    # One person answered a knowledge check 23 times, nearly always rightly, and another
    # once: 24 answers from 2 people is no ground for "too easy", nor one wrong answer for
    # "too hard" and its advice.
    repeats = ia.ItemFigures(
        answered=24,
        facility=0.96,
        discrimination=None,
        upper_lower=None,
        variance=0.04,
        people=2,
    )
    [flag] = item_flags(repeats, ["Never"])
    assert flag.code == "few-answers"
    assert flag.reason == "too few answers to judge (2 people, 24 answers; judged from 20 people)"
    assert flag.advice == "Wait for more answers before changing the question."
    one = ia.ItemFigures(
        answered=1, facility=0.0, discrimination=None, upper_lower=None, variance=0.0, people=1
    )
    assert [f.code for f in item_flags(one, [])] == ["few-answers"]
    # Twenty people: the verdicts are drawn, and they speak of answers, not of everyone.
    many = ia.ItemFigures(
        answered=40,
        facility=0.96,
        discrimination=0.3,
        upper_lower=0.2,
        variance=0.04,
        people=20,
    )
    [flag] = item_flags(many, [])
    assert flag.reason == "facility 0.96 is above 0.9: nearly every answer earns the marks"
    assert "everyone" not in flag.reason


def test_people_known_only_as_the_fewest_are_said_so():
    figures = ia.ItemFigures(
        answered=10,
        facility=0.5,
        discrimination=None,
        upper_lower=None,
        variance=0.25,
        people=6,
        people_exact=False,
    )
    assert item_flags(figures, [])[0].reason == (
        "too few answers to judge (6 or more people, 10 answers; judged from 20 people)"
    )


def test_discrimination_and_upper_lower_are_left_out_together_with_the_reason():
    # One attempt: the upper and lower groups are the same attempt.
    one = ia.item_figures(sums_of([[1, 1]], 0), 1)
    assert (one.discrimination, one.upper_lower) == (None, None)
    assert one.not_shown == "one answer: nothing to compare it with"
    # A one-question check: the rest of every attempt is 0, so there is no discrimination,
    # and an upper-lower from the total would only set the question against itself.
    single = [[1], [1], [0], [1], [0], [1], [1]]
    figures = ia.item_figures(sums_of(single, 0), 1)
    assert (figures.discrimination, figures.upper_lower) == (None, None)
    assert figures.not_shown.startswith("the rest of the attempt scored the same every time")
    # Everyone right: no spread on the question.
    same = ia.item_figures(sums_of([[1, 0], [1, 1], [1, 0]], 0), 1)
    assert (same.discrimination, same.upper_lower, same.not_shown) == (
        None,
        None,
        "every answer scored the same",
    )


def test_one_attempt_has_no_standard_deviation():
    assert ia.mean_and_sd(ia.TotalSums(1, 2.0, 4.0)) == (2.0, None)
    mean, sd = ia.mean_and_sd(ia.TotalSums(2, 2.0, 4.0))
    assert (mean, sd) == (1.0, 1.0)
