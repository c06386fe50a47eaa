"""Write a framework as the CSV Moodle's "Import competency framework" tool reads.

One row for the framework (Is framework = 1), then a row per domain and per competency,
each naming its parent's ID number; the scale is the framework's, with its top level
proficient. Columns follow Moodle's tool_lpimportcsv, in its order.
"""

from __future__ import annotations

import csv
import io
import json

from .source import FrameworkSource, code_prefix

HEADERS = (
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
)
MOODLE_NAME_LIMIT = 100  # characters of a short name Moodle's import keeps
PLAIN_TEXT = 2  # Moodle's FORMAT_PLAIN: our statements are plain text, not HTML
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def moodle_csv(source: FrameworkSource) -> str:
    """Return the framework as Moodle competency framework CSV text."""
    data = source.data
    scale = [str(level["name"]) for level in data["scale"]]
    scale_values = ",".join(scale)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(
        _row(
            parent="",
            id_number=source.id,
            name=data["title"],
            description=data["source"],
            scale_values=scale_values,
            scale_configuration=scale_configuration(len(scale)),
            exported_id="",
            is_framework="1",
            taxonomy="domain,competency",
        )
    )
    exported = 0
    for domain in source.domains:
        competencies = domain.get("competencies") or []
        prefix = code_prefix(str(competencies[0]["code"])) if competencies else source.id.upper()
        domain_id = f"{prefix}-{domain['number']}"
        exported += 1
        writer.writerow(
            _row(
                parent="",
                id_number=domain_id,
                name=domain["title"],
                description=domain["summary"],
                exported_id=str(exported),
            )
        )
        for competency in competencies:
            exported += 1
            writer.writerow(
                _row(
                    parent=domain_id,
                    id_number=competency["code"],
                    name=competency["name"],
                    description=competency["statement"],
                    exported_id=str(exported),
                )
            )
    return buffer.getvalue()


def names_moodle_shortens(source: FrameworkSource) -> list[tuple[str, str, str]]:
    """Return each name Moodle's import cuts short: (its file's key line, what it is, name).

    Moodle's tool_lpimportcsv shortens every short name to MOODLE_NAME_LIMIT characters,
    without a word, ending it in '...'.
    """
    named = [("title:", "the framework's title", str(source.data["title"]))]
    for domain in source.domains:
        number = domain["number"]
        named.append((f"number: {number}", f"domain {number}'s title", str(domain["title"])))
        for competency in domain.get("competencies") or []:
            code = competency["code"]
            named.append((f"code: {code}", f"the name of {code}", str(competency["name"])))
    return [found for found in named if len(found[2]) > MOODLE_NAME_LIMIT]


def scale_configuration(levels: int) -> str:
    """Return Moodle's scale configuration: the first level the default, the top proficient.

    Moodle replaces the scale id with the scale it finds or makes for the values.
    """
    config = [{"scaleid": "0"}] + [
        {"id": n, "scaledefault": int(n == 1), "proficient": int(n == levels)}
        for n in range(1, levels + 1)
    ]
    return json.dumps(config, separators=(",", ":"))


def safe_cell(value: object) -> str:
    """Return a cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(
    *,
    parent,
    id_number,
    name,
    description,
    exported_id,
    scale_values="",
    scale_configuration="",
    is_framework="0",
    taxonomy="",
) -> list[str]:
    # Domains and competencies use the framework's scale, as Moodle does when a
    # competency's own scale is empty; no completion rule is claimed.
    rule_config = "" if is_framework == "1" else "null"
    return [
        safe_cell(cell)
        for cell in (
            parent,
            id_number,
            name,
            description,
            PLAIN_TEXT,
            scale_values,
            scale_configuration,
            "",
            "" if is_framework == "1" else "0",
            rule_config,
            "",
            exported_id,
            is_framework,
            taxonomy,
        )
    ]
