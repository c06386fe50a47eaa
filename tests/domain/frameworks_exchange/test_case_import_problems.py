"""CASE import: awkward values come back unchanged or are reported at their JSON line."""

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.framework_files import load_frameworks
from app.domain.frameworks_exchange import case_import as case_import_module
from app.domain.frameworks_exchange import case_package, framework_yaml, import_case, read_source
from app.domain.frameworks_exchange.source import FrameworkSource

ROOT = Path(__file__).resolve().parents[3]
AWKWARD = "Zoë 😀\n- dash"


def _package() -> dict:
    source = read_source((ROOT / "competencies" / "referrer.yaml").read_text("utf-8"))
    return json.loads(json.dumps(case_package(source)))


def _item(package: dict, code: str) -> dict:
    return next(i for i in package["CFItems"] if i.get("humanCodingScheme") == code)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_text_with_an_emoji_and_a_line_break_comes_back_unchanged():
    package = _package()
    _item(package, "REF-1.2")["abbreviatedStatement"] = AWKWARD
    _item(package, "REF-2.1")["fullStatement"] = "😀 " * 60 + "\n\u2028 end"
    imported = import_case(json.dumps(package, indent=2, ensure_ascii=False), source="p.json")
    assert not imported.has_errors, imported.problems
    data = yaml.safe_load(imported.text)
    competencies = {c["code"]: c for d in data["domains"] for c in d["competencies"]}
    assert competencies["REF-1.2"]["name"] == AWKWARD
    assert competencies["REF-2.1"]["statement"] == "😀 " * 60 + "\n\u2028 end"


TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1).filter(str.strip)


@settings(max_examples=300, deadline=None)
@given(name=TEXT, statement=TEXT, title=TEXT)
def test_the_yaml_writer_keeps_any_text_unchanged(name, statement, title):
    data = {
        "id": "x",
        "title": title,
        "domains": [
            {
                "number": 1,
                "title": title,
                "competencies": [{"code": "X-1.1", "name": name, "statement": statement}],
            }
        ],
    }
    assert yaml.safe_load(framework_yaml(FrameworkSource(data))) == data


def test_a_value_the_writer_cannot_keep_is_reported_at_its_json_line(monkeypatch):
    from app.domain.frameworks_exchange.yaml_writer import UnwritableValue

    def refuse(source):
        raise UnwritableValue(AWKWARD)

    monkeypatch.setattr(case_import_module, "framework_yaml", refuse)
    package = _package()
    item = _item(package, "REF-1.2")
    item["abbreviatedStatement"] = AWKWARD
    text = json.dumps(package, indent=2)
    imported = import_case(text, source="p.json")
    line = _line_of(text, '"abbreviatedStatement": "Zo')
    assert [str(p) for p in imported.problems if p.is_error] == [
        f"p.json:{line}: error: {AWKWARD!r} cannot be written to a framework file unchanged"
    ]
    assert imported.text == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" + "0" * 400, "the number 10000000000000000000… has more than 300 digits"),
        ("1e400", "the number 1e400 is too large"),
        ("NaN", "NaN is not a JSON value"),
        ("-Infinity", "-Infinity is not a JSON value"),
    ],
)
def test_numbers_json_has_no_room_for_are_reported_at_their_line(value, message):
    package = _package()
    package["CFAssociations"][2]["sequenceNumber"] = "@@here@@"
    text = json.dumps(package, indent=2).replace('"@@here@@"', value)
    imported = import_case(text, source="s.json")
    assert [str(p) for p in imported.problems] == [
        f"s.json:{_line_of(text, value)}: error: not valid JSON: {message}"
    ]
    assert imported.text == ""


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("humanCodingScheme", 12, "a number"),
        ("fullStatement", ["a", "b"], "an array"),
        ("abbreviatedStatement", {"en": "x"}, "an object"),
        ("fullStatement", True, "true or false"),
    ],
)
def test_a_value_of_the_wrong_type_is_named_as_such_at_its_line(key, value, kind):
    package = _package()
    item = _item(package, "REF-1.2")
    item[key] = value
    text = json.dumps(package, indent=2)
    problems = [str(p) for p in import_case(text, source="p.json").problems if p.is_error]
    lines = text.splitlines()
    start = _line_of(text, item["identifier"])
    line = next(n for n in range(start, len(lines) + 1) if f'"{key}": ' in lines[n - 1])
    label = "Offering social prescribing" if key == "humanCodingScheme" else "REF-1.2"
    assert problems == [
        f"p.json:{line}: error: '{key}' of CFItem '{label}' must be a string, not {kind}"
    ]


def test_a_score_yaml_would_write_with_an_exponent_is_written_plainly(tmp_path):
    """YAML writes 0.00005 as 5.0e-05, which a framework file may not hold: the import writes
    it plainly, and the file it writes passes `linkwise validate` at the same value."""
    package = _package()
    [rubric] = package["CFRubrics"]
    levels = rubric["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    [developing] = [level for level in levels if level["score"] == 50]
    developing["score"] = 0.00005
    imported = import_case(json.dumps(package, indent=2), source="p.json")
    assert not imported.has_errors, imported.problems
    assert "    threshold: 0.00005\n" in imported.text
    assert 0.00005 in [level["threshold"] for level in yaml.safe_load(imported.text)["scale"]]
    written = tmp_path / "referrer.yaml"
    written.write_text(imported.text, "utf-8")
    assert [p for p in load_frameworks([written]).problems if p.is_error] == []


def test_domains_without_their_number_are_each_reported_once_and_nothing_else():
    package = _package()
    domains = [i for i in package["CFItems"] if i.get("CFItemType") == "Domain"]
    for domain in domains:
        del domain["listEnumeration"]
    text = json.dumps(package, indent=2)
    problems = [p.message for p in import_case(text, source="p.json").problems if p.is_error]
    assert len(problems) == len(domains) > 0
    assert all("needs its domain number as 'listEnumeration'" in p for p in problems), problems
