"""The item analysis' mean score and spread come from each attempt's points over the points
it could earn, not from its stored percentage (a whole number, rounded down)."""

import math

import pytest
from sqlalchemy import select, update

from app import db
from app.models import Attempt
from app.services.item_stats import item_report
from tests.conftest import sign_in
from tests.web.item_data import QUIZ, add_attempts

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def test_the_mean_and_spread_are_of_points_over_points_possible_worked_by_hand(app, runner):
    # Scores 3, 2, 1 and 0 of 3: 100%, 66.67%, 33.33% and 0%, stored as 100, 66, 33 and 0.
    # Mean (100 + 200/3 + 100/3 + 0) / 4 = 50 exactly (the stored ones make 49.75).
    # Deviations 50, 50/3, -50/3, -50: population variance (2 x 2500 + 2 x 2500/9) / 4
    # = 12500/9, SD 37.27 (the stored ones make 37.03).
    with app.app_context():
        ids = add_attempts(HAND, THREE)
        stored = db.session().scalars(select(Attempt.percent).where(Attempt.id.in_(ids))).all()
        assert sorted(stored) == [0, 33, 66, 100]
        report = item_report(QUIZ)
    assert report.mean_percent == pytest.approx(50.0)
    assert report.sd_percent == pytest.approx(math.sqrt(12500 / 9))
    printed = runner.invoke(args=["item-stats", QUIZ])
    assert printed.exit_code == 0, printed.output
    assert "4 graded attempts by 4 people; 3 questions each; mean 50.00%, SD 37.27;" in (
        printed.output
    )


def test_the_page_rounds_the_true_mean_not_a_mean_of_rounded_down_scores(app, client, make_user):
    # Three attempts of 2 of 3 points: 66.67% each, stored as 66. The page says 67%.
    with app.app_context():
        add_attempts([[1, 1, 0]] * 3, THREE)
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    page = client.get(f"/author/quizzes/{QUIZ}/items").text
    assert "67% (standard deviation 0)" in page
    assert "66%" not in page


def test_an_attempt_with_no_points_possible_counts_its_stored_percentage(app):
    # Attempts graded before the points possible were kept: their stored percentage is all
    # that is known of their score.
    with app.app_context():
        ids = add_attempts(HAND, THREE)
        db.session().execute(
            update(Attempt).where(Attempt.id == ids[1]).values(points_possible=None)
        )
        db.session().commit()
        report = item_report(QUIZ)
    assert report.mean_percent == pytest.approx((100 + 66 + 100 / 3 + 0) / 4)
    assert dict(report.distribution)["60-69"] == 1 and dict(report.distribution)["30-39"] == 1
