"""Every question type parses from the worked example and scores answers as documented."""

import pytest

from app.domain.quizzes import (
    QUESTION_TYPES,
    InvalidAnswer,
    Matching,
    MultipleAnswers,
    Numeric,
    Ordering,
    QuestionGroup,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_quiz,
)

from .conftest import FIXTURES, KNOWN_CODES, parse_body


@pytest.fixture(scope="module")
def quiz():
    path = FIXTURES / "every-type.md"
    result = parse_quiz(path.read_text(encoding="utf-8"), path, KNOWN_CODES)
    assert result.problems == ()
    return result.quiz


def by_id(quiz, suffix):
    return quiz.question(f"every-type-{suffix}")


def test_worked_example_reads_front_matter(quiz):
    assert (quiz.id, quiz.module, quiz.kind) == ("every-type", "referral-routes", "assessment")
    assert (quiz.pass_mark, quiz.max_attempts, quiz.time_limit_minutes) == (80, 3, 20)
    assert quiz.shuffle_answers is True and quiz.shuffle_questions is False
    assert quiz.show_correct_answers == "after-last-attempt"


def test_worked_example_has_every_registered_type(quiz):
    assert {type(q).type_name for q in quiz.questions} == set(QUESTION_TYPES)


def test_single_choice_keeps_markdown_feedback_title_and_decimal_points(quiz):
    question = by_id(quiz, "single")
    assert isinstance(question, SingleChoice)
    assert question.text == (
        "Who can refer a person to a social prescribing link worker?\nPick the **best** answer."
    )
    assert question.title == "Who can refer" and question.points == 1.5
    assert question.competencies == ("SPLW-1.1", "SPLW-2.1")
    assert question.feedback.general == "Referral routes are deliberately broad."
    assert question.feedback.correct.startswith("Yes: anyone")
    assert question.feedback.incorrect.startswith("Not quite")
    assert [(c.id, c.correct) for c in question.choices] == [
        ("a", False),
        ("b", True),
        ("c", False),
    ]
    assert question.choices[0].feedback == "GPs refer many people, but not all."


def test_single_choice_scores_only_the_correct_choice(quiz):
    question = by_id(quiz, "single")
    assert question.score(question.check_answer("b")) == 1
    assert question.score(question.check_answer("a")) == 0
    assert question.mark("b") == 1.5


@pytest.mark.parametrize("raw", ["z", "", None, ["a", "b"], 3])
def test_single_choice_rejects_unknown_choice_ids(quiz, raw):
    with pytest.raises(InvalidAnswer):
        by_id(quiz, "single").check_answer(raw)


def test_true_false_is_a_single_choice_between_true_and_false(quiz):
    question = by_id(quiz, "true-false")
    assert isinstance(question, TrueFalse)
    assert [(c.text, c.correct) for c in question.choices] == [("False", True), ("True", False)]
    assert question.mark("a") == 1 and question.mark("b") == 0


def test_multiple_answers_gives_right_minus_wrong_floored_at_zero(quiz):
    question = by_id(quiz, "multiple")
    assert isinstance(question, MultipleAnswers)
    assert question.choices[2].feedback == "Antibiotics are medicines."
    score = lambda raw: question.score(question.check_answer(raw))  # noqa: E731
    assert score(["a", "b"]) == 1
    assert score(["a"]) == 0.5
    assert score(["a", "c"]) == 0
    assert score(["a", "b", "c"]) == 0
    assert score([]) == 0


def test_multiple_answers_rejects_unknown_ids(quiz):
    with pytest.raises(InvalidAnswer):
        by_id(quiz, "multiple").check_answer(["a", "x"])


def test_short_answer_ignores_case_and_spacing(quiz):
    question = by_id(quiz, "short")
    assert isinstance(question, ShortAnswer)
    assert question.answers == ("Primary", "primary care")
    assert question.mark("  PRIMARY  ") == 1
    assert question.mark("Primary \t  Care") == 1
    assert question.mark("Patient") == 0


def test_short_answer_accepts_a_letter_with_an_accent_however_it_was_encoded():
    """A Welsh ŵ copied from a PDF is often w then a combining circumflex; a keyboard types ŵ."""
    from_pdf, typed = "dw\u0302r", "d\u0175r"
    for written, answered in ((from_pdf, typed), (typed, from_pdf), ("Tŷ", "TY\u0302")):
        body = f"ID: check-q1\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. Welsh?\n*   {written}\n"
        result = parse_body(body, kind="assessment")
        assert result.problems == ()
        assert result.quiz.questions[0].mark(answered) == 1, (written, answered)


def test_short_answer_rejects_blank_answers(quiz):
    with pytest.raises(InvalidAnswer):
        by_id(quiz, "short").check_answer("   ")


