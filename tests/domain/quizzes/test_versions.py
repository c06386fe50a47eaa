"""A question version holds the whole question, rebuilds it exactly, and is named by its content."""

from dataclasses import replace

import pytest

from app.domain.quizzes import QUESTION_TYPES, parse_quiz
from app.domain.quizzes.model import Choice, Feedback
from app.domain.quizzes.versions import (
    UnreadableVersion,
    content_hash,
    question_from_content,
    version_of,
)

from .conftest import FIXTURES, KNOWN_CODES


@pytest.fixture(scope="module")
def quiz():
    path = FIXTURES / "every-type.md"
    return parse_quiz(path.read_text(encoding="utf-8"), path, KNOWN_CODES).quiz


def test_every_type_rebuilds_exactly_from_its_stored_version(quiz):
    assert {q.type_name for q in quiz.questions} == set(QUESTION_TYPES)
    for question in quiz.questions:
        version = quiz.versions[question.id]
        rebuilt = question_from_content(dict(version.content))
        assert rebuilt == question
        assert type(rebuilt) is type(question)
        assert content_hash(version_of(quiz.id, quiz.path, rebuilt).content) == version.hash


def test_a_version_records_the_quiz_and_the_file_and_line_it_came_from(quiz):
    question = quiz.question("every-type-single")
    content = quiz.versions[question.id].content
    assert content["quiz"] == "every-type"
    assert content["source"] == f"fixtures/every-type.md:{question.line}"
    assert content["feedback"]["correct"].startswith("Yes: anyone")
    assert content["choices"][0]["feedback"] == "GPs refer many people, but not all."


@pytest.mark.parametrize(
    "edit",
    [
        lambda q: replace(q, text=q.text + " (reworded)"),
        lambda q: replace(q, points=2.0),
        lambda q: replace(q, competencies=("SPLW-1.1",)),
        lambda q: replace(q, title="Another title"),
        lambda q: replace(q, screens=("what-it-is",)),
        lambda q: replace(q, line=q.line + 1),
        lambda q: replace(q, feedback=Feedback("Other general feedback")),
        lambda q: replace(q, choices=(replace(q.choices[0], correct=True), *q.choices[1:])),
        lambda q: replace(q, choices=(replace(q.choices[0], feedback="New"), *q.choices[1:])),
        lambda q: replace(q, choices=(*q.choices, Choice("d", "Extra", False, None, 40))),
    ],
)
def test_any_edit_makes_a_new_version(quiz, edit):
    question = quiz.question("every-type-single")
    before = version_of(quiz.id, quiz.path, question).hash
    assert version_of(quiz.id, quiz.path, edit(question)).hash != before


def test_the_same_question_is_the_same_version_wherever_the_content_folder_is(quiz):
    question = quiz.question("every-type-ordering")
    here = version_of(quiz.id, "/srv/a/content/quizzes/every-type.md", question)
    there = version_of(quiz.id, "/home/b/checkout/content/quizzes/every-type.md", question)
    assert here.hash == there.hash and len(here.hash) == 64


def test_stored_content_no_type_can_read_is_reported_not_crashed_on():
    with pytest.raises(UnreadableVersion):
        question_from_content({"type": "essay", "id": "x"})
    with pytest.raises(UnreadableVersion):
        question_from_content({"type": "single-choice", "nonsense": 1})
