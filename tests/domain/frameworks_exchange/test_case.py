"""CASE 1.1 packages: a framework goes out and comes back unchanged, with stable identifiers."""

import json
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from app.domain.framework_files import load_frameworks
from app.domain.frameworks_exchange import case_package, import_case, read_source
from app.domain.frameworks_exchange.source import FrameworkSource

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "competencies").glob("*.yaml"))


def exported(source: FrameworkSource) -> str:
    return json.dumps(case_package(source), indent=2, ensure_ascii=False)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_round_trip_through_case_leaves_each_shipped_framework_unchanged(path, tmp_path):
    source = read_source(path.read_text("utf-8"))
    imported = import_case(exported(source), source="package.json")
    assert imported.problems == ()
    assert yaml.safe_load(imported.text) == source.data
    assert isinstance(source.data["updated"], date)  # the date goes out and comes back too
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
    later = FrameworkSource({**source.data, "updated": date(2027, 1, 1)}, source.comment)
    first, later = case_package(source), case_package(later)
    ids = _identifiers(first)
    assert ids == _identifiers(later)
    assert len(ids) == len(set(ids))
    assert all(uuid.UUID(i).version == 5 for i in ids)
    item = next(i for i in first["CFItems"] if i.get("humanCodingScheme") == "SPLW-3.2")
    assert item["uri"] == f"urn:uuid:{item['identifier']}"


def test_package_has_what_case_requires_and_every_link_resolves():
    package = case_package(read_source((ROOT / "competencies" / "referrer.yaml").read_text()))
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
    package = case_package(source)
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
    package = json.loads(json.dumps(case_package(source)))
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
    package = case_package(read_source((ROOT / "competencies" / "referrer.yaml").read_text()))
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
    package = case_package(read_source((ROOT / "competencies" / "referrer.yaml").read_text()))
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
    package = json.loads(json.dumps(case_package(read_source(referrer))))
    domain = next(i for i in package["CFItems"] if i.get("humanCodingScheme") == "REF-1")
    domain["listEnumeration"] = number
    problems = [str(p) for p in import_case(json.dumps(package), source="p.json").problems]
    assert any("needs its domain number as 'listEnumeration'" in p for p in problems), problems


def _dates(found) -> set[str]:
    """Return every lastChangeDateTime anywhere in a package."""
    if isinstance(found, list):
        return set().union(*map(_dates, found)) if found else set()
    if not isinstance(found, dict):
        return set()
    own = {found["lastChangeDateTime"]} if "lastChangeDateTime" in found else set()
    return own.union(*map(_dates, found.values()))


def _referrer() -> FrameworkSource:
    return read_source((ROOT / "competencies" / "referrer.yaml").read_text("utf-8"))


def test_every_object_is_dated_by_the_files_updated_date_at_midnight_utc():
    source = _referrer()
    assert source.data["updated"] == date(2026, 12, 7)
    package = case_package(source)
    assert package["CFDocument"]["lastChangeDateTime"] == "2026-12-07T00:00:00+00:00"
    assert all(i["lastChangeDateTime"] == "2026-12-07T00:00:00+00:00" for i in package["CFItems"])
    assert _dates(package) == {"2026-12-07T00:00:00+00:00"}
    assert "updated" not in package["CFDocument"]["extensions"]["linkwise"].get("otherKeys", {})


def test_a_file_without_updated_is_dated_not_stated_and_imports_without_one():
    data = {key: value for key, value in _referrer().data.items() if key != "updated"}
    package = case_package(FrameworkSource(data))
    assert _dates(package) == {"2000-01-01T00:00:00+00:00"}
    imported = import_case(json.dumps(package, indent=2), source="p.json")
    assert imported.problems == ()
    assert yaml.safe_load(imported.text) == data


def test_a_changed_updated_date_exports_a_changed_package_and_comes_back():
    source = _referrer()
    later = FrameworkSource({**source.data, "updated": date(2027, 3, 31)}, source.comment)
    package = case_package(later)
    assert _dates(package) == {"2027-03-31T00:00:00+00:00"}
    imported = import_case(json.dumps(package, indent=2), source="p.json")
    assert yaml.safe_load(imported.text) == later.data
    assert "\nupdated: 2027-03-31\n" in imported.text


@pytest.mark.parametrize(
    ("stamp", "updated"),
    [
        ("2026-03-04T23:30:00-02:00", date(2026, 3, 5)),  # the date in UTC
        ("2026-03-04T09:15:00Z", date(2026, 3, 4)),
        ("2026-03-04T09:15:00", date(2026, 3, 4)),
        ("2000-01-01T00:00:00+00:00", None),
    ],
)
def test_import_writes_the_documents_date_in_utc_unless_not_stated(stamp, updated):
    package = case_package(_referrer())
    package["CFDocument"]["lastChangeDateTime"] = stamp
    imported = import_case(json.dumps(package, indent=2), source="p.json")
    assert imported.problems == ()
    assert yaml.safe_load(imported.text).get("updated") == updated


def test_a_document_date_that_is_no_date_is_a_warning_at_its_line():
    package = case_package(_referrer())
    package["CFDocument"]["lastChangeDateTime"] = "last Tuesday"
    text = json.dumps(package, indent=2)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "last Tuesday" in t)
    imported = import_case(text, source="p.json")
    assert [(p.line, p.severity) for p in imported.problems] == [(line, "warning")]
    assert "'last Tuesday' is not a date and time" in imported.problems[0].message
    assert "updated" not in yaml.safe_load(imported.text)
