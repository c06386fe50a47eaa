"""Write a framework as a 1EdTech CASE 1.1 package: CFDocument, CFItems, CFAssociations.

Domains and competencies become CFItems of type "Domain" and "Competency" joined to their
parent by "isChildOf" associations; the proficiency scale becomes a CFRubric whose levels
carry the thresholds. What CASE has no field for travels in each object's `extensions`
under "linkwise" (see EXTENSION), so an import gives back the same framework.
"""

from __future__ import annotations

from ..frameworks import UPDATED_NOT_STATED
from .identifiers import identifier, uri
from .source import (
    COMPETENCY_KEYS,
    DOCUMENT_KEYS,
    DOMAIN_KEYS,
    FrameworkSource,
    code_number,
    code_prefix,
    other_keys,
)

EXTENSION = "linkwise"
DOMAIN_TYPE, COMPETENCY_TYPE = "Domain", "Competency"
LANGUAGE = "en"


def case_package(source: FrameworkSource) -> dict:
    """Return the CASE 1.1 package (a JSON-ready dict) for a framework file's data."""
    return _Writer(source, changed_at(source.data.get("updated"))).package()


def changed_at(updated) -> str:
    """Return the lastChangeDateTime of every object: the file's `updated:` date at midnight UTC.

    CASE requires one on every object. A file without `updated:` gets the fixed "not stated"
    date, never the clock or the file's modified time, so one commit exported on any machine
    gives the same bytes (docs/frameworks-exchange.md).
    """
    return f"{(updated or UPDATED_NOT_STATED).isoformat()}T00:00:00+00:00"


def link(title: str, identifier_: str) -> dict:
    """Return a CASE LinkURI to an object."""
    return {"title": title, "identifier": identifier_, "uri": uri(identifier_)}


