"""Loading competency frameworks and reporting their mistakes at the right line."""

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from app.domain.framework_files import load_frameworks

from .conftest import BROKEN, TINY_FRAMEWORK

WONKY = BROKEN / "competencies" / "wonky.yaml"


def messages(result, path):
    return {(p.line, p.severity, p.message) for p in result.problems if p.path == str(path)}


def test_valid_framework_loads_scale_attainment_and_competencies():
    result = load_frameworks([TINY_FRAMEWORK])
    assert result.problems == ()
    (framework,) = result.frameworks
    assert (framework.id, framework.version) == ("tiny", "0.1")
    assert [level.name for level in framework.scale] == ["Not yet", "Secure"]
    assert framework.attainment.method == "weighted-average"
    assert framework.attainment.latest_weight == 0.65
    assert framework.attainment.minimum_evidence == 3
    assert [c.code for c in framework.competencies] == ["TINY-1.1", "TINY-1.2", "TINY-2.1"]
    assert framework.domains[1].competencies[0].statement.startswith("Describe the routes")


def test_framework_is_immutable():
    framework = load_frameworks([TINY_FRAMEWORK]).frameworks[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        framework.title = "Changed"
    assert isinstance(framework.domains, tuple)


def test_score_maps_to_the_highest_level_reached():
    framework = load_frameworks([TINY_FRAMEWORK]).frameworks[0]
    assert framework.level_for(79.9).name == "Not yet"
    assert framework.level_for(80).name == "Secure"


@pytest.fixture(scope="module")
def wonky():
    return load_frameworks([TINY_FRAMEWORK, WONKY])


def test_framework_with_errors_is_not_loaded(wonky):
    assert [f.id for f in wonky.frameworks] == ["tiny"]


def test_missing_key_reports_line_1(wonky):
    assert (1, "error", "framework is missing required key 'licence'") in messages(wonky, WONKY)


def test_unquoted_version_reports_its_line(wonky):
    assert (3, "error", "'version' must be text; put it in quotes, e.g. \"0.1\"") in (
        messages(wonky, WONKY)
    )


def test_unknown_key_is_a_warning_at_its_line(wonky):
    assert (6, "warning", "unknown key 'colour' in framework is ignored") in messages(wonky, WONKY)


def test_scale_not_ascending_reports_the_threshold_line(wonky):
    assert (
        13,
        "error",
        "scale must be ascending: each threshold must be above the one before (80)",
    ) in messages(wonky, WONKY)


def test_duplicate_code_across_frameworks_names_the_first(wonky):
    message = (
        f"competency code 'TINY-1.1' is also used at {TINY_FRAMEWORK}:21: codes are unique "
        "across all frameworks, so give this competency a code of its own"
    )
    assert (21, "error", message) in messages(wonky, WONKY)


def test_bad_code_format_reports_its_line(wonky):
    assert (
        24,
        "error",
        "competency code 'splw 1.2' must look like SPLW-1.2 (prefix, domain "
        "number, competency number)",
    ) in messages(wonky, WONKY)


def test_codes_of_faulty_frameworks_still_count_as_known(wonky):
    assert "TINY-2.1" in wonky.codes


def write(tmp_path, text, name="f.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_yaml_reports_the_line_of_the_mistake(tmp_path):
    path = write(tmp_path, "id: f\ntitle: [unclosed\nversion: '1'\n")
    (problem,) = load_frameworks([path]).problems
    assert problem.line == 2  # where the '[' is, not line 3 where PyYAML noticed
    assert problem.message.startswith(
        "invalid YAML: the '[' on line 2 starts a list that is never closed: if the value is "
        "text, put the whole value in quotes; if it is a list, close it with ']'; "
    )


def test_code_in_the_wrong_domain_is_an_error(tmp_path):
    text = TINY_FRAMEWORK.read_text().replace("code: TINY-2.1", "code: TINY-1.3")
    result = load_frameworks([write(tmp_path, text, "tiny.yaml")])
    assert [(p.line, p.message) for p in result.problems] == [
        (31, "competency code 'TINY-1.3' is in domain 2; its code should start TINY-2.")
    ]


def test_repeated_key_is_an_error_not_silently_overwritten(tmp_path):
    text = TINY_FRAMEWORK.read_text().replace(
        "title: Tiny test framework\n", "title: Tiny test framework\ntitle: Again\n"
    )
    (problem,) = load_frameworks([write(tmp_path, text, "tiny.yaml")]).problems
    assert (problem.line, problem.message) == (3, "'title' is given twice (first at line 2)")


def test_framework_that_is_not_a_mapping_is_an_error(tmp_path):
    (problem,) = load_frameworks([write(tmp_path, "- just\n- a list\n")]).problems
    assert problem.message == "framework must be a mapping of 'key: value' lines"


def _with_updated(tmp_path, value: str):
    text = TINY_FRAMEWORK.read_text().replace(
        'version: "0.1"\n', f'version: "0.1"\nupdated:{value}\n'
    )
    return load_frameworks([write(tmp_path, text, "tiny.yaml")])


def test_updated_date_is_read_as_the_day_the_framework_last_changed(tmp_path):
    result = _with_updated(tmp_path, " 2026-12-05")
    assert result.problems == ()
    assert result.frameworks[0].updated == date(2026, 12, 5)
    assert load_frameworks([TINY_FRAMEWORK]).frameworks[0].updated is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (" 2026-02-30", "'updated' must be a real date, not 2026-02-30"),
        (" 2026-12-05T10:30:00", "'updated' is a date alone, YYYY-MM-DD, without a time"),
        (" 2026-12-05 10:30:00Z", "'updated' is a date alone, YYYY-MM-DD, without a time"),
        (' "2026-12-05"', "'updated' is a date written YYYY-MM-DD, without quotes"),
        (" 5 December 2026", "'updated' must be a date written YYYY-MM-DD, not '5 December 2026'"),
        (" 2026-12-5", "'updated' must be a date written YYYY-MM-DD, not '2026-12-5'"),
        (" 20261205", "'updated' must be a date written YYYY-MM-DD, not 20261205"),
        ("", "'updated' must be a date written YYYY-MM-DD, not nothing"),
        (
            " 2000-01-01",
            "'updated' must be after 2000-01-01: a CASE export writes that date to mean "
            "'not stated'",
        ),
    ],
)
def test_a_bad_updated_date_is_an_error_at_its_line(tmp_path, value, message):
    result = _with_updated(tmp_path, value)
    assert [(p.line, p.severity, p.message) for p in result.problems] == [(4, "error", message)]
    assert result.frameworks == ()


def test_a_repeated_domain_number_names_the_line_it_was_first_given_at(tmp_path):
    text = TINY_FRAMEWORK.read_text().replace("  - number: 2\n", "  - number: 1\n")
    result = load_frameworks([write(tmp_path, text, "tiny.yaml")])
    assert (27, "domain number 1 is also used at line 17") in [
        (p.line, p.message) for p in result.problems
    ]


def test_a_frameworks_own_rules_are_worked_out_once_and_said_in_words():
    shipped = Path(__file__).resolve().parents[2] / "competencies" / "referrer.yaml"
    (framework,) = load_frameworks([shipped]).frameworks
    (own,) = framework.own_rules
    assert (own.competency.code, own.met, own.valid_for, own.practice_needed) == (
        "REF-4.1",
        "knowledge rated Secure",
        "1 year",
        False,
    )
    # Kept with the framework, as its catalogue is: the page reads it at every request.
    assert framework.own_rules is framework.own_rules
