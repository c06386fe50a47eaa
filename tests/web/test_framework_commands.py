"""`linkwise export-framework` and `import-case` as run from a shell."""

import json
from pathlib import Path

import yaml

from .cli_helpers import run_linkwise


def test_export_then_import_case_gives_a_framework_validate_accepts(tmp_path):
    package = tmp_path / "splw.json"
    exported = run_linkwise("export-framework", "splw", "--format", "case", "-o", str(package))
    assert exported.returncode == 0, exported.stderr
    assert "8 domains, 33 competencies" in exported.stderr
    assert json.loads(package.read_text())["CFDocument"]["title"].startswith("Social prescribing")
    target = tmp_path / "imported" / "splw.yaml"
    imported = run_linkwise("import-case", str(package), "-o", str(target))
    assert imported.returncode == 0, imported.stderr
    assert "wrote" in imported.stderr and "(33 competencies)" in imported.stderr
    original = yaml.safe_load(Path("competencies/splw.yaml").read_text())
    assert yaml.safe_load(target.read_text()) == original


def test_export_moodle_csv_to_stdout():
    result = run_linkwise("export-framework", "referrer", "--format", "moodle-csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('"Parent ID number","ID number","Short name"') or (
        result.stdout.startswith("Parent ID number,ID number,Short name")
    )
    assert "\nREF-1,REF-1.1,Noticing non-medical needs," in result.stdout


def test_an_unknown_framework_is_named_in_one_sentence():
    result = run_linkwise("export-framework", "nursing")
    assert result.returncode == 1
    assert "no framework 'nursing'" in result.stderr
    assert "the frameworks are: referrer, splw" in result.stderr


def test_import_case_with_mistakes_reports_json_lines_and_writes_nothing(tmp_path):
    package = tmp_path / "bad.json"
    package.write_text(
        '{\n  "CFDocument": {"title": "Shared"},\n  "CFItems": [],\n  "CFAssociations": []\n}\n'
    )
    target = tmp_path / "shared.yaml"
    result = run_linkwise("import-case", str(package), "-o", str(target))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert lines and all(line.startswith(f"{package}:") for line in lines)
    assert any(
        line.startswith(f"{package}:2: error: the CFDocument has no 'version'") for line in lines
    )
    assert "nothing was written" in result.stderr
    assert not target.exists()


def test_import_case_output_must_be_a_yaml_file(tmp_path):
    result = run_linkwise("import-case", "competencies/README.md", "-o", str(tmp_path / "x.json"))
    assert result.returncode == 2
    assert "name it <id>.yaml" in result.stderr
