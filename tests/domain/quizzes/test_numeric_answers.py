"""A numeric answer a form sends follows typed_number; one saved before it is read as then."""

import random
import re

import pytest
from werkzeug.datastructures import MultiDict

from app.domain.numbers import typed_number
from app.domain.quizzes import InvalidAnswer
from app.domain.quizzes.attempts import grade, read_answers, select_questions, shown_questions
from app.domain.quizzes.written_questions import key_number

from .conftest import BODY_LINE, PATH, messages, parse_body

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


KEY = "write it in the digits 0 to 9, with a full stop for decimals and nothing between the "
KEY += "digits, like 1000 or 1.5"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (
            "1_000",
            "has a numeric answer '1_000' that has underscores, which learners may not "
            f"type: {KEY}",
        ),
        (
            "1,000",
            f"has a numeric answer '1,000' that has commas or spaces between its digits: {KEY}",
        ),
        (
            "1 000",
            f"has a numeric answer '1 000' that has commas or spaces between its digits: {KEY}",
        ),
        ("١٠٠٠", f"has a numeric answer '١٠٠٠' that is not in the digits 0 to 9: {KEY}"),
        ("1,5", f"has a numeric answer '1,5' that has a decimal comma: {KEY}"),
        (
            "1_0 +- 1",
            f"has a numeric answer '1_0' that has underscores, which learners may not type: {KEY}",
        ),
        ("10 +- ١", f"has a numeric tolerance '١' that is not in the digits 0 to 9: {KEY}"),
        (
            "[1_000, 2000]",
            "has a numeric range '[1_000, 2000]' whose end '1_000' has underscores, "
            f"which learners may not type: {KEY}",
        ),
        (
            "[1, ２]",
            f"has a numeric range '[1, ２]' whose end '２' is not in the digits 0 to 9: {KEY}",
        ),
        (
            "infinity",
            "has a numeric answer 'infinity' that is not a number: write '= 42', "
            "'= 1.5 +- 0.1' or '= [1, 2]'",
        ),
        ("[1, nan]", "has a numeric range '[1, nan]' whose ends are not both numbers"),
    ],
)
def test_an_answer_key_a_learner_could_not_type_alike_is_reported_at_its_line(written, problem):
    """A trainer writes the key in a plain subset of what learners may type, so a number in
    it is one every learner can type; Python's readings ('1_000', '١٠٠٠') are not that."""
    result = parse_body(
        f"ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. How many?\n=   {written}\n",
        kind="assessment",
    )
    assert messages(result) == [f"{PATH}:{BODY_LINE + 4}: error: question 1 {problem}"]


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("1000", 1000, 1000),
        ("+5", 5, 5),
        (".5", 0.5, 0.5),
        ("5.", 5, 5),
        ("1.5e3", 1500, 1500),
        ("-3 +- 0.5", -3.5, -2.5),
        ("200 +- 10%", 180, 220),
        ("[ 6 , 12 ]", 6, 12),
    ],
)
def test_an_answer_key_in_the_plain_subset_is_read_as_learners_typing_it_are(written, low, high):
    result = parse_body(
        f"ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. How many?\n=   {written}\n",
        kind="assessment",
    )
    assert result.problems == ()
    question = result.quiz.questions[0]
    assert (question.low, question.high) == (low, high)
    for number in re.findall(r"[-+]?[0-9.]+(?:e[0-9]+)?", written):
        assert typed_number(number) == key_number(number)  # a learner may type it, alike
