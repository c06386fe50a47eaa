"""CASE 1.1 packages: a framework goes out and comes back unchanged, with stable identifiers."""

import json
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from app.domain.framework_files import load_frameworks
from app.domain.frameworks_exchange import case_package, import_case, read_source
from app.domain.frameworks_exchange.source import FrameworkSource

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "competencies").glob("*.yaml"))
WHEN = "2026-12-01T09:00:00+00:00"


def exported(source: FrameworkSource, when: str = WHEN) -> str:
    return json.dumps(case_package(source, when), indent=2, ensure_ascii=False)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_round_trip_through_case_leaves_each_shipped_framework_unchanged(path, tmp_path):
    source = read_source(path.read_text("utf-8"))
    imported = import_case(exported(source), source="package.json")
    assert imported.problems == ()
    assert yaml.safe_load(imported.text) == source.data
    written = tmp_path / path.name
    written.write_text(imported.text, "utf-8")
    before, after = load_frameworks([path]), load_frameworks([written])
    assert after.problems == ()
    assert replace(after.frameworks[0], path="") == replace(before.frameworks[0], path="")
    assert imported.text.startswith("# " + source.comment.splitlines()[0])


def test_shipped_frameworks_are_both_exported():
    assert {p.stem for p in SHIPPED} >= {"splw", "referrer"}


def test_identifiers_are_stable_name_based_uuids_unique_in_the_package():
    source = read_source((ROOT / "competencies" / "splw.yaml").read_text("utf-8"))
    first, later = case_package(source, WHEN), case_package(source, "2027-01-01T00:00:00+00:00")
    ids = _identifiers(first)
    assert ids == _identifiers(later)
    assert len(ids) == len(set(ids))
    assert all(uuid.UUID(i).version == 5 for i in ids)
    item = next(i for i in first["CFItems"] if i.get("humanCodingScheme") == "SPLW-3.2")
    assert item["uri"] == f"urn:uuid:{item['identifier']}"


def test_package_has_what_case_requires_and_every_link_resolves():
    package = case_package(read_source((ROOT / "competencies" / "referrer.yaml").read_text()), WHEN)
    document = package["CFDocument"]
    for key in ("identifier", "uri", "creator", "title", "lastChangeDateTime"):
        assert document[key]
    known = {document["identifier"]} | {i["identifier"] for i in package["CFItems"]}
    for item in package["CFItems"]:
        for key in ("identifier", "uri", "fullStatement", "lastChangeDateTime", "CFDocumentURI"):
            assert item[key], (item, key)
        assert item["CFItemType"] in ("Domain", "Competency")
    for association in package["CFAssociations"]:
        assert association["associationType"] == "isChildOf"
        assert association["originNodeURI"]["identifier"] in known
        assert association["destinationNodeURI"]["identifier"] in known
    competencies = [i for i in package["CFItems"] if i["CFItemType"] == "Competency"]
    assert len(competencies) == len(package["CFAssociations"]) - 4  # 4 domains
    levels = package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    assert [(level["quality"], level["score"]) for level in levels] == [
        ("Not yet", 0.0),
        ("Developing", 50.0),
        ("Secure", 80.0),
    ]


def test_keys_case_has_no_field_for_travel_in_extensions_and_come_back():
    data = yaml.safe_load((ROOT / "competencies" / "referrer.yaml").read_text())
    data["validity"] = {"months": 36, "renewal": "refresher module"}
    data["domains"][0]["professions"] = ["gp", "practice-nurse"]
    data["domains"][0]["competencies"][1]["met"] = {"rule": "supervisor confirms", "at": 80}
    source = FrameworkSource(data, "A comment")
    package = case_package(source, WHEN)
    # The file's own rating keys travel the same way as the ones added here.
    own = {key: data[key] for key in ("applies_to", "valid_for", "renew_within", "met")}
    assert package["CFDocument"]["extensions"]["linkwise"]["otherKeys"] == {
        **own,
        "validity": {"months": 36, "renewal": "refresher module"},
    }
    imported = import_case(json.dumps(package, indent=1), source="p.json")
    assert imported.problems == ()
    assert yaml.safe_load(imported.text) == data


