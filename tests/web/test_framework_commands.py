"""`linkwise export-framework` and `import-case` as run from a shell."""

import json
import os
import time
from pathlib import Path

import pytest
import yaml

from .cli_helpers import run_linkwise


def test_export_then_import_case_gives_a_framework_validate_accepts(tmp_path):
    package = tmp_path / "splw.json"
    exported = run_linkwise("export-framework", "splw", "--format", "case", "-o", str(package))
    assert exported.returncode == 0, exported.stderr
    assert "8 domains, 34 competencies" in exported.stderr
    assert json.loads(package.read_text())["CFDocument"]["title"].startswith("Social prescribing")
    target = tmp_path / "imported" / "splw.yaml"
    target.parent.mkdir()  # the command makes no folder
    imported = run_linkwise("import-case", str(package), "-o", str(target))
    assert imported.returncode == 0, imported.stderr
    assert "wrote" in imported.stderr and "(34 competencies)" in imported.stderr
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


def _edited_package(tmp_path: Path, edit) -> Path:
    package = tmp_path / "s.json"
    exported = run_linkwise("export-framework", "splw", "--format", "case", "-o", str(package))
    assert exported.returncode == 0, exported.stderr
    data = json.loads(package.read_text("utf-8"))
    competency = next(i for i in data["CFItems"] if i.get("humanCodingScheme") == "SPLW-2.1")
    package.write_text(edit(competency, json.dumps(data, indent=2)), "utf-8")
    return package


def test_import_case_keeps_a_name_with_an_emoji_and_a_line_break(tmp_path):
    def edit(competency, text):
        old = json.dumps(competency["abbreviatedStatement"])
        return text.replace(old, json.dumps("Zoë 😀\n- dash"), 1)

    package = _edited_package(tmp_path, edit)
    target = tmp_path / "out" / "x.yaml"
    target.parent.mkdir()  # the command makes no folder
    result = run_linkwise("import-case", str(package), "-o", str(target))
    assert result.returncode == 0, result.stderr
    domains = yaml.safe_load(target.read_text("utf-8"))["domains"]
    names = {c["code"]: c["name"] for d in domains for c in d["competencies"]}
    assert names["SPLW-2.1"] == "Zoë 😀\n- dash"


@pytest.mark.parametrize(
    ("value", "message"),
    [("1" + "0" * 400, "has more than 300 digits"), ("NaN", "NaN is not a JSON value")],
)
def test_import_case_reports_an_unusable_number_at_its_line(tmp_path, value, message):
    def edit(competency, text):
        lines = text.splitlines()
        at = next(n for n, line in enumerate(lines) if '"sequenceNumber": ' in line)
        lines[at] = lines[at].split(":")[0] + f": {value},"
        return "\n".join(lines) + "\n"

    package = _edited_package(tmp_path, edit)
    line = next(
        n for n, text in enumerate(package.read_text().splitlines(), 1) if value[:30] in text
    )
    target = tmp_path / "out" / "x.yaml"
    result = run_linkwise("import-case", str(package), "-o", str(target))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{package}:{line}: error: not valid JSON: ")
    assert message in result.stderr.splitlines()[0]
    assert "nothing was written" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(
    ("key", "value"), [("humanCodingScheme", 12), ("fullStatement", ["a", "b"])]
)
def test_import_case_says_a_text_field_must_be_a_string(tmp_path, key, value):
    def edit(competency, text):
        competency_text = json.dumps(competency, indent=2)
        changed = dict(competency, **{key: value})
        return text.replace(_indented(competency_text), _indented(json.dumps(changed, indent=2)), 1)

    package = _edited_package(tmp_path, edit)
    result = run_linkwise("import-case", str(package), "-o", str(tmp_path / "x.yaml"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"{package}:")
    assert f"'{key}' of CFItem" in errors[0] and "must be a string" in errors[0]
    assert "has no" not in errors[0]


def _indented(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()).lstrip()


def test_case_export_is_the_same_after_the_file_is_touched(tmp_path):
    folder = tmp_path / "competencies"
    folder.mkdir()
    framework = folder / "referrer.yaml"
    framework.write_text(Path("competencies/referrer.yaml").read_text("utf-8"), "utf-8")
    environment = {"LINKWISE_COMPETENCIES_DIR": str(folder)}
    first = run_linkwise("export-framework", "referrer", "--format", "case", env=environment)
    assert first.returncode == 0, first.stderr
    os.utime(framework, (1_900_000_000, 1_900_000_000))
    time.sleep(1.1)  # and a second on the clock, which the export must not read either
    second = run_linkwise("export-framework", "referrer", "--format", "case", env=environment)
    assert second.returncode == 0, second.stderr
    assert second.stdout.encode() == first.stdout.encode()
    document = json.loads(first.stdout)["CFDocument"]
    assert document["lastChangeDateTime"] == "2026-12-07T00:00:00+00:00"  # its `updated:`
    assert document["version"] == "0.2"


def test_case_export_of_a_file_without_updated_says_not_stated(tmp_path):
    folder = tmp_path / "competencies"
    folder.mkdir()
    text = Path("competencies/referrer.yaml").read_text("utf-8")
    (folder / "referrer.yaml").write_text(text.replace("updated: 2026-12-07\n", ""), "utf-8")
    exported = run_linkwise(
        "export-framework", "referrer", env={"LINKWISE_COMPETENCIES_DIR": str(folder)}
    )
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)["CFDocument"]
    assert document["lastChangeDateTime"] == "2000-01-01T00:00:00+00:00"


