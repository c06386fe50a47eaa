"""Read a 1EdTech CASE 1.1 package into a Linkwise framework file, reporting at JSON lines.

The CFDocument gives the framework's title, version, licence and scale; its tree of items
becomes domains and competencies (see `case_tree`). A package Linkwise wrote carries in
its `extensions` what CASE has no field for, so it comes back unchanged; one from
elsewhere gets the house scale and attainment settings, with a warning saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ..frameworks import UPDATED_NOT_STATED
from ..problems import Problem, Problems
from .case_tree import CaseTree, json_number, linkwise_extension
from .json_lines import JsonArray, JsonObject, JsonSyntaxError, parse
from .source import FrameworkSource
from .yaml_writer import UnwritableValue, framework_yaml

FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOUSE_SCALE = (("Not yet", 0), ("Developing", 50), ("Secure", 80))
HOUSE_ATTAINMENT = {"method": "weighted-average", "latest_weight": 0.65, "minimum_evidence": 3}


@dataclass(frozen=True)
class ImportedFramework:
    """The framework file written from a CASE package, and every problem found."""

    text: str
    problems: tuple[Problem, ...]
    framework_id: str | None = None
    competencies: int = 0

    @property
    def has_errors(self) -> bool:
        """Say whether anything stops the framework from being written."""
        return any(problem.is_error for problem in self.problems)


def import_case(text: str, *, source: str, framework_id: str | None = None) -> ImportedFramework:
    """Convert a CASE package's JSON text; `framework_id` names it if the package does not."""
    problems = Problems()
    try:
        root = parse(text)
    except JsonSyntaxError as error:
        problems.error(source, error.line, f"not valid JSON: {error}")
        return ImportedFramework("", problems.sorted())
    reader = _Reader(source, problems)
    data, comment = reader.framework(root, framework_id)
    if data is None or any(p.is_error for p in problems):
        return ImportedFramework("", problems.sorted())
    count = sum(len(domain["competencies"]) for domain in data["domains"])
    try:
        yaml_text = framework_yaml(FrameworkSource(data, comment))
    except UnwritableValue as error:
        problems.error(
            source,
            _line_holding(root, error.value),
            f"{error.value!r} cannot be written to a framework file unchanged",
        )
        return ImportedFramework("", problems.sorted())
    return ImportedFramework(yaml_text, problems.sorted(), data["id"], count)


