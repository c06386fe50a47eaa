"""The item analysis numbers rows by the question as it stands in the quiz (as the question
bank does), keeps earlier versions under their question, told apart by when they were first
answered, and shows today's version of an edited question even before anyone answers it."""

import csv
from dataclasses import replace

import pytest

from app.content import catalogue
from app.domain.quizzes.versions import version_of
from app.services.item_stats import find_quiz, item_report
from tests.conftest import sign_in
from tests.web.item_data import QUIZ, add_attempts, add_learners, question_place

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def wording(quiz, text: str):
    return version_of(QUIZ, quiz.path, replace(quiz.question("rr-q22"), text=text))


@pytest.fixture
def edited_twice(app):
    """Attempts at two earlier wordings of rr-q22 (the older answered first) and none at
    today's; rr-q23 and rr-q24 answered as they stand."""
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        first, second = wording(quiz, "The first wording?"), wording(quiz, "The second wording?")
        users = add_learners(8)
        # The later wording is added first: the order is when they were answered.
        add_attempts(HAND, THREE, users=users[4:], days=[9] * 4, versions={"rr-q22": second})
        add_attempts(HAND, THREE, users=users[:4], days=[0] * 4, versions={"rr-q22": first})
        return first.hash, second.hash


def test_earlier_versions_sit_under_todays_question_numbered_oldest_first(app, edited_twice):
    first, second = edited_twice
    with app.app_context():
        report = item_report(QUIZ)
        today = find_quiz(QUIZ, catalogue()).versions["rr-q22"].hash
    rows = [(r.heading, r.status, r.version, r.figures.answered, r.label) for r in report.questions]
    line = question_place("rr-q22")
    assert rows[:3] == [
        ("Q1 rr-q22", "current", today, 0, "No answers yet"),
        ("Q1 rr-q22", "earlier", first, 4, "Earlier version 1 of 2"),
        ("Q1 rr-q22", "earlier", second, 4, "Earlier version 2 of 2"),
    ]
    assert [r.place for r in report.questions[:3]] == [
        line,
        f"{line} (earlier version 1 of 2)",
        f"{line} (earlier version 2 of 2)",
    ]
    # The next questions keep their numbers in the quiz, whatever rows come before them.
    assert [r.heading for r in report.questions[3:]] == ["Q2 rr-q23", "Q3 rr-q24"]
    # The figures count the answered rows only: 8 attempts of 3 questions.
    assert report.attempts == 8 and report.per_attempt == 3


def test_the_page_and_csv_name_each_row_as_the_quiz_numbers_it(
    app, client, make_user, edited_twice
):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    page = client.get(f"/author/quizzes/{QUIZ}/items").text
    assert ">Q2 rr-q23</a>" in page and ">Q3 rr-q24</a>" in page
    assert "Q4 rr-q23" not in page and "Q5 rr-q24" not in page
    assert "Earlier version 1 of 2" in page and "Earlier version 2 of 2" in page
    assert "No answers yet" in page
    sheet = client.get(f"/author/quizzes/{QUIZ}/items.csv").text
    places = [row[2] for row in csv.reader(sheet.splitlines()) if row[0] == "rr-q22"]
    line = question_place("rr-q22")
    assert places == [
        line,
        f"{line} (earlier version 1 of 2)",
        f"{line} (earlier version 2 of 2)",
    ]


def test_the_command_says_todays_version_has_no_answers_yet_as_the_page_does(
    app, runner, edited_twice
):
    text = runner.invoke(args=["item-stats", QUIZ]).output
    line = question_place("rr-q22")
    today = text.split(f"{line}: rr-q22: ", 1)[1].split("\n", 1)[0]
    assert today == "no answers yet"
    assert "answered 0" not in text
    # Its options are still listed, the right ones starred, with no share to show.
    options = text.split(f"{line}: rr-q22: no answers yet\n", 1)[1].split(f"{line} (", 1)[0]
    assert options.splitlines() and all(
        o.startswith(("    * ", "      ")) and not o[6:].startswith("- ")
        for o in options.splitlines()
    )


def test_versions_of_a_removed_question_are_numbered_apart_oldest_first(app, client, make_user):
    # rr-gone was edited once, then deleted from the file: two versions, the same place.
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        gone = replace(quiz.question("rr-q22"), id="rr-gone")
        first = version_of(QUIZ, quiz.path, replace(gone, text="The first wording?"))
        second = version_of(QUIZ, quiz.path, replace(gone, text="The second wording?"))
        users = add_learners(8)
        asked = ["rr-gone", *THREE[1:]]
        add_attempts(HAND, asked, users=users[4:], days=[9] * 4, versions={"rr-gone": second})
        add_attempts(HAND, asked, users=users[:4], days=[0] * 4, versions={"rr-gone": first})
        report = item_report(QUIZ)
    rows = [r for r in report.questions if r.question_id == "rr-gone"]
    assert [(r.version, r.label) for r in rows] == [
        (first.hash, "No longer in the quiz: version 1 of 2"),
        (second.hash, "No longer in the quiz: version 2 of 2"),
    ]
    line = quiz.question("rr-q22").line
    was = f"content/quizzes/{QUIZ}.md (no longer in the quiz"
    assert [r.place for r in rows] == [
        f"{was}; version 1 of 2, was at line {line})",
        f"{was}; version 2 of 2, was at line {line})",
    ]
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    page = client.get(f"/author/quizzes/{QUIZ}/items").text
    assert "No longer in the quiz: version 1 of 2" in page
    assert "No longer in the quiz: version 2 of 2" in page