class _Writer:
    def __init__(self, source: FrameworkSource, changed_at: str) -> None:
        self.source = source
        self.data = source.data
        self.id = source.id
        self.changed_at = changed_at
        self.document_id = identifier(self.id)
        self.document_link = link(str(self.data["title"]), self.document_id)
        self.types = {
            name: link(name, identifier(self.id, "item-type", name))
            for name in (DOMAIN_TYPE, COMPETENCY_TYPE)
        }
        self.items: list[dict] = []
        self.associations: list[dict] = []

    def package(self) -> dict:
        for position, domain in enumerate(self.source.domains, 1):
            domain_link = self._domain(domain, position)
            for number, competency in enumerate(domain.get("competencies") or [], 1):
                self._competency(competency, domain_link, number)
        return {
            "CFDocument": self._document(),
            "CFItems": self.items,
            "CFAssociations": self.associations,
            "CFDefinitions": {
                "CFItemTypes": [self._item_type(name) for name in self.types],
                "CFLicenses": [self._licence()],
            },
            "CFRubrics": [self._rubric()],
        }

    def _stamp(self, found: dict, extension: dict | None = None) -> dict:
        found["lastChangeDateTime"] = self.changed_at
        if extension:
            found["extensions"] = {EXTENSION: extension}
        return found

    def _document(self) -> dict:
        extension = {"frameworkId": self.id, "attainment": self.data.get("attainment")}
        if self.source.comment:
            extension["headerComment"] = self.source.comment
        extra = other_keys(self.data, (*DOCUMENT_KEYS, "attainment"))
        if extra:
            extension["otherKeys"] = extra
        publisher = str(self.data["publisher"])
        return self._stamp(
            {
                "identifier": self.document_id,
                "uri": uri(self.document_id),
                "creator": publisher,
                "publisher": publisher,
                "title": str(self.data["title"]),
                "version": str(self.data["version"]),
                "description": str(self.data["source"]),
                "language": LANGUAGE,
                "licenseURI": link(self._licence_title(), identifier(self.id, "licence")),
            },
            extension,
        )

    def _licence_title(self) -> str:
        return f"Licence of {self.data['title']}"

    def _licence(self) -> dict:
        licence_id = identifier(self.id, "licence")
        return self._stamp(
            {
                "identifier": licence_id,
                "uri": uri(licence_id),
                "title": self._licence_title(),
                "licenseText": str(self.data["licence"]),
            }
        )

    def _item_type(self, name: str) -> dict:
        found = self.types[name]
        return self._stamp(
            {
                "identifier": found["identifier"],
                "uri": found["uri"],
                "title": name,
                "description": f"A {name.lower()} of a Linkwise competency framework",
                "hierarchyCode": "1" if name == DOMAIN_TYPE else "2",
            }
        )

    def _item(self, item_id: str, kind: str, fields: dict, extra: dict) -> dict:
        item = {
            "identifier": item_id,
            "uri": uri(item_id),
            "CFDocumentURI": self.document_link,
            **fields,
            "CFItemType": kind,
            "CFItemTypeURI": self.types[kind],
            "language": LANGUAGE,
        }
        self.items.append(self._stamp(item, {"otherKeys": extra} if extra else None))
        return item

    def _child_of(self, child: dict, parent: dict, position: int) -> None:
        association_id = identifier(self.id, "is-child-of", child["identifier"])
        self.associations.append(
            self._stamp(
                {
                    "identifier": association_id,
                    "uri": uri(association_id),
                    "CFDocumentURI": self.document_link,
                    "associationType": "isChildOf",
                    "sequenceNumber": position,
                    "originNodeURI": link(_title(child), child["identifier"]),
                    "destinationNodeURI": parent,
                }
            )
        )

    def _domain(self, domain: dict, position: int) -> dict:
        number = domain["number"]
        fields = {
            "fullStatement": str(domain["summary"]),
            "abbreviatedStatement": str(domain["title"]),
            "listEnumeration": str(number),
        }
        codes = [str(c["code"]) for c in domain.get("competencies") or []]
        if codes:
            fields["humanCodingScheme"] = f"{code_prefix(codes[0])}-{number}"
        item = self._item(
            identifier(self.id, "domain", number),
            DOMAIN_TYPE,
            fields,
            other_keys(domain, DOMAIN_KEYS),
        )
        self._child_of(item, self.document_link, position)
        return link(_title(item), item["identifier"])

    def _competency(self, competency: dict, domain_link: dict, position: int) -> None:
        code = str(competency["code"])
        item = self._item(
            identifier(self.id, "competency", code),
            COMPETENCY_TYPE,
            {
                "fullStatement": str(competency["statement"]),
                "abbreviatedStatement": str(competency["name"]),
                "humanCodingScheme": code,
                "listEnumeration": code_number(code),
            },
            other_keys(competency, COMPETENCY_KEYS),
        )
        self._child_of(item, domain_link, position)

    def _rubric(self) -> dict:
        rubric_id = identifier(self.id, "scale")
        criterion_id = identifier(self.id, "scale", "criterion")
        levels = [
            self._stamp(
                {
                    "identifier": (level_id := identifier(self.id, "scale", "level", position)),
                    "uri": uri(level_id),
                    "quality": str(level["name"]),
                    "score": float(level["threshold"]),
                    "description": f"Reached with a weighted score of {level['threshold']}% "
                    "or more",
                    "position": position,
                    "rubricCriterionId": criterion_id,
                }
            )
            for position, level in enumerate(self.data.get("scale") or [], 1)
        ]
        criterion = self._stamp(
            {
                "identifier": criterion_id,
                "uri": uri(criterion_id),
                "category": "Proficiency",
                "description": "How far a learner's evidence shows each competency",
                "position": 1,
                "rubricId": rubric_id,
                "CFRubricCriterionLevels": levels,
            }
        )
        return self._stamp(
            {
                "identifier": rubric_id,
                "uri": uri(rubric_id),
                "title": f"{self.data['title']}: proficiency scale",
                "description": "The levels every competency of this framework is rated on",
                "CFRubricCriteria": [criterion],
            }
        )


def _title(item: dict) -> str:
    code = item.get("humanCodingScheme")
    name = item.get("abbreviatedStatement") or item["fullStatement"]
    return f"{code} {name}" if code else name
