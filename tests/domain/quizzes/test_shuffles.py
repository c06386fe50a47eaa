"""Steps and matching options are never shown in their answer order; choices follow the quiz."""

import random
from dataclasses import replace

import pytest

from app.domain.quizzes import parse_quiz
from app.domain.quizzes.attempts import every_question, select_questions

from .conftest import FIXTURES, KNOWN_CODES, parse_body

SEEDS = range(5000)


@pytest.fixture(scope="module")
def quiz():
    path = FIXTURES / "every-type.md"
    return parse_quiz(path.read_text(encoding="utf-8"), path, KNOWN_CODES).quiz


def two_step_ordering():
    body = (
        "ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\nType: ordering\n"
        "1. Order these.\n1)  First\n2)  Second\n"
    )
    return parse_body(body, "assessment").quiz.questions[0]


def two_option_matching():
    body = (
        "ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\nType: matching\n"
        "1. Match these.\n=   A -> One\n=   B -> Two\n"
    )
    return parse_body(body, "assessment").quiz.questions[0]


@pytest.mark.parametrize("shuffle", [True, False])
def test_steps_are_never_shown_in_answer_order_over_thousands_of_seeds(quiz, shuffle):
    for question in (quiz.question("every-type-ordering"), two_step_ordering()):
        written = question.option_ids
        orders = {question.display_order(random.Random(seed), shuffle) for seed in SEEDS}
        assert written not in orders
        assert all(sorted(order) == sorted(written) for order in orders)


@pytest.mark.parametrize("shuffle", [True, False])
def test_matching_options_are_never_shown_in_answer_order(quiz, shuffle):
    for question in (quiz.question("every-type-matching"), two_option_matching()):
        written = question.option_ids
        orders = {question.display_order(random.Random(seed), shuffle) for seed in SEEDS}
        assert written not in orders
        assert all(sorted(order) == sorted(written) for order in orders)


def test_every_other_order_of_three_steps_is_drawn_about_equally(quiz):
    question = quiz.question("every-type-ordering")
    counts = {}
    for seed in SEEDS:
        order = question.display_order(random.Random(seed), True)
        counts[order] = counts.get(order, 0) + 1
    assert len(counts) == 5  # 3! orders, less the answer order
    assert all(abs(n - len(SEEDS) / 5) < len(SEEDS) / 20 for n in counts.values())


def test_attempts_never_show_steps_or_matches_in_answer_order(quiz):
    kinds = {"ordering", "matching"}
    for seed in range(2000):
        for entry in select_questions(quiz, random.Random(seed)):
            question = quiz.question(entry["question"])
            if question.type_name in kinds:
                assert tuple(entry["order"]) != question.option_ids


def test_choices_shuffle_only_when_the_quiz_says_and_true_false_never(quiz):
    single, true_false = quiz.question("every-type-single"), quiz.question("every-type-true-false")
    assert {single.display_order(random.Random(s), False) for s in range(200)} == {
        single.option_ids
    }
    assert len({single.display_order(random.Random(s), True) for s in range(200)}) == 6
    assert {true_false.display_order(random.Random(s), True) for s in range(200)} == {
        true_false.option_ids
    }


def test_a_selection_names_each_questions_version_and_shown_order(quiz):
    selection = select_questions(quiz, random.Random(1))
    for entry in selection:
        assert entry["version"] == quiz.versions[entry["question"]].hash
        assert sorted(entry["order"]) == sorted(quiz.question(entry["question"]).option_ids)


# A knowledge check shows every question; its order comes from the learner, not an attempt.


def orders(selection):
    return tuple((entry["question"], *entry["order"]) for entry in selection)


def test_a_check_that_asks_for_shuffled_choices_gets_them_the_same_way_for_one_learner(quiz):
    assert quiz.shuffle_answers and not quiz.shuffle_questions
    single = quiz.question("every-type-single")
    shown = {
        learner: next(
            e["order"] for e in every_question(quiz, learner) if e["question"] == single.id
        )
        for learner in range(200)
    }
    assert len({tuple(order) for order in shown.values()}) == 6  # every order of 3 choices
    for learner, order in shown.items():  # the same again: a reload, or the form posted back
        again = every_question(quiz, learner)
        assert next(e["order"] for e in again if e["question"] == single.id) == order
    # Questions keep the written order unless the quiz asks otherwise; true-false never moves.
    for learner in range(200):
        selection = every_question(quiz, learner)
        assert [e["question"] for e in selection] == [q.id for q in quiz.questions]
        true_false = next(e for e in selection if e["question"] == "every-type-true-false")
        assert tuple(true_false["order"]) == quiz.question("every-type-true-false").option_ids


def test_a_check_that_keeps_the_written_order_keeps_it_for_every_learner(quiz):
    written = replace(quiz, shuffle_answers=False)
    unshuffled = every_question(written)
    assert {orders(every_question(written, learner)) for learner in range(200)} == {
        orders(unshuffled)
    }
    single = quiz.question("every-type-single")
    assert next(e["order"] for e in unshuffled if e["question"] == single.id) == list(
        single.option_ids
    )
    # Without a learner (a SCORM package shuffles in the browser), the written order too.
    assert orders(every_question(quiz)) == orders(unshuffled)


def test_a_check_that_asks_for_shuffled_questions_gets_them_the_same_way_for_one_learner(quiz):
    shuffled = replace(quiz, shuffle_questions=True)
    drawn = {learner: orders(every_question(shuffled, learner)) for learner in range(50)}
    assert len({tuple(q for q, *_ in order) for order in drawn.values()}) > 1
    assert all(orders(every_question(shuffled, learner)) == drawn[learner] for learner in drawn)
    every_id = sorted(q.id for q in quiz.questions)
    assert all(sorted(q for q, *_ in order) == every_id for order in drawn.values())
