"""Coverage counts what every attempt is sure to ask, by the rule the rating itself applies."""

import random
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

ROOT = Path(__file__).resolve().parents[2]
SAFEGUARDING = "safeguarding-risk-and-confidentiality-assessment"


@pytest.fixture(scope="module")
def shipped():
    content = ROOT / "content"
    sources = discover((), ROOT / "competencies", content / "modules", content / "quizzes")
    return load_sources(sources)


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
    ref_3_2 = rows["REF-3.2"]
    assert ref_3_2.questions == (
        AlignedQuestion(SAFEGUARDING, "sg-q09"),
        AlignedQuestion(SAFEGUARDING, "sg-q10"),
        AlignedQuestion(SAFEGUARDING, "sg-q14", pool=(1, 3)),
    )
    assert ref_3_2.asked == Asked(sure=2, possible=3)
    assert (ref_3_2.minimum, ref_3_2.enough, ref_3_2.more_needed) == (3, False, 1)
    assert rows["REF-4.3"].asked == Asked(4, 4) and rows["REF-4.3"].enough
    assert rows["REF-4.1"].asked == Asked(3, 3) and rows["REF-4.1"].enough


def test_coverage_and_the_rating_apply_one_rule_to_different_questions(shipped):
    # Three attempts at the safeguarding quiz that never drew sg-q14, both REF-3.2 answers
    # right each time: six answers, two different questions.
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    answers = [
        Evidence(1.0, start + timedelta(days=day), question, SAFEGUARDING)
        for day in range(3)
        for question in ("sg-q09", "sg-q10")
    ]
    catalogue = shipped.catalogue
    for needed, enough in ((3, False), (2, True), (0, True)):  # 0 needs one question, as 1
        frameworks = tuple(
            replace(f, attainment=replace(f.attainment, minimum_evidence=needed))
            for f in catalogue.frameworks
        )
        changed = Catalogue(catalogue.modules, frameworks)
        row = next(r for r in coverage(changed) if r.competency.code == "REF-3.2")
        rated = attainment(answers, changed.framework("referrer"))
        assert row.enough is enough and (rated.level != INSUFFICIENT_EVIDENCE) is enough, needed


def test_validate_warns_once_where_what_is_sure_to_be_asked_cannot_rate_a_competency(shipped):
    assert shipped.catalogue is not None and not shipped.errors  # a warning: exit status 0
    found = [str(p) for p in shipped.warnings if " REF-3.2 " in str(p)]
    assert found == [
        f"{ROOT}/content/quizzes/{SAFEGUARDING}.md:1: warning: competency REF-3.2 may never be "
        "rated: an attempt at each assessment is sure to ask 2 different questions aligned with "
        "it (up to 3 as pools draw), and 3 are needed to rate it; add questions outside pools, "
        "or have a pool pick more"
    ]
    assert not any(
        f" {code} " in str(p) for p in shipped.warnings for code in ("REF-4.3", "REF-4.1")
    )
