"""Moodle competency framework CSV: the columns Moodle's importer reads, the tree it builds."""

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from app.domain.frameworks_exchange import moodle_csv, read_source
from app.domain.frameworks_exchange.moodle_csv import safe_cell
from app.domain.frameworks_exchange.source import FrameworkSource

ROOT = Path(__file__).resolve().parents[3]
# Moodle's tool_lpimportcsv list_required_headers(), in English, in its order.
MOODLE_HEADERS = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
]


def moodle_tree(text: str) -> tuple[dict, dict]:
    """Read the CSV as Moodle's framework_importer does: a framework row, then a tree."""
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == MOODLE_HEADERS
    framework, flat = None, {}
    for row in rows[1:]:
        assert len(row) == len(MOODLE_HEADERS)
        if row[12] not in ("", "0"):  # PHP's truthiness of "Is framework"
            framework = {
                "idnumber": row[1],
                "shortname": row[2],
                "scale": row[5],
                "config": row[6],
                "taxonomies": row[13],
                "children": [],
            }
        else:
            flat[row[1]] = {
                "parent": row[0],
                "shortname": row[2],
                "description": row[3],
                "children": [],
            }

    def add_children(node, parent_idnumber):
        for idnumber, competency in flat.items():
            if competency["parent"] == parent_idnumber:
                node["children"].append(idnumber)
                add_children(competency, idnumber)

    add_children(framework, "")
    return framework, flat


@pytest.mark.parametrize("name", ["splw", "referrer"])
def test_moodle_builds_the_same_domains_and_competencies(name):
    source = read_source((ROOT / "competencies" / f"{name}.yaml").read_text("utf-8"))
    framework, flat = moodle_tree(moodle_csv(source))
    assert framework["idnumber"] == name
    assert framework["shortname"] == source.data["title"]
    assert framework["taxonomies"] == "domain,competency"
    assert framework["scale"] == "Not yet,Developing,Secure"
    domains = [flat[d] for d in framework["children"]]
    assert [d["shortname"] for d in domains] == [d["title"] for d in source.domains]
    for domain_id, domain in zip(framework["children"], source.domains, strict=True):
        assert flat[domain_id]["children"] == [c["code"] for c in domain["competencies"]]
        for competency in domain["competencies"]:
            row = flat[competency["code"]]
            assert (row["shortname"], row["description"]) == (
                competency["name"],
                competency["statement"],
            )
    assert all(len(row["shortname"]) <= 100 for row in flat.values())


def test_scale_configuration_has_one_default_and_the_top_level_proficient():
    source = read_source((ROOT / "competencies" / "splw.yaml").read_text("utf-8"))
    framework, _ = moodle_tree(moodle_csv(source))
    config = json.loads(framework["config"])
    assert "scaleid" in config[0]
    levels = config[1:]
    assert [level["id"] for level in levels] == [1, 2, 3]
    assert [level["scaledefault"] for level in levels] == [1, 0, 0]
    assert [level["proficient"] for level in levels] == [0, 0, 1]


def test_no_cell_starts_a_spreadsheet_formula():
    data = yaml.safe_load((ROOT / "competencies" / "referrer.yaml").read_text())
    data["domains"][0]["summary"] = '=HYPERLINK("http://bad.example")'
    data["domains"][0]["competencies"][0]["name"] = "+44 support line"
    text = moodle_csv(FrameworkSource(data))
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://bad.example")' in cells
    assert safe_cell("-1") == "'-1" and safe_cell("plain") == "plain"
