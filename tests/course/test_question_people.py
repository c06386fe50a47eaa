"""A question says "he" or "she" only of a person it has introduced.

A reviewer found a question of "How the system works" on Mr U, wary of "the link worker",
whose choices spoke of "what she can and cannot help with" and "the day she said she would"
when no woman had been introduced. The learner is now the link worker ("you"), and a second
question of the same kind names its link worker (Nadia). The same slip was in three questions
of modules 4 and 5 (sg-q18, ri-q05, ri-q13), so every quiz and knowledge check is checked.

A question's text introduces a person by a title (Mr Y, Mrs Z), a word that says who they
are ("a man", "her husband"), a first name and role ("Nadia, his link worker"), or by
calling them "he" or "she" in the text itself ("A link worker notices she is sleeping
badly"). A choice, or a matching pair, may introduce its own person the same ways but the
last: a pronoun in a choice is what the learner cannot place.
"""

import re
from pathlib import Path

import pytest

from app.domain.catalogue import load_sources
from app.domain.sources import discover

ROOT = Path(__file__).resolve().parents[2]
CONTENT, COMPETENCIES = ROOT / "content", ROOT / "competencies"

PRONOUNS = {
    "she": re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE),
    "he": re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE),
}
# A person introduced as a woman or a man without a pronoun.
NAMED = {
    "she": re.compile(
        r"\b(?:Mrs|Ms|Miss) [A-Z]"
        r"|\b(?i:woman|mother|daughter|wife|sister|granddaughter|grandmother|niece|aunt)\b"
        r"|\b[A-Z][a-z]+, (?:his|her|their) link worker\b"
        r"|\b[A-Z][a-z]+ is a (?:new )?link worker\b"
    ),
    "he": re.compile(
        r"\bMr [A-Z]"
        r"|\b(?i:man|father|son|husband|brother|grandson|grandfather|nephew|uncle)\b"
    ),
}


@pytest.fixture(scope="module")
def quizzes():
    folders = [CONTENT / "modules", CONTENT / "quizzes", COMPETENCIES]
    found = load_sources(discover(folders, COMPETENCIES, CONTENT / "modules", CONTENT / "quizzes"))
    assert found.catalogue is not None
    shown = []
    for module in found.catalogue.modules:
        shown += [module.assessment] if module.assessment else []
        shown += [s.knowledge_check for s in module.screens if s.knowledge_check]
    return shown


def introduces(text: str, gender: str, *, by_pronoun: bool) -> bool:
    """Return whether the text introduces a person of this gender."""
    return bool(NAMED[gender].search(text) or (by_pronoun and PRONOUNS[gender].search(text)))


def said(question) -> list[tuple[str, str]]:
    """Return each thing the learner reads after the question's text, with what introduces it.

    A choice's text and feedback, or a matching pair, can rest on the question's text and
    on the choice itself; the question's own feedback on the question's text and every choice.
    """
    texts = [question.text]
    parts = []
    for choice in getattr(question, "choices", ()):
        texts.append(choice.text)
        parts.append((f"{choice.text} {choice.feedback or ''}", choice.text))
    for pair in getattr(question, "pairs", ()):
        texts.append(pair.left)
        parts.append((f"{pair.left} {pair.right}", pair.left))
    parts += [(text, text) for text in getattr(question, "distractors", ())]
    parts += [(item.text, "") for item in getattr(question, "items", ())]
    everything = " ".join(texts)
    feedback = question.feedback
    for text in (feedback.general, feedback.correct, feedback.incorrect):
        parts += [(text, everything)] if text else []
    return parts


def unexplained_people(question) -> list[str]:
    """Return the pronouns a question's choices or feedback use of nobody introduced."""
    found = []
    for text, own in said(question):
        for gender, pronoun in PRONOUNS.items():
            if not pronoun.search(text):
                continue
            if introduces(question.text, gender, by_pronoun=True):
                continue
            if not introduces(own, gender, by_pronoun=False):
                found.append(f"{question.id}: {pronoun.search(text).group()!r} in {text!r}")
    return found


def test_every_quiz_file_is_checked(quizzes):
    files = {Path(q.path).name for q in quizzes}
    assert files == {p.name for p in (CONTENT / "quizzes").glob("*.md")} - {"README.md"}


def test_no_question_says_he_or_she_of_someone_it_has_not_introduced(quizzes):
    found = [said for quiz in quizzes for q in quiz.questions for said in unexplained_people(q)]
    assert found == []


def test_a_choice_that_introduces_its_own_person_may_call_them_he_or_she(quizzes):
    (quiz,) = [q for q in quizzes if q.id == "what-is-social-prescribing-assessment"]
    (question,) = [q for q in quiz.questions if q.id == "wisp-q24"]
    assert not PRONOUNS["she"].search(question.text)
    assert unexplained_people(question) == []


def choices_of(quizzes, question_id: str):
    """Return the choices of the shipped question with this ID."""
    (question,) = [q for quiz in quizzes for q in quiz.questions if q.id == question_id]
    return question, question.choices


def test_the_trust_question_keeps_its_id_and_speaks_to_the_learner_as_the_link_worker(quizzes):
    question, choices = choices_of(quizzes, "hsw-q30")
    assert "You are the link worker for Mr U" in question.text
    texts = [c.text for c in choices]
    assert "Telling him plainly what you can and cannot help with" in texts
    assert "Calling him back on the day you said you would" in texts
    # Choices keep their places, so recorded answers keep their meaning (docs/authoring.md).
    assert [c.correct for c in choices] == [True, True, True, False, False]


@pytest.mark.parametrize(
    ("question_id", "marks"),
    [
        ("sg-q18", [True, False, False, False]),
        ("ri-q05", [False, True, False, False]),
        ("ri-q13", [True, True, True, False]),
    ],
)
def test_reworded_questions_keep_their_ids_and_the_places_of_their_choices(
    quizzes, question_id, marks
):
    _, choices = choices_of(quizzes, question_id)
    assert [c.correct for c in choices] == marks
