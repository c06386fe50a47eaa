"""A credential is valid until the first of the evidence behind it stops counting."""

from datetime import UTC, datetime

from app.domain.competencies import parse_duration
from app.domain.credential_validity import credential_valid_until
from app.domain.frameworks import (
    AttainmentSettings,
    Competency,
    Domain,
    Framework,
    ProficiencyLevel,
)

ISSUED = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
SCALE = (ProficiencyLevel("Not yet", 0), ProficiencyLevel("Secure", 80))


def competency(code: str, valid_for: str | None = None) -> Competency:
    period = parse_duration(valid_for) if valid_for else None
    return Competency(code, f"Competency {code}", "Do it.", 1, "t", period)


def framework(*competencies: Competency, valid_for: str | None = "3y") -> Framework:
    return Framework(
        "t", "Test", "0.1", "Tests", "Tests", "Tests", SCALE,
        AttainmentSettings("weighted-average"),
        (Domain(1, "Doing", "Do.", competencies),), "t.yaml",
        ("gp",), parse_duration(valid_for) if valid_for else None, parse_duration("3m"),
    )  # fmt: skip


def test_the_frameworks_validity_when_no_competency_has_its_own():
    found = framework(competency("T-1.1"), competency("T-1.2"))
    assert credential_valid_until(found, ["T-1.1", "T-1.2"], ISSUED) == ISSUED.replace(year=2029)


def test_one_shorter_competency_sets_the_end_for_the_whole_credential():
    found = framework(competency("T-1.1"), competency("T-1.2", "1y"), competency("T-1.3", "18m"))
    assert credential_valid_until(found, ["T-1.1", "T-1.2", "T-1.3"], ISSUED) == ISSUED.replace(
        year=2027
    )


def test_a_competency_valid_longer_than_the_framework_does_not_stretch_the_others():
    found = framework(competency("T-1.1"), competency("T-1.2", "5y"))
    assert credential_valid_until(found, ["T-1.1", "T-1.2"], ISSUED) == ISSUED.replace(year=2029)


def test_a_shorter_competency_the_credential_does_not_align_to_changes_nothing():
    found = framework(competency("T-1.1"), competency("T-1.2", "1y"))
    assert credential_valid_until(found, ["T-1.1"], ISSUED) == ISSUED.replace(year=2029)


def test_none_when_no_evidence_behind_it_expires():
    found = framework(competency("T-1.1"), valid_for=None)
    assert credential_valid_until(found, ["T-1.1"], ISSUED) is None
    assert credential_valid_until(None, ["T-1.1"], ISSUED) is None


def test_only_a_competency_of_its_own_expires_in_a_framework_without_validity():
    found = framework(competency("T-1.1"), competency("T-1.2", "6m"), valid_for=None)
    # Six months on the UK wall clock: 10:30am GMT on 5 December is 10:30am BST (9:30 UTC).
    assert credential_valid_until(found, ["T-1.1", "T-1.2"], ISSUED) == ISSUED.replace(
        year=2027, month=6, hour=9
    )


def test_a_competency_of_another_framework_is_not_counted():
    # A GP's certificate aligns to link workers' competencies too: only the GP's framework's
    # competencies say how long a GP's evidence counts.
    found = framework(competency("T-1.1"))
    assert credential_valid_until(found, ["T-1.1", "SPLW-5.1"], ISSUED) == ISSUED.replace(year=2029)


def test_the_frameworks_validity_when_none_of_its_competencies_is_aligned():
    found = framework(competency("T-1.1", "1y"))
    assert credential_valid_until(found, ["SPLW-7.1"], ISSUED) == ISSUED.replace(year=2029)
    assert credential_valid_until(found, [], ISSUED) == ISSUED.replace(year=2029)
