"""A quiz shown in written order, each question with its right choices first, is warned of."""

from app.domain.quizzes import parse_quiz

from .conftest import KNOWN_CODES, PATH, messages, parse_body, quiz_file

SHUFFLE_LINE = 7  # the `shuffle_answers: false` line of the tests' front matter
FIX = "or set shuffle_answers: true"
FIRST = "ID: q1\n1.  Who can refer?\n*a) Almost anyone\nb)  Only GPs\nc)  Only nurses\n"
LOWER = (
    "ID: q2\n2.  Who plans the support?\na)  The GP alone\n*b) The person, with the link worker\n"
)
TICKED = (
    "ID: q3\n3.  Which are community support?\n[*] A walking group\n[*] A food bank\n[ ] A statin\n"
)
TRUE_FALSE = "ID: q4\nType: true-false\n4.  A person can refer themselves.\n*a) True\nb)  False\n"


def quiz(*bodies: str):
    """Parse a quiz of these questions: a knowledge check if one, else an assessment."""
    kind = "knowledge-check" if len(bodies) == 1 else "assessment"
    return parse_quiz(quiz_file("\n".join(bodies), kind), PATH, competencies_required=False)


def test_a_knowledge_check_is_warned_when_its_right_choice_is_written_first():
    result = parse_body(FIRST)
    assert result.quiz is not None  # a warning: the check still loads
    assert messages(result) == [
        f"{PATH}:{SHUFFLE_LINE}: warning: shuffle_answers is false and the question lists its "
        "right choice first, so every learner sees the answer at the top: write a wrong choice "
        f"above it, {FIX}"
    ]
    assert messages(quiz(LOWER)) == []
    assert messages(quiz(TRUE_FALSE)) == []  # true-false keeps its order whatever the setting
    shuffled = quiz_file(FIRST).replace("shuffle_answers: false", "shuffle_answers: true")
    assert messages(parse_quiz(shuffled, PATH, KNOWN_CODES)) == []


def test_right_choices_ticked_before_every_wrong_one_are_warned_too():
    assert messages(parse_body(TICKED)) == [
        f"{PATH}:{SHUFFLE_LINE}: warning: shuffle_answers is false and the question lists its "
        "right choices first, so every learner sees the answer at the top: write a wrong "
        f"choice above it, {FIX}"
    ]
    assert messages(quiz("ID: q5\n5.  Which are safe?\n[*] One\n[ ] Two\n[*] Three\n")) == []


def test_a_quiz_is_warned_once_when_every_question_starts_with_its_right_choices():
    assert messages(quiz(FIRST, TICKED, TRUE_FALSE)) == [
        f"{PATH}:{SHUFFLE_LINE}: warning: shuffle_answers is false and all 2 questions list "
        "their right choices first, so a learner who always picks the first choice scores full "
        f"marks: write a wrong choice above the right one in some of them, {FIX}"
    ]
    assert messages(quiz(FIRST, TICKED, LOWER)) == []
    # A quiz with errors is not judged on the questions that could be read.
    unmarked = "ID: q6\n6.  Which comes first?\na)  Listening\nb)  Advice\n"  # no right choice
    found = messages(quiz(FIRST, unmarked))
    assert found and all(": error: " in m for m in found)