class _Reader:
    def __init__(self, source: str, problems: Problems) -> None:
        self.source = source
        self.problems = problems

    def error(self, line: int, message: str) -> None:
        self.problems.error(self.source, line, message)

    def warning(self, line: int, message: str) -> None:
        self.problems.warning(self.source, line, message)

    def _object(self, parent: JsonObject, key: str, what: str) -> JsonObject | None:
        value = parent.get(key)
        if not isinstance(value, JsonObject):
            self.error(parent.line_of(key), f"{what} needs '{key}' as an object")
            return None
        return value

    def _array(self, parent: JsonObject, key: str) -> JsonArray:
        value = parent.get(key, JsonArray())
        if not isinstance(value, JsonArray):
            self.error(parent.line_of(key), f"'{key}' must be an array")
            return JsonArray()
        return value

    def _text(self, obj: JsonObject, key: str, what: str, why: str = "") -> str | None:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value
        where = obj.line_of(key)
        if value is not None and not isinstance(value, str):
            self.error(where, f"'{key}' of {what} must be a string, not {_json_type(value)}")
        else:
            self.error(where, f"{what} has no '{key}'" + (f": {why}" if why else ""))
        return None

    def framework(self, root, framework_id: str | None) -> tuple[dict | None, str]:
        if not isinstance(root, JsonObject):
            self.error(
                1, "a CASE package is a JSON object with CFDocument, CFItems, CFAssociations"
            )
            return None, ""
        document = self._object(root, "CFDocument", "a CASE package")
        if document is None:
            return None, ""
        ours = linkwise_extension(document)
        data = {"id": self._framework_id(document, ours, framework_id)}
        data["title"] = self._text(document, "title", "the CFDocument")
        data["version"] = self._text(
            document, "version", "the CFDocument", "Linkwise frameworks carry a version"
        )
        updated = self._updated(document)
        if updated is not None:
            data["updated"] = updated
        data["publisher"] = (
            self._text(document, "publisher", "the CFDocument")
            if document.get("publisher")
            else self._text(document, "creator", "the CFDocument")
        )
        data["source"] = self._text(
            document, "description", "the CFDocument", "it becomes the framework's 'source'"
        )
        data["licence"] = self._licence(root, document)
        data["scale"] = self._scale(root, document)
        data["attainment"] = ours.get("attainment") or self._house_attainment(document)
        data.update(ours.get("otherKeys") or {})
        data["domains"] = CaseTree(self, root, document).domains()
        return data, str(ours.get("headerComment") or "")

    def _framework_id(self, document, ours, given: str | None) -> str | None:
        found = ours.get("frameworkId")
        if given and found and given != found:
            self.warning(
                document.line, f"the package names framework '{found}'; it is written as '{given}'"
            )
        chosen = given or found
        if not chosen:
            self.error(
                document.line, "the package names no framework id: name the output <id>.yaml"
            )
        elif not FRAMEWORK_ID.match(chosen):
            self.error(
                document.line,
                f"framework id '{chosen}' must be lowercase letters, digits and hyphens",
            )
        return chosen

    def _updated(self, document: JsonObject):
        """Return the CFDocument's lastChangeDateTime as a date (in UTC), unless "not stated"."""
        stamp = document.get("lastChangeDateTime")
        if stamp is None:
            return None
        try:
            changed = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
        except ValueError:
            changed = None
        if changed is None:
            self.warning(
                document.line_of("lastChangeDateTime"),
                f"the CFDocument's lastChangeDateTime {stamp!r} is not a date and time, like "
                "2026-12-05T00:00:00+00:00: the framework is written without 'updated'",
            )
            return None
        day = (changed.astimezone(UTC) if changed.tzinfo else changed).date()
        return day if day > UPDATED_NOT_STATED else None

    def _licence(self, root: JsonObject, document: JsonObject) -> str | None:
        target = document.get("licenseURI")
        wanted = target.get("identifier") if isinstance(target, JsonObject) else None
        definitions = root.get("CFDefinitions")
        licences = definitions.get("CFLicenses") if isinstance(definitions, JsonObject) else None
        for licence in licences if isinstance(licences, JsonArray) else ():
            if isinstance(licence, JsonObject) and licence.get("identifier") == wanted:
                return self._text(licence, "licenseText", "the CFLicense")
        self.error(
            document.line_of("licenseURI"),
            "the CFDocument has no licence: give it a 'licenseURI' naming a CFLicense in "
            "CFDefinitions, with its 'licenseText'",
        )
        return None

    def _scale(self, root: JsonObject, document: JsonObject) -> list[dict]:
        rubrics = root.get("CFRubrics")
        found = []
        if isinstance(rubrics, JsonArray) and len(rubrics) == 1:
            criteria = (
                rubrics[0].get("CFRubricCriteria") if isinstance(rubrics[0], JsonObject) else None
            )
            if isinstance(criteria, JsonArray) and len(criteria) == 1:
                levels = criteria[0].get("CFRubricCriterionLevels")
                found = [
                    level
                    for level in (levels if isinstance(levels, JsonArray) else ())
                    if isinstance(level, JsonObject)
                ]
        scale = []
        for level in sorted(found, key=lambda item: json_number(item.get("position")) or 0):
            name, score = level.get("quality"), json_number(level.get("score"))
            if not isinstance(name, str) or score is None:
                self.error(level.line, "a rubric level needs a 'quality' (its name) and a 'score'")
                continue
            scale.append({"name": name, "threshold": int(score) if score == int(score) else score})
        if scale:
            return scale
        self.warning(
            document.line,
            "the package has no proficiency scale (one CFRubric with one criterion): "
            "the house scale Not yet / Developing / Secure is used",
        )
        return [{"name": name, "threshold": threshold} for name, threshold in HOUSE_SCALE]

    def _house_attainment(self, document: JsonObject) -> dict:
        self.warning(
            document.line,
            "the package has no Linkwise attainment settings: the house weighted average "
            "is used (latest result 65%, at least 3 pieces of evidence)",
        )
        return dict(HOUSE_ATTAINMENT)


def _json_type(value) -> str:
    """Return how JSON names a value's type: 'a number', 'an array'."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "an array" if isinstance(value, list) else "an object"


def _line_holding(root, value) -> int:
    """Return the line of the first member or item in the JSON equal to `value`, else 1."""
    return _find_line(root, value) or 1


def _find_line(node, value) -> int | None:
    if isinstance(node, JsonObject):
        places = [(node.line_of(key), item) for key, item in node.items()]
    elif isinstance(node, JsonArray):
        places = list(zip(node.item_lines, node, strict=True))
    else:
        return None
    for line, item in places:
        found = line if item == value else _find_line(item, value)
        if found:
            return found
    return None
