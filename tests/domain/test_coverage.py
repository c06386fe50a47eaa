"""Coverage counts what every attempt is sure to ask, by the rule the rating itself applies."""

import random
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.catalogue import load_sources
from app.domain.competencies import INSUFFICIENT_EVIDENCE, Evidence, attainment
from app.domain.content import Catalogue
from app.domain.coverage import AlignedQuestion, Asked, asked_in, coverage
from app.domain.quizzes.attempts import select_questions
from app.domain.sources import discover
from tests.module_text import PROVENANCE

ROOT = Path(__file__).resolve().parents[2]
SAFEGUARDING = "safeguarding-risk-and-confidentiality-assessment"
RECORDING = "recording-impact-and-supervision-assessment"
# sg-q18 shares a pool that asks 1 of 2 with sg-q14, both on REF-3.2: one of them is asked.
SG_Q18 = "ID: sg-q18\nCompetencies: SPLW-5.3, REF-3.2\n"


@pytest.fixture(scope="module")
def shipped():
    content = ROOT / "content"
    sources = discover((), ROOT / "competencies", content / "modules", content / "quizzes")
    return load_sources(sources)


@pytest.fixture(scope="module")
def gap_quizzes(tmp_path_factory):
    """Return a copy of the shipped quizzes in which sg-q18 no longer counts for REF-3.2.

    Its pool is then not sure to ask a question on REF-3.2, as the safeguarding quiz's pool
    once was: every attempt is sure to ask 2 of the 3 different questions a rating needs.
    """
    folder = tmp_path_factory.mktemp("gap") / "quizzes"
    shutil.copytree(ROOT / "content" / "quizzes", folder)
    path = folder / f"{SAFEGUARDING}.md"
    text = path.read_text("utf-8")
    assert text.count(SG_Q18) == 1
    path.write_text(text.replace(SG_Q18, SG_Q18.replace(", REF-3.2", "")), "utf-8")
    return folder


@pytest.fixture(scope="module")
def gap(gap_quizzes):
    content = ROOT / "content"
    return load_sources(discover((), ROOT / "competencies", content / "modules", gap_quizzes))


def test_sure_and_at_most_are_the_fewest_and_most_any_draw_of_the_pools_asks(shipped):
    rng = random.Random(7)
    for module in shipped.catalogue.modules:
        quiz = module.assessment
        counted = asked_in(quiz)
        seen: dict[str, list[int]] = {code: [] for code in counted}
        for _ in range(400):  # pools of 1 in 9 at most: every draw shows up
            drawn = [quiz.question(entry["question"]) for entry in select_questions(quiz, rng)]
            for code in counted:
                seen[code].append(sum(code in q.competencies for q in drawn))
        for code, asked in counted.items():
            assert (min(seen[code]), max(seen[code])) == (asked.sure, asked.possible), code


def test_a_question_in_a_pool_is_aligned_but_not_sure_to_be_asked(shipped):
    rows = {row.competency.code: row for row in coverage(shipped.catalogue)}
    # ri-q14 sits in a pool of 7 on as many competencies: no draw is sure to ask it. ri-q25
    # and ri-q26 share a pool of their own, so every draw asks one of them.
    splw_7_1 = rows["SPLW-7.1"]
    assert splw_7_1.questions == (
        AlignedQuestion(RECORDING, "ri-q01"),
        AlignedQuestion(RECORDING, "ri-q02"),
        AlignedQuestion(RECORDING, "ri-q14", pool=(1, 7)),
        AlignedQuestion(RECORDING, "ri-q25", pool=(1, 2)),
        AlignedQuestion(RECORDING, "ri-q26", pool=(1, 2)),
    )
    assert splw_7_1.asked == Asked(sure=3, possible=4)
    assert (splw_7_1.minimum, splw_7_1.enough, splw_7_1.more_needed) == (3, True, 0)
    assert rows["REF-3.2"].asked == Asked(3, 3) and rows["REF-3.2"].enough
    # With sg-q20, and the pool of sg-q21 to sg-q23 on the Mental Capacity Act.
    assert rows["REF-4.3"].asked == Asked(6, 6) and rows["REF-4.3"].enough
    assert rows["REF-4.1"].asked == Asked(3, 3) and rows["REF-4.1"].enough


def test_a_pool_that_may_skip_the_third_question_leaves_the_competency_short(gap):
    # As the safeguarding quiz was: the third REF-3.2 question in a pool that may skip it.
    row = next(r for r in coverage(gap.catalogue) if r.competency.code == "REF-3.2")
    assert row.questions == (
        AlignedQuestion(SAFEGUARDING, "sg-q09"),
        AlignedQuestion(SAFEGUARDING, "sg-q10"),
        AlignedQuestion(SAFEGUARDING, "sg-q14", pool=(1, 2)),
    )
    assert row.asked == Asked(sure=2, possible=3)
    assert (row.minimum, row.enough, row.more_needed) == (3, False, 1)