def test_numeric_answer_of_zero_works(quiz):
    question = by_id(quiz, "numeric-exact")
    assert isinstance(question, Numeric)
    assert (question.exact, question.low, question.high) == (0, 0, 0)
    assert question.mark("0") == 1 and question.mark(0) == 1 and question.mark("0.001") == 0


def test_numeric_tolerance_includes_its_edges_exactly(quiz):
    question = by_id(quiz, "numeric-tolerance")
    assert (question.exact, question.tolerance) == (1.5, 0.1)
    assert [question.mark(x) for x in ("1.4", "1.6", "1.55", "1.39", "1.61")] == [1, 1, 1, 0, 0]


def test_numeric_range_accepts_numbers_inside_it(quiz):
    question = by_id(quiz, "numeric-range")
    assert question.exact is None and (question.low, question.high) == (6, 12)
    assert [question.mark(x) for x in ("6", "9.5", "12", "5.99", "13")] == [1, 1, 1, 0, 0]


@pytest.mark.parametrize("raw", ["six", "", "nan", "inf", "1,5", True, None, [1, 2]])
def test_numeric_rejects_text_where_a_number_is_due(quiz, raw):
    with pytest.raises(InvalidAnswer):
        by_id(quiz, "numeric-range").check_answer(raw)


def test_numeric_percentage_tolerance():
    result = parse_body(
        "ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. About 200?\n=   200 +- 5%\n", "assessment"
    )
    question = result.quiz.questions[0]
    assert (question.low, question.high) == (190, 210)


def test_matching_scores_the_fraction_of_prompts_matched(quiz):
    question = by_id(quiz, "matching")
    assert isinstance(question, Matching)
    assert [(p.id, p.left, p.right) for p in question.pairs][0] == ("a", "Debt", "Citizens Advice")
    assert question.distractors == ("Pharmacy",)
    options = {o.text: o.id for o in question.options}
    assert list(options) == ["Citizens Advice", "Befriending service", "Local council", "Pharmacy"]
    right = {"a": options["Citizens Advice"], "b": options["Befriending service"]}
    assert question.score(question.check_answer({**right, "c": options["Local council"]})) == 1
    assert question.score(question.check_answer({**right, "c": options["Pharmacy"]})) == 2 / 3
    assert question.score(question.check_answer({"a": options["Citizens Advice"]})) == 1 / 3


@pytest.mark.parametrize("raw", [{"z": "x"}, {"a": "not-an-option"}, ["a"], "a"])
def test_matching_rejects_unknown_prompts_and_options(quiz, raw):
    with pytest.raises(InvalidAnswer):
        by_id(quiz, "matching").check_answer(raw)


def test_ordering_scores_the_fraction_of_positions_right(quiz):
    question = by_id(quiz, "ordering")
    assert isinstance(question, Ordering)
    first, second, third = (item.id for item in question.items)
    assert question.items[0].text == "Introduce yourself and your role"
    assert question.mark([first, second, third]) == 1
    assert question.mark([first, third, second]) == pytest.approx(1 / 3)
    assert question.mark([third, first, second]) == 0


def test_ordering_ids_do_not_reveal_the_order(quiz):
    ids = [item.id for item in by_id(quiz, "ordering").items]
    assert ids != sorted(ids) and all(len(i) == 8 for i in ids)


@pytest.mark.parametrize("raw", ["abc", ["x", "y", "z"], []])
def test_ordering_rejects_anything_but_every_step_once(quiz, raw):
    with pytest.raises(InvalidAnswer):
        by_id(quiz, "ordering").check_answer(raw)


def test_group_picks_from_its_pool_at_its_points_per_question(quiz):
    group = quiz.items[-1]
    assert isinstance(group, QuestionGroup)
    assert (group.pick, group.points_per_question, len(group.questions)) == (1, 2, 2)
    assert all(q.points == 2 for q in group.questions)
    assert quiz.points_possible == 1.5 + 8 + 2


def test_question_lines_point_at_their_number_lines(quiz):
    text = (FIXTURES / "every-type.md").read_text(encoding="utf-8").split("\n")
    for question in quiz.questions:
        assert text[question.line - 1].split()[0].rstrip(".").isdigit()


def test_continuation_lines_and_paragraphs_join_the_question_text():
    body = "ID: q\n1.  First line\n    second line\n\n    New paragraph\n*a) Yes\nb)  No\n"
    question = parse_body(body).quiz.questions[0]
    assert question.text == "First line\nsecond line\n\nNew paragraph"


def test_comments_are_ignored():
    body = "% a comment\nCOMMENT\nanything at all\nEND_COMMENT\nID: q\n1. Q?\na) No\n*b) Yes\n"
    result = parse_body(body)
    assert result.problems == () and len(result.quiz.questions) == 1
