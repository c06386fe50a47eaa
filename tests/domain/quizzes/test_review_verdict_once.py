"""A review says its verdict once: feedback that opens by saying it again loses that opening.

A reviewer found a knowledge check's feedback reading "Not correct", then "Not quite. Their
shared diagnosis...". The verdict is the heading; the explanation follows it.
"""

import pytest

from app.domain.quizzes.review import review

from .conftest import parse_body
from .test_forms_and_review import shown_one

BODY = """\
ID: q
1.  Who can refer to a link worker?
... Referral routes are broad.
+   {right}
-   {wrong}
a)  Only GPs
*b) Anyone, including the person themselves
"""


def reviewed(right: str, wrong: str, answer: str, earned: float):
    quiz = parse_body(BODY.format(right=right, wrong=wrong)).quiz
    return review(shown_one(quiz, "q"), answer, earned, reveal=True)


@pytest.mark.parametrize(
    "wrong",
    ["Not quite. Think wider.", "Not this time. Think wider.", "**Not quite.** Think wider."],
)
def test_a_wrong_answer_is_called_not_correct_once(wrong):
    said = reviewed("Yes. Anyone can.", wrong, "a", 0.0)
    assert said.verdict_text == "Not correct"
    assert said.feedback == ("Think wider.", "Referral routes are broad.")


@pytest.mark.parametrize(
    "right", ["Correct. Anyone can.", "Yes. Anyone can.", "Right! Anyone can."]
)
def test_a_right_answer_is_called_correct_once(right):
    said = reviewed(right, "Not quite. Think wider.", "b", 1.0)
    assert said.verdict_text == "Correct"
    assert said.feedback == ("Anyone can.", "Referral routes are broad.")


def test_feedback_that_only_says_the_verdict_adds_nothing_after_it():
    said = reviewed("Yes.", "Not quite.", "a", 0.0)
    assert said.feedback == ("Referral routes are broad.",)


def test_feedback_that_starts_with_words_of_its_own_is_kept_whole():
    # "Nobody..." and "Not everyone..." begin with verdict words but say something else.
    said = reviewed("Well done. Anyone can.", "Not everyone is a GP. Think wider.", "a", 0.0)
    assert said.feedback[0] == "Not everyone is a GP. Think wider."
    said = reviewed("Well done. Anyone can.", "Nobody is turned away.", "b", 1.0)
    assert said.feedback[0] == "Well done. Anyone can."
