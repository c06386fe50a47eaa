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


def test_feedback_under_a_choice_says_the_verdict_once_too():
    # Moodle's per-answer "#Not quite." comes over from a GIFT bank as feedback under the
    # choice: under "Not correct" it would say the verdict a second time.
    from app.domain.quiz_imports import import_gift
    from app.domain.quizzes import parse_quiz

    gift = (
        "::q1:: Who can refer to a link worker? {\n"
        "~Only GPs#Not quite. Think wider than clinicians.\n"
        "~Only nurses#Not this time.\n"
        "=Anyone, including the person themselves#Correct! Almost anyone can.\n"
        "}\n"
    )
    imported = import_gift(gift, source="bank.gift", module="referral-routes")
    assert not imported.has_errors, imported.problems
    quiz = parse_quiz(imported.text, "bank.md", competencies_required=False).quiz
    shown = shown_one(quiz, quiz.questions[0].id)
    [(only_gps, said)] = review(shown, "a", 0.0, reveal=True).choice_feedback
    assert said == "Think wider than clinicians."
    # Feedback that is only the verdict leaves nothing to show under the choice.
    assert review(shown, "b", 0.0, reveal=True).choice_feedback == ()
    [(_, said)] = review(shown, "c", 1.0, reveal=True).choice_feedback
    assert said == "Almost anyone can."
    # A trainer's preview shows every choice's feedback as written.
    from app.domain.quizzes.review import preview

    written = [text for _, text in preview(1, quiz.questions[0]).choice_feedback]
    assert written[0] == "Not quite. Think wider than clinicians." and "Not this time." in written


SHORT = """\
ID: q
Competencies: SPLW-1.2
Outcomes: 1
1.  Which measure do link workers use most to record wellbeing?
*   ONS4
*   ONS 4
"""


def test_a_right_answer_that_is_the_correct_answer_is_said_once():
    quiz = parse_body(BODY.format(right="Yes.", wrong="Not quite.")).quiz
    right = review(shown_one(quiz, "q"), "b", 1.0, reveal=True)
    assert right.answer_was_correct_answer
    wrong = review(shown_one(quiz, "q"), "a", 0.0, reveal=True)
    assert not wrong.answer_was_correct_answer
    kept_back = review(shown_one(quiz, "q"), "b", 1.0, reveal=False)
    assert not kept_back.answer_was_correct_answer  # no correct answer shown to repeat


def test_a_right_answer_among_several_accepted_keeps_the_others_shown():
    quiz = parse_body(SHORT, "assessment").quiz
    one_of_two = review(shown_one(quiz, "q"), "ons4", 1.0, reveal=True)
    assert one_of_two.verdict == "right" and not one_of_two.answer_was_correct_answer
    assert one_of_two.correct_answer == ("ONS4", "ONS 4")
