"""Importing a text2qti quiz keeps what text2qti 0.8.0 itself reads from it."""

from pathlib import Path

import pytest

pytest.importorskip("text2qti")
from text2qti.config import Config  # noqa: E402
from text2qti.quiz import GroupStart, Question  # noqa: E402
from text2qti.quiz import Quiz as Text2qtiQuiz  # noqa: E402

from app.domain.quizzes import QuestionGroup, parse_quiz  # noqa: E402
from app.domain.quizzes.text2qti import import_text2qti, slug  # noqa: E402

from .conftest import FIXTURES  # noqa: E402

CORPUS = sorted((FIXTURES / "text2qti").glob("*.txt"))
TYPE_NAMES = {
    "multiple_choice_question": "single-choice",
    "true_false_question": "true-false",
    "multiple_answers_question": "multiple-answers",
    "short_answer_question": "short-answer",
    "numerical_question": "numeric",
}


def both(path: Path):
    """Return text2qti's reading of a corpus file and ours of its import."""
    text = path.read_text(encoding="utf-8")
    # Default settings, no config file read or written; LaTeX and code running stay off.
    theirs = Text2qtiQuiz(text, config=Config(), source_name=path.name)
    imported = import_text2qti(text)
    result = parse_quiz(imported, f"content/quizzes/{slug(theirs.title_raw)}.md")
    assert result.problems == (), imported
    return theirs, result.quiz


def their_choices(question: Question):
    return [(c.choice_raw, c.correct, c.feedback_raw) for c in question.choices]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_quiz_settings(path):
    theirs, ours = both(path)
    assert ours.title == theirs.title_raw
    assert ours.description == theirs.description_raw
    assert ours.shuffle_answers == (theirs.shuffle_answers_xml == "true")
    shows = ours.show_correct_answers != "never"
    assert shows == (theirs.show_correct_answers_xml == "true")
    # text2qti's own total counts pooled questions twice, so sum its parts instead.
    their_total = sum(x[1] * x[2] if x[0] == "group" else x[1] for x in _their_items(theirs))
    assert ours.points_possible == their_total


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_questions_choices_feedback_and_answers(path):
    theirs, ours = both(path)
    their_questions = [x for x in theirs.questions_and_delims if isinstance(x, Question)]
    assert len(their_questions) == len(ours.questions)
    for number, (their, our) in enumerate(zip(their_questions, ours.questions, strict=True), 1):
        assert our.id == f"{ours.id}-q{number}"
        assert type(our).type_name == TYPE_NAMES[their.type]
        assert (our.text, our.title) == (their.question_raw, their.title_raw)
        feedback = (their.feedback_raw, their.correct_feedback_raw, their.incorrect_feedback_raw)
        assert (our.feedback.general, our.feedback.correct, our.feedback.incorrect) == feedback
        if their.type == "short_answer_question":
            assert list(our.answers) == [c.choice_raw for c in their.choices]
        elif their.type == "numerical_question":
            assert (our.low, our.high) == pytest.approx((their.numerical_min, their.numerical_max))
            assert our.exact == their.numerical_exact
        else:
            assert [(c.text, c.correct, c.feedback) for c in our.choices] == their_choices(their)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_points_and_groups(path):
    theirs, ours = both(path)
    our_items = [
        ("group", item.pick, item.points_per_question)
        if isinstance(item, QuestionGroup)
        else ("question", item.points)
        for item in ours.items
    ]
    assert our_items == _their_items(theirs)


def _their_items(theirs) -> list[tuple]:
    grouped = {
        id(question)
        for item in theirs.questions_and_delims
        if isinstance(item, GroupStart)
        for question in item.group.questions
    }
    summary: list[tuple] = []
    for item in theirs.questions_and_delims:
        if isinstance(item, GroupStart):
            summary.append(("group", item.group.pick, item.group.points_per_question))
        elif isinstance(item, Question) and id(item) not in grouped:
            summary.append(("question", item.points_possible))
    return summary


def test_import_gives_each_question_a_stable_id_from_the_title():
    text = "Quiz title: Safe Referrals (v2)\n\n1. Q?\n*a) Yes\nb) No\n\n2. R?\n*   yes\n"
    imported = import_text2qti(text)
    assert "ID: safe-referrals-v2-q1\n1. Q?" in imported
    assert "ID: safe-referrals-v2-q2\n2. R?" in imported
    assert import_text2qti(text) == imported