def test_invalid_json_is_reported_at_its_line():
    imported = import_case('{\n  "CFDocument": {\n    "title": "x",,\n  }\n}\n', source="p.json")
    assert [str(p) for p in imported.problems] == [
        "p.json:3: error: not valid JSON: Expecting property name enclosed in double quotes"
    ]
    assert imported.text == ""


def test_every_mistake_is_reported_at_the_json_line_of_its_item():
    source = read_source((ROOT / "competencies" / "referrer.yaml").read_text())
    package = json.loads(json.dumps(case_package(source, WHEN)))
    items = package["CFItems"]
    code_item = next(i for i in items if i.get("humanCodingScheme") == "REF-1.2")
    del code_item["humanCodingScheme"]
    clash = next(i for i in items if i.get("humanCodingScheme") == "REF-2.1")
    clash["humanCodingScheme"] = "REF-1.1"
    package["CFAssociations"][3]["destinationNodeURI"]["identifier"] = "nowhere"
    text = json.dumps(package, indent=2)
    lines = text.splitlines()

    def line_of(identifier: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if identifier in line) - 1

    problems = [str(p) for p in import_case(text, source="p.json").problems]
    missing = line_of(code_item["identifier"])
    assert f"p.json:{missing}: error: CFItem 'Offering social prescribing' has no " in " ".join(
        problems
    )
    assert any(
        p.startswith("p.json:") and "competency 'REF-1.1' is in domain 2" in p for p in problems
    )
    association = package["CFAssociations"][3]["identifier"]
    assert any(
        p.startswith(f"p.json:{line_of(association)}: error: isChildOf points at 'nowhere'")
        for p in problems
    )
    assert all(": error: " in p or ": warning: " in p for p in problems)


def test_a_package_from_elsewhere_gets_the_house_scale_with_a_warning():
    package = case_package(read_source((ROOT / "competencies" / "referrer.yaml").read_text()), WHEN)
    del package["CFRubrics"]
    del package["CFDocument"]["extensions"]
    imported = import_case(json.dumps(package, indent=2), source="p.json", framework_id="shared")
    assert not imported.has_errors
    messages = [p.message for p in imported.problems]
    assert any("house scale" in m for m in messages)
    assert any("house weighted average" in m for m in messages)
    data = yaml.safe_load(imported.text)
    assert data["id"] == "shared"
    assert [level["name"] for level in data["scale"]] == [
        "Not yet",
        "Developing",
        "Secure",
    ]


def test_a_package_naming_no_framework_id_asks_for_one():
    package = case_package(read_source((ROOT / "competencies" / "referrer.yaml").read_text()), WHEN)
    del package["CFDocument"]["extensions"]
    problems = import_case(json.dumps(package, indent=2), source="p.json").problems
    assert any("names no framework id" in p.message and p.line == 2 for p in problems)


def _identifiers(package: dict) -> list[str]:
    found = [package["CFDocument"]["identifier"]]
    found += [i["identifier"] for i in package["CFItems"]]
    found += [a["identifier"] for a in package["CFAssociations"]]
    found += [t["identifier"] for t in package["CFDefinitions"]["CFItemTypes"]]
    return found


@pytest.mark.parametrize("number", ["²", "٣", "1" * 5000])
def test_a_domain_number_not_in_ascii_digits_is_reported_not_a_crash(number):
    referrer = (ROOT / "competencies" / "referrer.yaml").read_text()
    package = json.loads(json.dumps(case_package(read_source(referrer), WHEN)))
    domain = next(i for i in package["CFItems"] if i.get("humanCodingScheme") == "REF-1")
    domain["listEnumeration"] = number
    problems = [str(p) for p in import_case(json.dumps(package), source="p.json").problems]
    assert any("needs its domain number as 'listEnumeration'" in p for p in problems), problems
