"""Demo answers: valid for their question, marked as grading marks them, distractors uneven."""

import random
from collections import Counter

from app.config import PROJECT_ROOT
from app.content import load
from app.domain.quizzes import QUESTION_TYPES, parse_quiz
from app.domain.seeded_answers import seeded_answer, seeded_score

from .quizzes.conftest import FIXTURES, KNOWN_CODES


def questions():
    result = load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies")
    return [q for m in result.catalogue.modules if m.assessment for q in m.assessment.questions]


def test_every_seeded_answer_is_one_the_question_accepts_and_marks():
    rng = random.Random(3)
    for question in questions():
        for chance in (0.0, 0.5, 1.0):
            answer = seeded_answer(question, chance, rng)
            assert 0.0 <= seeded_score(question, answer) <= 1.0
        assert seeded_score(question, seeded_answer(question, 1.0, rng)) == 1.0


def test_wrong_choices_are_picked_unevenly():
    question = next(
        q for q in questions() if q.type_name == "single-choice" and len(q.choices) >= 4
    )
    rng = random.Random(5)
    picked = Counter(seeded_answer(question, 0.0, rng) for _ in range(2000))
    wrong = sorted(picked.values(), reverse=True)
    assert len(wrong) == len(question.choices) - 1
    assert wrong[0] > 5 * wrong[-1]


def test_every_registered_type_draws_demo_answers_it_accepts_and_marks():
    path = FIXTURES / "every-type.md"
    quiz = parse_quiz(path.read_text(encoding="utf-8"), path, KNOWN_CODES).quiz
    assert {q.type_name for q in quiz.questions} == set(QUESTION_TYPES)
    rng = random.Random(7)
    for question in quiz.questions:
        for chance in (0.0, 0.3, 0.7):
            for _ in range(50):
                assert 0.0 <= seeded_score(question, seeded_answer(question, chance, rng)) <= 1.0
        assert seeded_score(question, seeded_answer(question, 1.0, rng)) == 1.0
