"""A question answered rightly is reviewed with the answer shown once, under the verdict
"Correct" and the label "Your answer:" (not "correct" twice);
one answered wrongly keeps the learner's answer and the correct one, side by side."""

import pytest

from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.quiz_helpers import answer_fields, attempt_questions
from tests.web.test_quiz import attempt_row, start, submit
from tests.web.test_quiz_record import questions_section, review_of

# Each type whose correct answer reads as the learner's right answer does, line for line.
SAID_ONCE = ("t-single", "t-multiple", "t-ordering", "t-matching")
# A wrong answer of each of two types: what the learner picked, and the correct answer.
WRONG = {
    "t-single": ("Only GPs", "Almost anyone, the person included"),
    "t-multiple": ("An antibiotic", "An advice service"),
}


def pass_with_one_wrong(app, client, module, wrong: str) -> str:
    """Pass the test quiz (4 of 5 reaches its 80%) with one question answered wrongly."""
    url = start(client, module)
    data = {"confirmed": "yes"}
    for question in attempt_questions(module.assessment, attempt_row(app, url).selection):
        data.update(answer_fields(question, right=question.id != wrong))
    assert submit(client, url, data).status_code == 302
    return url


@pytest.mark.parametrize("wrong", WRONG)
def test_a_right_answer_is_shown_once_and_a_wrong_one_beside_the_correct_one(
    app, learner, module, wrong
):
    url = pass_with_one_wrong(app, learner, module, wrong)
    page = learner.get(url).text
    assert "You passed" in page  # the quiz shows correct answers after a pass
    section = questions_section(page)
    for question_id in SAID_ONCE:
        if question_id == wrong:
            continue
        block = review_of(section, question_id)
        assert "<strong>Correct</strong>" in block, question_id
        assert "Your answer:" in block and "which is correct" not in block, question_id
        assert block.count("Correct") == 1, question_id  # the verdict alone
        assert "Correct answer" not in block, question_id
    # t-matching, the last: each pair once, not again as the correct answer.
    assert block.count("Advice service") == 1
    given, correct = WRONG[wrong]
    shown = review_of(section, wrong)
    assert "Not correct" in shown or "Partly correct" in shown
    assert "Your answer:" in shown and given in shown
    assert "which is correct" not in shown
    assert "Correct answer" in shown and correct in shown
    # Right, but by a number in a range: the range accepted is more than the answer says.
    number = review_of(section, "t-number")
    assert "<strong>Correct</strong>" in number and "Your answer:" in number
    assert "Correct answer:" in number and "any number from 6 to 12" in number
