"""Read a framework file's domains and the competencies in each, checking their codes."""

from __future__ import annotations

import re

from .frameworks import Competency, Domain
from .met_rule_files import WrittenScale, read_duration, read_met_rule
from .yamlfields import YamlReader

CODE = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9]*)-(?P<domain>[0-9]+)\.(?P<number>[0-9]+)$")


def duplicate_code_message(code: str, first: str) -> str:
    """Say that a competency code is already used, at `first` (path:line), and what to do."""
    return (
        f"competency code '{code}' is also used at {first}: codes are unique across all "
        "frameworks, so give this competency a code of its own"
    )


def read_domains(
    reader: YamlReader,
    fields,
    framework_id: str,
    seen_codes: dict[str, str],
    scale: WrittenScale,
) -> tuple[Domain, ...]:
    """Read a framework's domains and their competencies, checking each code."""
    domains: list[Domain] = []
    numbers: dict[int, int] = {}  # each domain number: the line it is first given at
    for node in reader.sequence(fields, "domains") or ():
        domain = reader.mapping(node, "a domain")
        if domain is None:
            continue
        reader.check_keys(
            domain,
            required=("number", "title", "summary", "competencies"),
            known=(),
            missing_line=reader.line(node),
            what="domain",
        )
        number = reader.integer(domain, "number", minimum=1)
        if number is not None and number in numbers:
            reader.error(
                domain["number"].line,
                f"domain number {number} is also used at line {numbers[number]}",
            )
        if number is not None:
            numbers.setdefault(number, domain["number"].line)
        competencies = tuple(
            competency
            for item in reader.sequence(domain, "competencies") or ()
            if (competency := _competency(reader, item, number, framework_id, seen_codes, scale))
        )
        title, summary = reader.text(domain, "title"), reader.text(domain, "summary")
        domains.append(Domain(number, title, summary, competencies))
    return tuple(domains)


def _competency(
    reader: YamlReader,
    node,
    domain_number: int | None,
    framework_id: str,
    seen_codes: dict[str, str],
    scale: WrittenScale,
) -> Competency | None:
    fields = reader.mapping(node, "a competency")
    if fields is None:
        return None
    reader.check_keys(
        fields,
        required=("code", "name", "statement"),
        known=("valid_for", "met"),
        missing_line=reader.line(node),
        what="competency",
    )
    code, name, statement = (reader.text(fields, k) for k in ("code", "name", "statement"))
    if code is None:
        return None
    line = fields["code"].line
    match = CODE.match(code)
    if match is None:
        reader.error(
            line,
            f"competency code '{code}' must look like SPLW-1.2 "
            "(prefix, domain number, competency number)",
        )
        return None
    if domain_number is not None and int(match["domain"]) != domain_number:
        reader.error(
            line,
            f"competency code '{code}' is in domain {domain_number}; "
            f"its code should start {match['prefix']}-{domain_number}.",
        )
    if code in seen_codes:
        reader.error(line, duplicate_code_message(code, seen_codes[code]))
        return None
    seen_codes[code] = f"{reader.path}:{line}"
    valid_for, met = (
        read_duration(reader, fields, "valid_for"),
        read_met_rule(reader, fields, scale),
    )
    return Competency(code, name, statement, domain_number or 0, framework_id, valid_for, met)
