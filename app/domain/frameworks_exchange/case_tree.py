"""Read a CASE package's tree: CFItems joined by isChildOf become domains and competencies.

Children of the CFDocument are domains, their children competencies; a third level is an
error. Codes and domain numbers are checked here, and each item's Linkwise `extensions`
are carried back unchanged. Used by `case_import`, which reads the rest of the package.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..numbers import whole_number
from .case_export import EXTENSION
from .json_lines import JsonObject

if TYPE_CHECKING:
    from .case_import import _Reader

CODE = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9]*)-(?P<domain>[0-9]+)\.(?P<number>[0-9]+)$")


class CaseTree:
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
        position = json_number(association.get("sequenceNumber"))
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
        children = self._ordered(self.document_id)
        for item in children:
            domain = self._domain(item, numbers)
            if domain is None:
                continue
            for child in self._ordered(item["identifier"]):
                competency = self._competency(child, domain["number"], codes)
                if competency is not None:
                    domain["competencies"].append(competency)
            domains.append(domain)
        if not children:  # a domain refused above has had its error: none other is due
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
        domain.update(linkwise_extension(item).get("otherKeys") or {})
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
        competency.update(linkwise_extension(item).get("otherKeys") or {})
        return competency


def linkwise_extension(obj: JsonObject) -> dict:
    """Return the Linkwise keys an object carries in its CASE `extensions`, as plain values."""
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


def json_number(value) -> float | None:
    """Return a JSON number as a float; anything else (true and false too) as None."""
    # The JSON reader refuses numbers too large for a float, so float() cannot overflow.
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
