"""A framework file as plain data: what the exporters read and the importer writes back.

Exports start from the YAML itself, not the loaded Framework, so keys the exchange formats
have no place for (today `attainment`; later ones too) are carried along, not dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

# The keys each level of a framework file maps onto the exchange formats' own fields.
DOCUMENT_KEYS = (
    "id",
    "title",
    "version",
    "updated",
    "publisher",
    "source",
    "licence",
    "scale",
    "domains",
)
DOMAIN_KEYS = ("number", "title", "summary", "competencies")
COMPETENCY_KEYS = ("code", "name", "statement")


@dataclass(frozen=True)
class FrameworkSource:
    """A framework file's data and the comment lines at its top."""

    data: dict
    comment: str = ""

    @property
    def id(self) -> str:
        """Return the framework's id."""
        return str(self.data["id"])

    @property
    def domains(self) -> list[dict]:
        """Return the domains in file order."""
        return list(self.data.get("domains") or [])


def read_source(text: str) -> FrameworkSource:
    """Return a framework file's data and header comment (the file is known to be valid)."""
    import yaml  # imported on first use: see app/domain/yamlfields.py

    comment = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comment.append(line[1:].removeprefix(" "))
    return FrameworkSource(yaml.safe_load(text), "\n".join(comment))


def other_keys(mapping: dict, known: tuple[str, ...]) -> dict:
    """Return the keys of a mapping that the exchange formats have no field for."""
    return {key: value for key, value in mapping.items() if key not in known}


def code_prefix(code: str) -> str:
    """Return a competency code's prefix: SPLW for SPLW-1.2."""
    return code.rpartition("-")[0]


def code_number(code: str) -> str:
    """Return a competency's number within its domain: 2 for SPLW-1.2."""
    return code.rpartition(".")[2]
