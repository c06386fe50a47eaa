"""A question's choices speak of people its text has introduced.

A reviewer found a question of "How the system works" on Mr U, wary of "the link worker",
whose choices spoke of "what she can and cannot help with" and "the day she said she would"
when no woman had been introduced. The learner is now the link worker ("you"), and a second
question of the same kind names its link worker (Nadia).
"""

import re
from pathlib import Path

import pytest

from app.domain.catalogue import load_sources
from app.domain.sources import discover

ROOT = Path(__file__).resolve().parents[2]
CONTENT, COMPETENCIES = ROOT / "content", ROOT / "competencies"
QUIZ = "how-the-system-works-assessment"

SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
# A woman the question's text introduces: said as "she" or "her" already, by her title
# (Mrs Z, Ms Y), or by her first name and role ("Nadia, his link worker", "Kemi is a new
# link worker").
A_WOMAN = re.compile(
    r"\b(?:she|her|hers|herself)\b"
    r"|\b(?:Mrs|Ms|Miss) [A-Z]"
    r"|\b[A-Z][a-z]+, (?:his|her|their) link worker\b"
    r"|\b[A-Z][a-z]+ is a (?:new )?link worker\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def quiz():
    folders = [CONTENT / "modules", CONTENT / "quizzes", COMPETENCIES]
    found = load_sources(discover(folders, COMPETENCIES, CONTENT / "modules", CONTENT / "quizzes"))
    assert found.catalogue is not None
    (module,) = [m for m in found.catalogue.modules if m.assessment and m.assessment.id == QUIZ]
    return module.assessment


def said_after(question) -> str:
    """Return what the learner reads after the question's text: choices and feedback."""
    feedback = question.feedback
    parts = [feedback.general, feedback.correct, feedback.incorrect]
    for choice in getattr(question, "choices", ()):
        parts += [choice.text, choice.feedback]
    return " ".join(p for p in parts if p)


def unintroduced_women(quiz) -> list[str]:
    """Return the ids of questions whose choices or feedback say "she" of nobody introduced."""
    return [
        q.id for q in quiz.questions if SHE.search(said_after(q)) and not A_WOMAN.search(q.text)
    ]


def test_no_choice_says_she_of_someone_the_question_has_not_introduced(quiz):
    assert unintroduced_women(quiz) == []


def test_the_trust_question_keeps_its_id_and_speaks_to_the_learner_as_the_link_worker(quiz):
    (question,) = [q for q in quiz.questions if q.id == "hsw-q30"]
    assert "You are the link worker for Mr U" in question.text
    choices = [c.text for c in question.choices]
    assert "Telling him plainly what you can and cannot help with" in choices
    assert "Calling him back on the day you said you would" in choices
    # Choices keep their places, so recorded answers keep their meaning (docs/authoring.md).
    assert [c.correct for c in question.choices] == [True, True, True, False, False]
