"""Write framework data as a YAML file in the house style of competencies/*.yaml."""

from __future__ import annotations

import math
import textwrap
from decimal import Decimal

from .source import COMPETENCY_KEYS, DOMAIN_KEYS, FrameworkSource, other_keys

WIDTH = 90
TOP_KEYS = ("id", "title", "version", "updated", "publisher", "source", "licence")


def framework_yaml(source: FrameworkSource) -> str:
    """Return the YAML text of a framework; loading it gives back exactly `source.data`."""
    import yaml  # imported on first use: see app/domain/yamlfields.py

    data = source.data
    lines = [f"# {line}".rstrip() for line in source.comment.splitlines()]
    for key in TOP_KEYS:
        if key in data:
            lines += _scalar(key, data[key], 0)
    if "scale" in data:
        lines.append("scale:")
        for level in data["scale"]:
            lines += _block(level, 4, bullet=True)
    if "attainment" in data:
        lines.append("attainment:")
        lines += _block(data["attainment"], 2)
    lines += _extra(other_keys(data, (*TOP_KEYS, "scale", "attainment", "domains")), 0)
    if "domains" in data:
        lines.append("domains:")
        for index, domain in enumerate(data["domains"]):
            if index:
                lines.append("")
            lines += _domain(domain)
    text = "\n".join(lines) + "\n"
    loaded = yaml.safe_load(text)
    if loaded != data:  # a guard: the writer must never change the framework
        raise UnwritableValue(_first_changed(data, loaded))
    return text


class UnwritableValue(ValueError):
    """The framework could not be written as YAML without changing `value`."""

    def __init__(self, value) -> None:
        super().__init__(f"the framework could not be written as YAML without changing {value!r}")
        self.value = value


def _first_changed(wanted, found):
    """Return the first value (a text or number, where possible) that came back different."""
    pairs = []
    if isinstance(wanted, dict) and isinstance(found, dict) and wanted.keys() == found.keys():
        pairs = [(wanted[key], found[key]) for key in wanted]
    elif isinstance(wanted, list) and isinstance(found, list) and len(wanted) == len(found):
        pairs = list(zip(wanted, found, strict=True))
    changed = next(((w, f) for w, f in pairs if w != f), None)
    return wanted if changed is None else _first_changed(*changed)


def _domain(domain: dict) -> list[str]:
    lines = _scalar("number", domain["number"], 4, bullet=True)
    for key in ("title", "summary"):
        if key in domain:
            lines += _scalar(key, domain[key], 4)
    lines += _extra(other_keys(domain, DOMAIN_KEYS), 4)
    lines.append("    competencies:")
    for competency in domain.get("competencies") or []:
        first = True
        for key in COMPETENCY_KEYS:
            if key in competency:
                lines += _scalar(key, competency[key], 8, bullet=first)
                first = False
        lines += _extra(other_keys(competency, COMPETENCY_KEYS), 8)
    return lines


def _scalar(key: str, value, indent: int, *, bullet: bool = False) -> list[str]:
    """Return `key: value` lines; long text is folded over indented lines as `>-`."""
    lead = " " * (indent - 2) + "- " if bullet else " " * indent
    if (
        isinstance(value, str)
        and _foldable(value)
        and len(lead) + len(key) + 2 + len(value) > WIDTH
    ):
        body = textwrap.wrap(
            value, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False
        )
        return [f"{lead}{key}: >-", *(" " * (indent + 2) + part for part in body)]
    return [f"{lead}{key}: {_inline(value)}"]


def _foldable(text: str) -> bool:
    # Folding joins lines with one space: only text without newlines, runs of spaces or
    # edge spaces comes back the same.
    return bool(text) and "\n" not in text and "  " not in text and text == text.strip()


def _inline(value) -> str:
    import yaml  # imported on first use: see app/domain/yamlfields.py

    if isinstance(value, float) and math.isfinite(value):
        return _plain_float(value)
    if isinstance(value, str) and not value.isprintable():
        # YAML's own double-quoted escapes: JSON's would write a character past U+FFFF as
        # a surrogate pair, which YAML reads back as two separate (broken) characters.
        return _double_quoted(value)
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    dumped = dumped.removesuffix("\n...\n").removesuffix("\n")
    # The house style quotes with double quotes, as in version: "0.2".
    if isinstance(value, str) and dumped.startswith("'"):
        return _double_quoted(value)
    return dumped


def _plain_float(value: float) -> str:
    """Return a float as a framework file writes a number (plain_numbers.py): YAML's own
    '5.0e-05' is one `linkwise validate` refuses. The full stop keeps it a float to YAML."""
    text = "0" if value == 0 else format(Decimal(repr(value)), "f")
    return text if "." in text else f"{text}.0"


def _double_quoted(text: str) -> str:
    import yaml  # imported on first use: see app/domain/yamlfields.py

    # A width no line reaches, so the emitter never folds the text over lines.
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=len(text) * 12 + 80)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _block(mapping: dict, indent: int, *, bullet: bool = False) -> list[str]:
    lines = []
    for index, (key, value) in enumerate(mapping.items()):
        if isinstance(value, dict | list):
            lines += _extra({key: value}, indent)
        else:
            lines += _scalar(key, value, indent, bullet=bullet and index == 0)
    return lines


def _extra(mapping: dict, indent: int) -> list[str]:
    """Return keys the exchange formats do not know, dumped as YAML at this indent."""
    import yaml  # imported on first use: see app/domain/yamlfields.py

    if not mapping:
        return []
    dumped = yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=WIDTH)
    return [" " * indent + line if line else line for line in dumped.splitlines()]
