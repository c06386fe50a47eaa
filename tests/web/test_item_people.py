"""Item analysis counts people as well as answers, and draws no verdict from a handful."""

import re
from dataclasses import replace

import pytest

from app.content import catalogue
from app.domain.quizzes.versions import version_of
from app.services.item_stats import find_quiz, item_report
from tests.conftest import sign_in
from tests.web.item_data import QUIZ, add_attempts, add_learners
from tests.web.test_html_valid import nu_errors

CHECK = "referral-routes-check-1"  # a knowledge check of one question
ONE = ["rr-check1-q1"]
THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


@pytest.fixture
def trainer(client, make_user):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    return client


def summary(page: str, key: str) -> str:
    found = re.search(rf"{key}\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", page, re.S)
    assert found, key
    return found.group(1)


def repeats(app):
    """One learner answers the check 23 times (one wrong), another once (right)."""
    with app.app_context():
        first, second = add_learners(2)
        add_attempts(
            [[1]] * 22 + [[0], [1]],
            ONE,
            users=[first] * 23 + [second],
            quiz_id=CHECK,
            numbers=[*range(1, 24), 1],
        )


def test_repeat_answers_by_one_learner_are_not_counted_as_more_learners(app, trainer):
    repeats(app)
    page = trainer.get(f"/author/quizzes/{CHECK}/items").text
    assert summary(page, "Graded attempts") == "24"
    assert summary(page, "People") == "2"
    assert "Answered 24 times by 2 people ·" in page
    assert '24<br><span class="nhsuk-u-font-size-16">by 2 people</span></td>' in page
    assert "24 attempts by 2 people: some took it more than once" in page
    # The few-answers rule counts people: 2 is too few, and no verdict is drawn.
    assert "Too few answers to judge (2 people, 24 answers; judged from 20 people)." in page
    assert "is above 0.9" not in page and "everyone" not in page
    assert "nhsuk-tag--orange" not in page
    first = trainer.get(f"/author/quizzes/{CHECK}/items?first=1").text
    assert summary(first, "Graded attempts") == "2" and summary(first, "People") == "2"
    assert "some took it more than once" not in first


def test_a_one_question_check_shows_neither_discrimination_nor_upper_lower(app, trainer):
    repeats(app)
    page = trainer.get(f"/author/quizzes/{CHECK}/items").text
    assert "discrimination – · upper-lower – (no discrimination or upper-lower: the rest" in page
    assert "upper-lower 0." not in page


def test_one_answer_shows_only_the_counts(app, trainer):
    with app.app_context():
        add_attempts([[0, 0, 0]], THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert summary(page, "Mean score") == "0% (one attempt: no standard deviation)"
    assert "standard deviation 0" not in page
    assert "upper-lower 0.00" not in page and "upper-lower – (no discrimination" in page
    # Facility 0.00 from one answer: no "too hard", and no advice to check the marked answer.
    assert "Too few answers to judge (1 person; judged from 20 people)." in page
    assert "is below 0.3" not in page and "Check the marked answer" not in page


def test_enough_people_get_the_verdicts_in_words_about_answers(app, trainer):
    with app.app_context():
        add_attempts([[1, 1, 1]] * 23 + [[0, 0, 1]], THREE)
    page = trainer.get(f"/author/quizzes/{QUIZ}/items").text
    assert "Facility 0.96 is above 0.9: nearly every answer earns the marks." in page
    assert "everyone" not in page and "Too few answers" not in page


def test_answers_to_a_moved_question_count_each_person_once(app):
    # Four learners answered rr-q22 as it stood 40 lines down, then as it stands today: one
    # row, eight answers, four people (not the eight a sum of its versions would give).
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        question = quiz.question("rr-q22")
        choices = tuple(replace(c, line=c.line + 40) for c in question.choices)
        older = version_of(
            QUIZ, quiz.path, replace(question, line=question.line + 40, choices=choices)
        )
        users = add_learners(4)
        add_attempts(HAND, THREE, users=users, versions={"rr-q22": older})
        add_attempts(HAND, THREE, users=users, numbers=[2] * 4)
        report = item_report(QUIZ)
    [row] = [r for r in report.questions if r.question_id == "rr-q22"]
    assert (row.figures.answered, row.figures.people, row.figures.people_exact) == (8, 4, True)
    assert report.people == 4 and report.attempts == 8


def test_the_pages_with_people_counts_are_valid_html(app, trainer, tmp_path):
    repeats(app)
    pages = {"check": trainer.get(f"/author/quizzes/{CHECK}/items").text}
    assert nu_errors(pages, tmp_path) == []


def test_a_row_holding_one_version_moved_to_it_counts_that_versions_people():
    from app.services.item_rows import people_per_row

    # Only the earlier version was answered; it moved to the current one, whose row holds it.
    assert people_per_row({"earlier": 3}, {"earlier": "current"}) == {"current": (3, True)}
