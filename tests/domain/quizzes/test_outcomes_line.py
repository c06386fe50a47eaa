"""`Outcomes:` names the module's learning outcomes a question tests, checked at its line."""

from app.domain.catalogue import load_catalogue

from ..conftest import MODULE_MD, TINY_FRAMEWORK
from .conftest import BODY_LINE, messages, parse_body, quiz_file

QUESTION = "ID: q1\nCompetencies: SPLW-1.1\n{outcomes}1.  Which?\n*a) This\nb)  That\n"


def test_outcomes_are_read_as_numbers():
    result = parse_body(QUESTION.format(outcomes="Outcomes: 2, 1\n"), kind="assessment")
    assert result.quiz.questions[0].outcomes == (2, 1)


def test_an_assessment_question_without_outcomes_is_an_error_at_its_line():
    result = parse_body(QUESTION.format(outcomes=""), kind="assessment")
    assert messages(result) == [
        f"content/quizzes/check.md:{BODY_LINE + 2}: error: question 1 has no Outcomes: every "
        "assessment question needs a line like 'Outcomes: 1, 3' naming the module's learning "
        "outcomes it tests"
    ]


def test_a_knowledge_check_may_leave_outcomes_out():
    assert parse_body(QUESTION.format(outcomes="")).quiz.questions[0].outcomes == ()


def test_outcomes_that_are_not_numbers_or_repeat_are_errors_at_the_outcomes_line():
    result = parse_body(QUESTION.format(outcomes="Outcomes: 1, two, 0, 1\n"), kind="assessment")
    line = f"content/quizzes/check.md:{BODY_LINE + 2}: error: question 1"
    assert messages(result) == [
        f"{line} lists outcome '0', which is not the number of a learning outcome "
        "(1 for the module's first)",
        f"{line} lists outcome 'two', which is not the number of a learning outcome "
        "(1 for the module's first)",
        f"{line} lists outcome 1 twice",
    ]


def test_an_outcome_the_module_does_not_have_is_an_error_at_the_outcomes_line(course, tmp_path):
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n"}, slug="tiny")
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    body = "ID: q1\nCompetencies: TINY-1.1\nOutcomes: 1, 2\n1.  Which?\n*a) This\nb)  That\n"
    text = quiz_file(body, kind="assessment").replace("id: check", "id: tiny-quiz")
    quiz = quizzes / "tiny-quiz.md"
    quiz.write_text(text.replace("module: referral-routes", "module: tiny"), encoding="utf-8")
    problems = load_catalogue([folder], [TINY_FRAMEWORK], quiz_files=[quiz]).problems
    assert "[Pass the test]" in MODULE_MD  # the tiny module has one learning outcome
    assert [str(p) for p in problems if p.is_error] == [
        # The Outcomes: line, where the number is written, not the question's own line.
        f"{quiz}:{BODY_LINE + 2}: error: question 1 names outcome 2 on its Outcomes: line, "
        "but module 'tiny' has 1 learning outcome"
    ]


def test_outcomes_written_with_other_digits_are_errors_not_a_crash():
    # isdigit() says '²' and '①' are digits; int() refuses them, and reads '٣' as 3.
    result = parse_body(QUESTION.format(outcomes="Outcomes: ², ①, ٣\n"), kind="assessment")
    line = f"content/quizzes/check.md:{BODY_LINE + 2}: error: question 1"
    assert sorted(messages(result)) == sorted(
        [
            *(
                f"{line} lists outcome '{part}', which is not the number of a learning outcome "
                "(1 for the module's first)"
                for part in ("²", "①")
            ),
            # A digit of another script says which number it is: the plain way is given.
            f"{line} lists outcome '٣', in digits other than 0 to 9: write it as 3",
        ]
    )