def test_case_export_warns_of_an_updated_date_after_today(tmp_path):
    folder = tmp_path / "competencies"
    folder.mkdir()
    text = Path("competencies/referrer.yaml").read_text("utf-8")
    framework = folder / "referrer.yaml"
    framework.write_text(text.replace("updated: 2026-12-07", "updated: 2999-12-05"), "utf-8")
    exported = run_linkwise(
        "export-framework", "referrer", env={"LINKWISE_COMPETENCIES_DIR": str(folder)}
    )
    assert exported.returncode == 0, exported.stderr
    assert f"{framework}:7: warning: 'updated' 2999-12-05 is after today" in exported.stderr
    assert json.loads(exported.stdout)["CFDocument"]["lastChangeDateTime"].startswith("2999-12-05")


def test_moodle_csv_export_warns_of_each_name_moodle_would_cut_short(tmp_path):
    """Moodle's tool_lpimportcsv keeps 100 characters of a short name and drops the rest."""
    folder = tmp_path / "competencies"
    folder.mkdir()
    long_name = "Noticing non-medical needs " + "and the cues behind them, " * 3 + "ŵ ŷ 😀"
    assert len(long_name) > 100
    text = Path("competencies/referrer.yaml").read_text("utf-8")
    text = text.replace("name: Noticing non-medical needs", f"name: {long_name}", 1)
    framework = folder / "referrer.yaml"
    framework.write_text(text, "utf-8")
    line = text.splitlines().index("      - code: REF-1.1") + 1
    exported = run_linkwise(
        "export-framework",
        "referrer",
        "--format",
        "moodle-csv",
        env={"LINKWISE_COMPETENCIES_DIR": str(folder)},
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.splitlines() == [
        f"{framework}:{line}: warning: the name of REF-1.1 has {len(long_name)} characters and "
        "Moodle keeps 100, cutting the rest without a word: shorten it before loading the CSV "
        "into Moodle"
    ]
    assert f',REF-1.1,"{long_name}",' in exported.stdout  # the CSV keeps the whole name
    as_case = run_linkwise(
        "export-framework", "referrer", env={"LINKWISE_COMPETENCIES_DIR": str(folder)}
    )
    assert as_case.returncode == 0 and as_case.stderr == ""  # CASE keeps names whole