def test_coverage_and_the_rating_apply_one_rule_to_different_questions(shipped):
    # Three attempts at the safeguarding quiz whose pool drew sg-q14 each time, every REF-3.2
    # answer right: nine answers, three different questions, as coverage is sure of.
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    answers = [
        Evidence(1.0, start + timedelta(days=day), question, SAFEGUARDING)
        for day in range(3)
        for question in ("sg-q09", "sg-q10", "sg-q14")
    ]
    catalogue = shipped.catalogue
    for needed, enough in ((4, False), (3, True), (0, True)):  # 0 needs one question, as 1
        frameworks = tuple(
            replace(f, attainment=replace(f.attainment, minimum_evidence=needed))
            for f in catalogue.frameworks
        )
        changed = Catalogue(catalogue.modules, frameworks)
        row = next(r for r in coverage(changed) if r.competency.code == "REF-3.2")
        rated = attainment(answers, changed.framework("referrer"))
        assert row.enough is enough and (rated.level != INSUFFICIENT_EVIDENCE) is enough, needed


def test_validate_warns_once_where_what_is_sure_to_be_asked_cannot_rate_a_competency(
    shipped, gap, gap_quizzes
):
    assert gap.catalogue is not None and not gap.errors  # a warning: exit status 0
    found = [str(p) for p in gap.warnings if " REF-3.2 " in str(p)]
    assert found == [
        f"{gap_quizzes}/{SAFEGUARDING}.md:1: warning: competency REF-3.2 may never be "
        "rated: an attempt at each assessment is sure to ask 2 different questions aligned with "
        "it (up to 3 as pools draw), and 3 are needed to rate it; add questions outside pools, "
        "or have a pool pick more"
    ]
    assert not any(f" {c} " in str(p) for p in gap.warnings for c in ("REF-4.3", "REF-4.1"))
    # The shipped quiz is sure to ask sg-q14 or sg-q18: nothing to warn of.
    assert not any(
        f" {c} " in str(p) for p in shipped.warnings for c in ("REF-3.2", "REF-4.3", "REF-4.1")
    )


CARERS_MODULE = (
    """---
title: Working with carers
summary: A module whose quiz asks one question on a competency the course covers.
order: 9
estimated_minutes: 5
cpd_minutes: 10
learning_outcomes:
  - Recognise the needs of unpaid carers
competencies: [SPLW-3.2]
"""
    + PROVENANCE
    + "---\nStart with the first screen.\n"
)
CARERS_QUIZ = """---
id: carers-assessment
module: carers
title: "Working with carers: end-of-module quiz"
kind: assessment
pass_mark: 80
max_attempts: 3
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-pass
---

ID: carers-q01
Competencies: SPLW-3.2
Outcomes: 1
1.  Where can an unpaid carer find support of their own?
a)  Nowhere: support is for the person cared for
*b) A local carers' centre
"""


def test_a_module_whose_own_quiz_asks_too_little_on_a_competency_it_lists_is_warned_of(
    tmp_path,
):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    folder = tmp_path / "content" / "modules" / "carers"
    folder.mkdir()
    (folder / "module.md").write_text(CARERS_MODULE)
    (folder / "01-needs.md").write_text("---\ntitle: Carers' needs\n---\n## Who\n\nText.\n")
    quiz = tmp_path / "content" / "quizzes" / "carers-assessment.md"
    quiz.write_text(CARERS_QUIZ)
    content = tmp_path / "content"
    result = load_sources(
        discover((), ROOT / "competencies", content / "modules", content / "quizzes")
    )
    assert not result.errors, result.errors
    # The course as a whole is sure to ask enough on SPLW-3.2 (another module covers it).
    assert next(r for r in coverage(result.catalogue) if r.competency.code == "SPLW-3.2").enough
    assert [str(p) for p in result.warnings] == [
        f"{quiz}:1: warning: module 'carers' lists competency SPLW-3.2, but an attempt at this "
        "assessment is sure to ask 1 different question aligned with it, and 3 are needed to "
        "rate it: a learner who takes only this module is never rated on it; add questions on "
        "SPLW-3.2 here, or take it off the module's `competencies`"
    ]


def test_a_competency_short_across_the_course_is_warned_of_once_not_again_per_module(gap):
    assert [
        p for p in gap.warnings if "REF-3.2" in p.message and "lists competency" in p.message
    ] == []
