"""A question whose lines were wrapped at other words (no word changed) keeps one row of
statistics: learners read the same question. Each attempt keeps the version it showed."""

from dataclasses import replace

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.quizzes.versions import version_of
from app.models import Answer
from app.services.item_stats import find_quiz, item_report
from tests.web.item_data import QUIZ, add_attempts, add_learners, question_place

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def rewrapped(text: str) -> str:
    """Return the text with every line break a space and one put in at another word, each
    line ending in a space: what a trainer's editor does when it re-wraps a paragraph."""
    words = " ".join(text.split("\n")).split(" ")
    return " ".join(words[:3]) + " \n" + " ".join(words[3:])


def test_answers_to_a_rewrapped_question_count_in_todays_row(app, runner):
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        today = quiz.question("rr-q22")
        assert "\n" in today.text
        choice = replace(today.choices[0], text=rewrapped(today.choices[0].text))
        older = version_of(
            QUIZ,
            quiz.path,
            replace(
                today,
                text=rewrapped(today.text),
                feedback=replace(today.feedback, general=rewrapped(today.feedback.general)),
                choices=(choice, *today.choices[1:]),
            ),
        )
        assert older.hash != quiz.versions["rr-q22"].hash
        users = add_learners(10)
        add_attempts(HAND, THREE, users=users[:4])
        add_attempts([[1, 1, 0]] * 6, THREE, users=users[4:], versions={"rr-q22": older})
        report = item_report(QUIZ)
        # What the attempts recorded is untouched: six answers name the version they showed.
        shown = db.session().scalars(
            select(Answer.question_version).where(Answer.question_id == "rr-q22")
        )
        assert sorted(shown) == sorted([quiz.versions["rr-q22"].hash] * 4 + [older.hash] * 6)
    rows = [row for row in report.questions if row.question_id == "rr-q22"]
    assert len(rows) == 1
    [row] = rows
    assert (row.current, row.label, row.figures.answered) == (True, None, 10)
    assert row.moved_from == (older.hash,) and row.place == question_place("rr-q22")
    printed = runner.invoke(args=["item-stats", QUIZ]).output
    assert f"{question_place('rr-q22')}: rr-q22: answered 10 by 10 people" in printed
    assert "no answers yet" not in printed and "earlier version" not in printed


def test_a_new_paragraph_in_a_question_is_still_an_earlier_version(app):
    with app.app_context():
        quiz = find_quiz(QUIZ, catalogue())
        today = quiz.question("rr-q22")
        split = today.text.replace(" ", "\n\n", 1)
        older = version_of(QUIZ, quiz.path, replace(today, text=split))
        users = add_learners(10)
        add_attempts(HAND, THREE, users=users[:4])
        add_attempts([[1, 1, 0]] * 6, THREE, users=users[4:], versions={"rr-q22": older})
        report = item_report(QUIZ)
    rows = [row for row in report.questions if row.question_id == "rr-q22"]
    assert [(row.current, row.figures.answered) for row in rows] == [(True, 4), (False, 6)]
    assert rows[1].label == "Earlier version"
