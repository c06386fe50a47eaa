"""A numeric answer a form sends follows typed_number; one saved before it is read as then."""

import random

import pytest
from werkzeug.datastructures import MultiDict

from app.domain.quizzes import InvalidAnswer
from app.domain.quizzes.attempts import grade, read_answers, select_questions, shown_questions

from .conftest import parse_body

BODY = "ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. How many?\n=   [999, 1000.5]\n"


@pytest.fixture(scope="module")
def quiz():
    result = parse_body(BODY, kind="assessment")
    assert result.problems == ()
    return result.quiz


def drawn(quiz):
    selection = select_questions(quiz, random.Random(1))
    return shown_questions(selection, {v.hash: v.question for v in quiz.versions.values()})[0]


def typed(question, text: str) -> MultiDict:
    return MultiDict({question.answer_field: text, question.marker_field: "1"})


@pytest.mark.parametrize("text", ["1,000", "1 000", " 1000.50 ", "١٠٠٠", "１０００", "+999"])
def test_a_number_as_a_uk_learner_writes_it_is_marked_right(quiz, text):
    question = quiz.questions[0]
    assert question.score(question.check_answer(question.read_form(typed(question, text)))) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1_000", "Question 1: enter the number without underscores, like 1000 or 1,000"),
        ("1,5", "Question 1: write decimals with a full stop, like 1.5, and thousands like 1,000"),
        ("about 1000", "Question 1: enter a number, like 42 or 1.5"),
    ],
)
def test_a_form_is_told_what_to_type_instead(quiz, text, message):
    question = quiz.questions[0]
    with pytest.raises(InvalidAnswer):
        question.read_form(typed(question, text))
    shown = drawn(quiz)
    read = read_answers(shown, typed(question, text))
    assert read.errors == {question.id: message}
    assert read.submitted[question.id] == {question.answer_field: [text]}  # shown back as typed


def test_an_answer_saved_before_the_rule_is_graded_as_it_was_read_then(quiz):
    """An attempt open when the rule came in is graded from what it saved, without a 500."""
    question = quiz.questions[0]
    shown = drawn(quiz)
    result = grade(shown, {question.id: "1_000"}, quiz.pass_mark)
    assert (result.points, result.passed) == (1, True)
    assert question.check_answer("1_000") == 1000
