"""Item statistics name a question by what learners read: white space Markdown renders the
same (a paragraph wrapped at other words, trailing spaces) is no edit; anything that shows
differently is."""

from dataclasses import replace

import pytest

from app.domain.quizzes import parse_quiz
from app.domain.quizzes.model import Feedback
from app.domain.quizzes.versions import version_of
from app.domain.quizzes.wording import alike_versions, shown, wording_key

from .conftest import FIXTURES, KNOWN_CODES


@pytest.fixture(scope="module")
def quiz():
    path = FIXTURES / "every-type.md"
    return parse_quiz(path.read_text(encoding="utf-8"), path, KNOWN_CODES).quiz


def rewrapped(text: str) -> str:
    """Return the text wrapped at other words, with trailing spaces: no word changed."""
    words = text.split(" ")
    middle = len(words) // 2
    return " ".join(words[:middle]) + " \n" + " ".join(words[middle:]) + "  "


def same_key(quiz, question, edited) -> bool:
    # Each edit is a new stored version (its hash): attempts keep exactly what they showed.
    assert version_of(quiz.id, quiz.path, edited).hash != quiz.versions[question.id].hash
    return wording_key(quiz.id, edited) == wording_key(quiz.id, question)


def test_a_question_rewrapped_keeps_its_wording_key(quiz):
    question = quiz.question("every-type-single")
    assert " " in question.text
    assert same_key(quiz, question, replace(question, text=rewrapped(question.text)))
    assert same_key(quiz, question, replace(question, text=question.text.replace(" ", "   ")))
    general = question.feedback.general
    feedback = Feedback(rewrapped(general), question.feedback.correct, question.feedback.incorrect)
    assert same_key(quiz, question, replace(question, feedback=feedback))
    choice = replace(question.choices[0], text=rewrapped(question.choices[0].text))
    assert same_key(quiz, question, replace(question, choices=(choice, *question.choices[1:])))
    choice = replace(question.choices[0], feedback=rewrapped(question.choices[0].feedback))
    assert same_key(quiz, question, replace(question, choices=(choice, *question.choices[1:])))


def test_steps_and_prompts_rewrapped_keep_their_wording_key(quiz):
    ordering = quiz.question("every-type-ordering")
    step = replace(ordering.items[0], text=rewrapped(ordering.items[0].text))
    assert same_key(quiz, ordering, replace(ordering, items=(step, *ordering.items[1:])))
    matching = quiz.question("every-type-matching")
    pair = replace(matching.pairs[0], left=rewrapped(matching.pairs[0].left))
    assert same_key(quiz, matching, replace(matching, pairs=(pair, *matching.pairs[1:])))


@pytest.mark.parametrize(
    "edit",
    [
        # A hard line break (two spaces, then a new line) shows a break.
        lambda t: t.replace(" ", "  \n", 1),
        # A blank line starts a new paragraph.
        lambda t: t.replace(" ", "\n\n", 1),
        # A word added, or a no-break space that holds two words together.
        lambda t: t.replace(" ", " not ", 1),
        lambda t: t.replace(" ", "\u00a0", 1),
    ],
)
def test_white_space_that_shows_differently_is_an_edit(quiz, edit):
    question = quiz.question("every-type-single")
    edited = replace(question, text=edit(question.text))
    assert wording_key(quiz.id, edited) != wording_key(quiz.id, question)


def test_spacing_inside_a_code_block_is_an_edit(quiz):
    question = quiz.question("every-type-single")
    code = replace(question, text=question.text + "\n\n    a b")
    wider = replace(question, text=question.text + "\n\n    a  b")
    assert wording_key(quiz.id, wider) != wording_key(quiz.id, code)


def test_short_answers_and_matching_options_are_compared_as_written(quiz):
    # Not Markdown: an accepted answer or an option is compared as it is written.
    short = quiz.question("every-type-short")
    other = replace(short, answers=(short.answers[0] + " ", *short.answers[1:]))
    assert wording_key(quiz.id, other) != wording_key(quiz.id, short)


def test_versions_are_grouped_as_learners_answered_them_rendering_only_white_space_variants(
    quiz,
):
    single = quiz.question("every-type-single")
    versions = {
        "today": single,
        "moved": replace(single, line=single.line + 40),
        "rewrapped": replace(single, text=rewrapped(single.text)),
        "new paragraph": replace(single, text=single.text.replace(" ", "\n\n", 1)),
        "reworded": replace(single, text=single.text + " (reworded)"),
        "ordering": quiz.question("every-type-ordering"),
    }
    groups = sorted(sorted(group) for group in alike_versions(quiz.id, versions))
    assert groups == [
        ["moved", "rewrapped", "today"],
        ["new paragraph"],
        ["ordering"],
        ["reworded"],
    ]
    # Versions alike as written (only moved, retitled) are never rendered: a second a quiz.
    shown.cache_clear()
    alike_versions(quiz.id, {k: versions[k] for k in ("today", "moved", "ordering")})
    assert shown.cache_info().misses == 0
