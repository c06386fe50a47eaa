"""Questions give evidence for the competencies they test, as a clinical review mapped them.

The review of 7 December 2026 found three gaps: the link worker framework had no competency
for the Mental Capacity Act, though module 4 teaches and tests it (learning outcome 4);
module 2's questions on local services gave evidence for following up a plan (SPLW-2.3),
not for knowing local services (SPLW-3.1); and a question on how link workers are funded
counted towards telling the roles apart (REF-3.1).
"""

from pathlib import Path

import pytest

from app.domain.catalogue import load_sources
from app.domain.sources import discover

from .checks import draws

ROOT = Path(__file__).resolve().parents[2]
CONTENT, COMPETENCIES = ROOT / "content", ROOT / "competencies"
SAFEGUARDING = "safeguarding-risk-and-confidentiality"
SYSTEM = "how-the-system-works"
MENTAL_CAPACITY_OUTCOME = 4


@pytest.fixture(scope="module")
def catalogue():
    folders = [CONTENT / "modules", CONTENT / "quizzes", COMPETENCIES]
    sources = discover(folders, COMPETENCIES, CONTENT / "modules", CONTENT / "quizzes")
    result = load_sources(sources)
    assert result.catalogue is not None, "\n".join(map(str, result.problems))
    return result.catalogue


def mental_capacity_code(catalogue, prefix: str) -> str:
    """Return the code of the framework's one competency on the Mental Capacity Act."""
    found = [
        c.code
        for c in catalogue.competencies
        if c.code.startswith(prefix) and "Mental Capacity Act" in c.statement + c.name
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("prefix", ["SPLW-", "REF-"])
def test_each_framework_rates_the_mental_capacity_act_from_module_4(catalogue, prefix):
    code = mental_capacity_code(catalogue, prefix)
    module = catalogue.module(SAFEGUARDING)
    assert code in module.competency_codes
    on_the_act = [q for q in module.assessment.questions if MENTAL_CAPACITY_OUTCOME in q.outcomes]
    assert len(on_the_act) >= 3
    assert [q.id for q in on_the_act if code not in q.competencies] == []
    found = draws(module.assessment, lambda q: code in q.competencies)
    assert found.guaranteed >= 3, found


def test_mental_capacity_questions_are_no_evidence_of_acting_on_safeguarding_concerns(catalogue):
    module = catalogue.module(SAFEGUARDING)
    on_the_act = [q for q in module.assessment.questions if MENTAL_CAPACITY_OUTCOME in q.outcomes]
    assert [q.id for q in on_the_act if "SPLW-5.1" in q.competencies] == []
    assert draws(module.assessment, lambda q: "SPLW-5.1" in q.competencies).guaranteed >= 3


def test_module_2_rates_knowing_local_services_from_its_questions_on_them(catalogue):
    module = catalogue.module(SYSTEM)
    quiz = module.assessment
    assert "SPLW-3.1" in module.competency_codes
    question = next(q for q in quiz.questions if q.id == "hsw-q36")
    assert list(question.competencies) == ["SPLW-3.1"]
    assert draws(quiz, lambda q: "SPLW-3.1" in q.competencies).guaranteed >= 3
    assert draws(quiz, lambda q: "SPLW-2.3" in q.competencies).guaranteed >= 3


def test_no_question_on_funding_counts_towards_telling_the_roles_apart(catalogue):
    quiz = catalogue.module(SYSTEM).assessment
    assert "hsw-q34" not in {q.id for q in quiz.questions}
    assert draws(quiz, lambda q: "REF-3.1" in q.competencies).guaranteed >= 3
