"""Whatever a trainer types, parse_quiz returns a quiz or problems, never an exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.quiz_imports import import_text2qti
from app.domain.quizzes import InvalidAnswer, parse_quiz

from .conftest import FIXTURES, KNOWN_CODES, PATH, quiz_file

# Quiz markers at the start of a line make the interesting inputs far more likely.
MARKERS = st.sampled_from(
    [
        "\n1. ",
        "\n*a) ",
        "\nb) ",
        "\n[*] ",
        "\n[ ] ",
        "\n*   ",
        "\n... ",
        "\n+ ",
        "\n- ",
        "\n= ",
        "\n=   [1, 2]",
        "\n= 1.5 +- ",
        "\n= 5 +- 10%",
        "\n= a -> b",
        "\n= -> c",
        "\n1) ",
        "\n2) ",
        "\nID: q",
        "\nID: ",
        "\nType: ",
        "\nType: matching",
        "\nType: ordering",
        "\nType: true-false",
        "\nCompetencies: SPLW-1.1, ",
        "\nPoints: ",
        "\nPoints: 1.5",
        "\nTitle: ",
        "\nGROUP",
        "\nEND_GROUP",
        "\npick: ",
        "\npoints per question: ",
        "\nCOMMENT",
        "\nEND_COMMENT",
        "\n```",
        "\n% ",
        "\n    ",
        "\n\t",
        "\n\n",
        "\n---\n",
        "\nQuiz title: ",
        "True",
        "0",
        "1e999",
        "nan",
        "\r",
        "\ufeff",
        "\u2028",
    ]
)
BODY = st.lists(st.one_of(MARKERS, st.text(max_size=6)), max_size=40).map("".join)
ANSWERS = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=3),
    st.integers(),
    st.floats(allow_nan=True),
    st.sampled_from(["a", "b", ["a", "b"], "0", "1.5", {"a": "b"}]),
)


# No deadline: on a busy shared machine a cold first example can take 300 ms, and what
# these tests check is that nothing raises, not how fast (timings live in make bench).
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODY, kind=st.sampled_from(["assessment", "knowledge-check"]))
def test_any_body_gives_a_quiz_or_problems(body, kind):
    result = parse_quiz(quiz_file(body, kind), PATH, KNOWN_CODES)
    assert (result.quiz is None) == any(problem.is_error for problem in result.problems)


@settings(max_examples=200, deadline=None)
@given(text=BODY)
def test_any_file_gives_a_quiz_or_problems(text):
    result = parse_quiz(text, PATH)
    assert result.quiz is not None or result.problems


@settings(max_examples=200, deadline=None)
@given(text=BODY)
def test_any_text2qti_file_imports_to_something_we_can_parse(text):
    parse_quiz(import_text2qti(text).text, "content/quizzes/x.md")


@settings(max_examples=300, deadline=None)
@given(body=BODY, raw=ANSWERS)
def test_any_submitted_answer_is_marked_or_rejected(body, raw):
    result = parse_quiz(quiz_file(body), PATH)
    every_type_text = (FIXTURES / "every-type.md").read_text(encoding="utf-8")
    every_type = parse_quiz(every_type_text, "content/quizzes/every-type.md")
    for quiz in (result.quiz, every_type.quiz):
        for question in quiz.questions if quiz else ():
            try:
                fraction = question.score(question.check_answer(raw))
            except InvalidAnswer:
                continue
            assert 0 <= fraction <= 1
