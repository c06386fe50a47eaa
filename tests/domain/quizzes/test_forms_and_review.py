"""Each question type reads its own form fields, and a review shows what teaches."""

import pytest
from werkzeug.datastructures import MultiDict

from app.domain.quizzes import BLANK, NOT_ON_FORM, InvalidAnswer, parse_quiz
from app.domain.quizzes.attempts import read_answers, select_questions, shown_questions
from app.domain.quizzes.parts import StaleForm
from app.domain.quizzes.review import preview, review

from .conftest import FIXTURES, KNOWN_CODES, parse_body


@pytest.fixture(scope="module")
def quiz():
    path = FIXTURES / "every-type.md"
    return parse_quiz(path.read_text(encoding="utf-8"), path, KNOWN_CODES).quiz


def form_of(question, answer, marker=True) -> MultiDict:
    fields = MultiDict()
    for name, values in question.form_fields(answer).items():
        for value in values:
            fields.add(name, value)
    if marker:
        fields.add(question.marker_field, "1")
    return fields


def test_every_type_reads_back_the_fields_it_writes(quiz):
    for question in quiz.questions:
        for right in (True, False):
            answer = question.example_answer(right)
            read = question.read_form(form_of(question, answer))
            if read is BLANK:
                assert not question.check_answer(answer) or not right
                continue
            assert question.check_answer(read) == question.check_answer(answer)
            assert question.score(question.check_answer(read)) == (1.0 if right else 0.0)


def test_a_question_not_on_the_form_is_told_apart_from_one_left_blank(quiz):
    for question in quiz.questions:
        assert question.read_form(MultiDict()) is NOT_ON_FORM
        assert question.read_form(MultiDict({question.marker_field: "1"})) is BLANK


@pytest.mark.parametrize(
    ("positions", "message"),
    [
        (["1", "1", "2"], "give each step a different position, 1 to 3"),
        (["1", "", "2"], "give every step a position"),
        (["1", "two", "3"], "give every step a position"),
    ],
)
def test_ordering_positions_are_checked_with_a_message_for_the_learner(quiz, positions, message):
    question = quiz.question("every-type-ordering")
    fields = MultiDict(zip(question.field_names(), positions, strict=True))
    with pytest.raises(InvalidAnswer, match=message):
        question.read_form(fields)


def test_errors_name_the_question_by_the_number_the_learner_sees(quiz):
    import random

    selection = select_questions(quiz, random.Random(3))
    versions = {v.hash: v.question for v in quiz.versions.values()}
    shown, _ = shown_questions(selection, versions)
    ordering = next(s for s in shown if s.question.type_name == "ordering")
    single = next(s for s in shown if s.question.type_name == "single-choice")
    fields = MultiDict(zip(ordering.question.field_names(), ["1", "1", "2"], strict=True))
    right = single.question.form_fields(single.question.example_answer(True))
    fields.add(f"q.{single.question.id}", right[f"q.{single.question.id}"][0])
    read = read_answers(shown, fields)
    assert read.errors == {
        ordering.question.id: f"Question {ordering.number}: give each step a different "
        "position, 1 to 3"
    }
    assert read.given == {single.question.id: single.question.example_answer(True)}
    assert read.submitted[ordering.question.id] == {
        name: [value] for name, value in zip(ordering.question.field_names(), "112", strict=True)
    }


def shown_one(quiz, question_id):
    versions = {v.hash: v.question for v in quiz.versions.values()}
    selection = [{"question": question_id, "version": quiz.versions[question_id].hash}]
    return shown_questions(selection, versions)[0][0]


def test_a_review_shows_the_learners_answer_feedback_and_the_choice_feedback(quiz):
    shown = shown_one(quiz, "every-type-single")
    wrong = review(shown, "a", 0.0, reveal=False)
    assert wrong.verdict == "wrong" and wrong.verdict_text == "Not correct"
    assert [part.text for part in wrong.your_answer] == ["Only GPs"]
    assert wrong.feedback == (
        "Not quite: think wider than clinicians.",
        "Referral routes are deliberately broad.",
    )
    assert wrong.choice_feedback == (("Only GPs", "GPs refer many people, but not all."),)
    assert wrong.correct_answer == ()
    right = review(shown, "b", 1.5, reveal=True)
    assert right.verdict == "right" and right.feedback[0].startswith("Yes: anyone")
    assert right.correct_answer == ("Anyone, including self-referral",)


