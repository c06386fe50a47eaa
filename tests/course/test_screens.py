"""Every shipped question names the screens that teach it, and those screens do teach it.

A question's `Screens:` line sends a learner who got it wrong to where the point is taught.
Whether a screen teaches a point takes a reader; these tests keep the worst mistakes out:
a screen that shares no telling word with the question, or one that matches the question
less well than most screens of its module.
"""

import math
import re
from collections import Counter
from pathlib import Path

import pytest

from app.domain.catalogue import load_sources
from app.domain.sources import discover

from .checks import keywords, question_words, screen_text

ROOT = Path(__file__).resolve().parents[2]
CONTENT, COMPETENCIES = ROOT / "content", ROOT / "competencies"
# A word on more than this share of the course's screens says little about any one of them.
DISTINCTIVE_SHARE = 0.25


@pytest.fixture(scope="module")
def catalogue():
    folders = [CONTENT / "modules", CONTENT / "quizzes", COMPETENCIES]
    sources = discover(folders, COMPETENCIES, CONTENT / "modules", CONTENT / "quizzes")
    result = load_sources(sources)
    assert result.catalogue is not None, "\n".join(map(str, result.problems))
    return result.catalogue


class Screens:
    """The course's screens as keywords, with how telling each keyword is."""

    def __init__(self, catalogue):
        self.words = {
            (m.slug, s.slug): keywords(f"{s.title} {screen_text(s.html)}")
            for m in catalogue.modules
            for s in m.screens
        }
        count = Counter(w for found in self.words.values() for w in found)
        total = len(self.words)
        self.idf = {w: math.log(total / n) for w, n in count.items()}
        self.distinctive = {w for w, n in count.items() if n <= DISTINCTIVE_SHARE * total}

    def shared(self, question, module, slug) -> set[str]:
        """Return the telling words a question shares with one screen of its module."""
        return keywords(question_words(question)) & self.words[(module.slug, slug)]

    def rank(self, question, module, slug) -> int:
        """Return where a screen comes among its module's screens by weighted shared words."""
        scores = {
            s.slug: sum(self.idf[w] for w in self.shared(question, module, s.slug))
            for s in module.screens
        }
        return 1 + sum(1 for score in scores.values() if score > scores[slug])


@pytest.fixture(scope="module")
def screens(catalogue):
    return Screens(catalogue)


def shipped_questions(catalogue):
    for module in catalogue.modules:
        quizzes = [module.assessment, *(s.knowledge_check for s in module.screens)]
        for quiz in filter(None, quizzes):
            for question in quiz.questions:
                yield module, quiz, question


def problems_with(screens, module, question, slugs):
    """Return why the named screens may not teach the question; empty if they may."""
    found = []
    own = [s.slug for s in module.screens]
    for slug in slugs:
        if slug not in own:
            found.append(f"{slug} is not a screen of {module.slug}")
        elif not screens.shared(question, module, slug) & screens.distinctive:
            found.append(f"{slug} shares no telling word with the question")
    ranks = [screens.rank(question, module, s) for s in slugs if s in own]
    if ranks and min(ranks) > len(own) / 2:
        found.append(f"every named screen matches it worse than half of {module.slug}'s")
    return found


def test_every_shipped_question_names_the_screens_that_teach_it(catalogue, screens):
    found = []
    for module, quiz, question in shipped_questions(catalogue):
        if not question.screens:
            found.append(f"{quiz.id} {question.id}: no Screens: line")
        for problem in problems_with(screens, module, question, question.screens):
            found.append(f"{quiz.id} {question.id}: {problem}")
    assert found == []


def test_the_check_reaches_every_quiz_file_the_course_ships(catalogue):
    reached = {quiz.id for _, quiz, _ in shipped_questions(catalogue)}
    files = {
        re.search(r"^id: *(\S+)", path.read_text(encoding="utf-8"), re.M).group(1)
        for path in (CONTENT / "quizzes").glob("*.md")
        if path.name != "README.md"
    }
    assert reached == files


@pytest.mark.parametrize(
    "question_id, wrong_screen",
    [
        ("sg-q07", "confidentiality-and-sharing"),  # the Mental Capacity Act, not sharing
        ("ri-q15", "supervision"),  # the ONS4, not supervision
        ("rr-q27", "medical-routes"),  # consent and lawful basis, not who refers
        ("wisp-q19", "psychosocial-needs"),  # the roles of Table 1, not kinds of need
    ],
)
def test_the_check_rejects_a_screen_that_teaches_something_else(
    catalogue, screens, question_id, wrong_screen
):
    module, _, question = next(
        found for found in shipped_questions(catalogue) if found[2].id == question_id
    )
    assert problems_with(screens, module, question, [wrong_screen])
    assert problems_with(screens, module, question, ["no-such-screen"])
    assert problems_with(screens, module, question, question.screens) == []


def test_no_screen_links_on_to_a_later_screen_of_its_module_and_links_back_stay(catalogue):
    """A later screen may still be locked for the learner; the Next button leads on."""
    for module in catalogue.modules:
        slugs = [screen.slug for screen in module.screens]
        for place, screen in enumerate(module.screens):
            for later in slugs[place + 1 :]:
                assert f'href="/modules/{module.slug}/{later}/' not in screen.html, (
                    f"{screen.path} links on to {later}"
                )
    summary = catalogue.module("what-is-social-prescribing").screen("summary").html
    assert 'href="/modules/what-is-social-prescribing/roles-and-responsibilities/"' in summary


def test_no_screen_links_into_a_screen_of_another_module(catalogue):
    """Modules are taken in any order: another module's screen may be locked to the reader."""
    for module in catalogue.modules:
        for screen in module.screens:
            into = re.findall(r'href="/modules/([a-z0-9-]+)/[a-z0-9-]+/', screen.html)
            assert {m for m in into if m != module.slug} == set(), screen.path
