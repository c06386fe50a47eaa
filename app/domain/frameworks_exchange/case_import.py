"""Read a 1EdTech CASE 1.1 package into a Linkwise framework file, reporting at JSON lines.

Items that are children ("isChildOf") of the CFDocument become domains, their children
competencies. A package Linkwise wrote carries in its `extensions` what CASE has no field
for, so it comes back unchanged; one from elsewhere gets the house scale and attainment
settings, with a warning saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ..frameworks import UPDATED_NOT_STATED
from ..numbers import whole_number
from ..problems import Problem, Problems
from .case_export import EXTENSION
from .json_lines import JsonArray, JsonObject, JsonSyntaxError, parse
from .source import FrameworkSource
from .yaml_writer import UnwritableValue, framework_yaml

FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9]*)-(?P<domain>[0-9]+)\.(?P<number>[0-9]+)$")
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
        ours = _extension(document)
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
        data["domains"] = _Tree(self, root, document).domains()
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
        for level in sorted(found, key=lambda item: _number(item.get("position")) or 0):
            name, score = level.get("quality"), _number(level.get("score"))
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


class _Tree:
    """Domains and competencies from CFItems and their isChildOf associations."""

    def __init__(self, reader: _Reader, root: JsonObject, document: JsonObject) -> None:
        self.reader = reader
        self.document_id = document.get("identifier")
        self.items: dict[str, JsonObject] = {}
        for item in reader._array(root, "CFItems"):
            if not isinstance(item, JsonObject) or not isinstance(item.get("identifier"), str):
                reader.error(getattr(item, "line", 1), "a CFItem needs an 'identifier'")
            elif item["identifier"] in self.items:
                reader.error(item.line, f"CFItem '{item['identifier']}' is listed twice")
            else:
                self.items[item["identifier"]] = item
        self.children: dict[str, list[tuple[float, int, JsonObject]]] = {}
        self.parent_of: dict[str, str] = {}
        for order, association in enumerate(reader._array(root, "CFAssociations")):
            self._association(association, order)

    def _association(self, association, order: int) -> None:
        if not isinstance(association, JsonObject):
            return
        kind = association.get("associationType")
        if kind != "isChildOf":
            self.reader.warning(
                association.line, f"'{kind}' associations are not carried into Linkwise frameworks"
            )
            return
        origin = _linked(association.get("originNodeURI"))
        destination = _linked(association.get("destinationNodeURI"))
        if origin not in self.items:
            self.reader.error(
                association.line, f"isChildOf starts at '{origin}', which is no CFItem"
            )
            return
        if destination != self.document_id and destination not in self.items:
            self.reader.error(
                association.line, f"isChildOf points at '{destination}', which is no CFItem"
            )
            return
        if origin in self.parent_of:
            self.reader.error(association.line, f"CFItem '{origin}' has two parents")
            return
        self.parent_of[origin] = destination
        position = _number(association.get("sequenceNumber"))
        entry = (position if position is not None else float(order), order, self.items[origin])
        self.children.setdefault(destination, []).append(entry)

    def _ordered(self, parent: str) -> list[JsonObject]:
        return [item for *_, item in sorted(self.children.get(parent, []), key=lambda e: e[:2])]

    def domains(self) -> list[dict]:
        for identifier, item in self.items.items():
            if identifier not in self.parent_of:
                self.reader.error(
                    item.line, f"{_name(item)} belongs to nothing: give it an isChildOf"
                )
        domains, numbers, codes = [], {}, {}
        for item in self._ordered(self.document_id):
            domain = self._domain(item, numbers)
            if domain is None:
                continue
            for child in self._ordered(item["identifier"]):
                competency = self._competency(child, domain["number"], codes)
                if competency is not None:
                    domain["competencies"].append(competency)
            domains.append(domain)
        if not domains:
            self.reader.error(
                1, "the package has no domains: no CFItem is a child of the CFDocument"
            )
        return domains

    def _domain(self, item: JsonObject, numbers: dict[int, int]) -> dict | None:
        reader = self.reader
        listed = item.get("listEnumeration")
        number = whole_number(listed) if isinstance(listed, str) else None
        if not number:
            reader.error(
                item.line_of("listEnumeration"),
                f"{_name(item)} needs its domain number as 'listEnumeration', like \"3\"",
            )
            return None
        if number in numbers:
            reader.error(
                item.line, f"domain number {number} is also used at line {numbers[number]}"
            )
        numbers[number] = item.line
        title = reader._text(
            item, "abbreviatedStatement", _name(item), "it becomes the domain's title"
        )
        summary = reader._text(item, "fullStatement", _name(item))
        domain = {"number": number, "title": title, "summary": summary}
        domain.update(_extension(item).get("otherKeys") or {})
        domain["competencies"] = []
        return domain

    def _competency(self, item: JsonObject, domain_number: int, codes: dict) -> dict | None:
        reader = self.reader
        for grandchild in self._ordered(item["identifier"]):
            reader.error(
                grandchild.line,
                f"{_name(grandchild)} sits below a competency: Linkwise frameworks have "
                "two levels, domains and competencies",
            )
        code = reader._text(item, "humanCodingScheme", _name(item), "it is the competency's code")
        match = CODE.match(code or "")
        if code and match is None:
            reader.error(
                item.line_of("humanCodingScheme"),
                f"competency code '{code}' must look like SPLW-1.2",
            )
        elif code and int(match["domain"]) != domain_number:
            reader.error(
                item.line_of("humanCodingScheme"),
                f"competency '{code}' is in domain {domain_number}; its code should start "
                f"{match['prefix']}-{domain_number}.",
            )
        if code in codes:
            reader.error(item.line, f"competency code '{code}' is also used at line {codes[code]}")
        codes[code] = item.line
        name = reader._text(
            item, "abbreviatedStatement", _name(item), "it becomes the competency's name"
        )
        statement = reader._text(item, "fullStatement", _name(item))
        competency = {"code": code, "name": name, "statement": statement}
        competency.update(_extension(item).get("otherKeys") or {})
        return competency


def _extension(obj: JsonObject) -> dict:
    extensions = obj.get("extensions")
    found = extensions.get(EXTENSION) if isinstance(extensions, dict) else None
    return _plain(found) if isinstance(found, dict) else {}


def _plain(value):
    """Return JSON values as plain dicts and lists, which YAML can write."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _linked(link) -> str | None:
    return link.get("identifier") if isinstance(link, dict) else None


def _name(item: JsonObject) -> str:
    labels = (item.get(key) for key in ("humanCodingScheme", "abbreviatedStatement", "identifier"))
    return f"CFItem '{next((label for label in labels if isinstance(label, str) and label), '')}'"


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


def _number(value) -> float | None:
    # The JSON reader refuses numbers too large for a float, so float() cannot overflow.
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