def test_a_review_marks_each_part_only_when_the_answers_may_be_revealed(quiz):
    shown = shown_one(quiz, "every-type-ordering")
    steps = [item.id for item in shown.question.items]
    answer = [steps[0], steps[2], steps[1]]
    hidden = review(shown, answer, 1 / 3, reveal=False)
    assert hidden.verdict == "part" and {p.right for p in hidden.your_answer} == {None}
    shown_marks = review(shown, answer, 1 / 3, reveal=True)
    assert [p.right for p in shown_marks.your_answer] == [True, False, False]
    assert shown_marks.correct_answer[0] == "1. Introduce yourself and your role"


def test_an_unanswered_question_says_so_and_earns_nothing(quiz):
    unanswered = review(shown_one(quiz, "every-type-short"), None, 0.0, reveal=True)
    assert unanswered.verdict == "unanswered" and unanswered.your_answer == ()
    assert unanswered.correct_answer == ("Primary", "primary care")


def test_a_trainer_preview_shows_every_feedback_and_the_answer(quiz):
    shown = preview(1, quiz.question("every-type-multiple"))
    assert shown.correct_answer == ("A walking group", "Citizens Advice")
    assert shown.choice_feedback == (("An antibiotic", "Antibiotics are medicines."),)


def test_numbers_read_as_people_write_them(quiz):
    assert quiz.question("every-type-numeric-range").correct_lines() == ("any number from 6 to 12",)
    assert quiz.question("every-type-numeric-tolerance").correct_lines() == (
        "1.5 (anything from 1.4 to 1.6)",
    )
    assert quiz.question("every-type-numeric-exact").correct_lines() == ("0",)


def test_a_choice_is_sent_by_its_text_whatever_its_letter_or_rightness():
    first = parse_body("ID: q\n1. Q?\n*a) Alpha\nb) Beta\nc) Gamma\n").quiz.questions[0]
    second = parse_body("ID: q\n1. Q?\na) Gamma\nb) Alpha\n*c) Beta\n").quiz.questions[0]
    ticks = parse_body("ID: q\n1. Q?\n[*] Beta\n[ ] Alpha\n[*] Gamma\n").quiz.questions[0]
    for text in ("Alpha", "Beta", "Gamma"):
        values = {
            next(c.form_value for c in question.choices if c.text == text)
            for question in (first, second, ticks)
        }
        assert len(values) == 1  # the same, wherever the author wrote it, right or not
        (value,) = values
        assert value not in {"a", "b", "c"}
        for question in (first, second, ticks):
            chosen = next(c.id for c in question.choices if c.text == text)
            fields = MultiDict({f"q.{question.id}": value})
            assert question.check_answer(question.read_form(fields)) in (chosen, {chosen})


def test_a_choice_sent_by_its_letter_is_not_read():
    question = parse_body("ID: q\n1. Q?\n*a) Alpha\nb) Beta\n").quiz.questions[0]
    with pytest.raises(StaleForm):
        question.read_form(MultiDict({"q.q": "a"}))
    with pytest.raises(InvalidAnswer, match="choose one of the options"):
        question.check_answer(question.read_form(MultiDict({"q.q": "zz"})))


def test_two_choices_a_page_could_not_tell_apart_are_reported():
    # Different texts whose form values are the same (found by trying "Option 0", "Option 1"...).
    first, second = "Option 25597", "Option 64905"
    result = parse_body(f"ID: q\n1. Q?\n*a) {first}\nb) {second}\nc) Other\n")
    assert [str(p) for p in result.problems] == [
        "content/quizzes/check.md:12: error: question 1 has two choices a quiz page cannot "
        "tell apart: reword one"
    ]
