"""The demo seeder copes with any course that validates, however small."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

from app.domain.catalogue import load_sources
from app.domain.seeding import Course, learners
from app.domain.sources import discover
from tests.module_text import PROVENANCE

ROOT = Path(__file__).resolve().parents[2]
MODULE = (
    """---
title: Solo
summary: A module of one screen.
order: 1
estimated_minutes: 5
cpd_minutes: 5
learning_outcomes: [Read one screen]
competencies: [SPLW-1.1]
"""
    + PROVENANCE
    + """---
Intro.
"""
)
ASSESSMENT = """---
id: solo-assessment
module: solo
title: Solo quiz
kind: assessment
pass_mark: 100
shuffle_answers: true
shuffle_questions: true
show_correct_answers: never
---
ID: solo-q1
Competencies: SPLW-1.1
Outcomes: 1
1.  Which?
*a) This
b)  That
"""


def test_a_one_screen_module_seeds_learners_part_way_and_all_the_way(tmp_path):
    modules, quizzes = tmp_path / "modules", tmp_path / "quizzes"
    (modules / "solo").mkdir(parents=True)
    (modules / "solo" / "module.md").write_text(MODULE)
    (modules / "solo" / "01-only.md").write_text("---\ntitle: Only\n---\n## Only\n\nText.\n")
    quizzes.mkdir()
    (quizzes / "solo-assessment.md").write_text(ASSESSMENT)
    shutil.copytree(ROOT / "competencies", tmp_path / "competencies")
    result = load_sources(discover((), tmp_path / "competencies", modules, quizzes))
    assert result.errors == (), result.errors
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    drawn = list(learners(Course(result.catalogue), 1, 1, 300, now))
    assert len(drawn) == 300
    assert any(learner.attempts for learner in drawn)


def load(tmp_path, quiz: str | None, screens: int = 2):
    """Return the catalogue of one module with `screens` screens and this assessment, if any."""
    modules, quizzes = tmp_path / "modules", tmp_path / "quizzes"
    (modules / "solo").mkdir(parents=True)
    (modules / "solo" / "module.md").write_text(MODULE)
    for n in range(1, screens + 1):
        (modules / "solo" / f"0{n}-s{n}.md").write_text(f"---\ntitle: S{n}\n---\n## S{n}\n\nT.\n")
    quizzes.mkdir()
    if quiz is not None:
        (quizzes / "solo-assessment.md").write_text(quiz)
    shutil.copytree(ROOT / "competencies", tmp_path / "competencies")
    result = load_sources(discover((), tmp_path / "competencies", modules, quizzes))
    assert result.errors == (), result.errors
    return result.catalogue


FRONT = ASSESSMENT[: ASSESSMENT.index("ID: solo-q1")]
TYPED_AND_ARRANGED = (
    FRONT
    + """GROUP
pick: 1
points per question: 2

ID: solo-q1
Competencies: SPLW-1.1
Outcomes: 1
1.  How many?
=   6 +- 1

ID: solo-q2
Competencies: SPLW-1.1
Outcomes: 1
2.  Name it.
*   ONS4
*   ONS 4
END_GROUP

ID: solo-q3
Competencies: SPLW-1.1
Outcomes: 1
Type: ordering
3.  Put these in order.
1)  First
2)  Second
3)  Third

ID: solo-q4
Competencies: SPLW-1.1
Outcomes: 1
Type: matching
4.  Match them.
=   Debt -> Advice
=   Loneliness -> A group
=   -> A pharmacy
"""
)


def test_a_module_without_an_assessment_seeds_learners_and_no_attempts(tmp_path):
    course = Course(load(tmp_path, None))
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    drawn = list(learners(course, 1, 1, 200, now))
    assert len(drawn) == 200
    assert not any(learner.attempts for learner in drawn)


def test_an_assessment_of_typed_pooled_and_arranged_questions_seeds_answers_to_each(tmp_path):
    course = Course(load(tmp_path, TYPED_AND_ARRANGED))
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    drawn = list(learners(course, 1, 1, 200, now))
    answered = {qid for learner in drawn for a in learner.attempts for qid, *_ in a.answers}
    assert answered == {"solo-q1", "solo-q2", "solo-q3", "solo-q4"}
