"""Read competencies/<id>.yaml files into frameworks, reporting mistakes at their lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .competencies import ATTAINMENT_METHODS
from .framework_domain_files import CODE, duplicate_code_message, read_domains
from .frameworks import (
    UPDATED_NOT_STATED,
    AttainmentSettings,
    Framework,
    ProficiencyLevel,
)
from .met_rule_files import (
    DEFAULT_RENEW_WITHIN,
    WrittenScale,
    claims_competence,
    read_duration,
    read_met_rule,
    read_professions,
)
from .problems import Problem, Problems, did_you_mean, reading
from .textfiles import read_text
from .yaml_errors import error_line, explain_yaml_error
from .yaml_loading import compose, yaml_failures
from .yamlfields import YamlReader

WRITTEN_CODE = re.compile(r"\b[A-Z][A-Z0-9]*-[0-9]+\.[0-9]+\b")
# A competency's `code:` line, as a framework that is not YAML is scanned for its codes.
CODE_LINE = re.compile(
    r"^\s*(?:-\s+)?code\s*:\s*([\"']?)(?P<code>[A-Z][A-Z0-9]*-[0-9]+\.[0-9]+)\1\s*(?:#.*)?$"
)
UNREAD = (
    "; until it is mended the framework is not loaded, and modules and quizzes are checked "
    "only against the competency codes written in this file"
)
FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Optional: whom the framework is for, how long evidence counts, when a competency is met,
# and when the framework's content last changed.
FRAMEWORK_OPTIONAL_KEYS = ("applies_to", "valid_for", "renew_within", "met", "updated")
FRAMEWORK_KEYS = (
    "id",
    "title",
    "version",
    "publisher",
    "source",
    "licence",
    "scale",
    "attainment",
    "domains",
)


@dataclass(frozen=True)
class FrameworkResult:
    """Frameworks that loaded cleanly, every code seen (even in faulty files), and problems."""

    frameworks: tuple[Framework, ...]
    codes: frozenset[str]
    problems: tuple[Problem, ...]


def load_frameworks(paths: Iterable[Path]) -> FrameworkResult:
    """Read framework files, checking codes are well formed and unique across all of them."""
    problems = Problems()
    frameworks: list[Framework] = []
    seen_codes: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    unread_codes: set[str] = set()
    for path in map(Path, paths):
        with reading(path):
            found = _read_framework(path, problems, seen_codes, unread_codes)
        if found is None:
            continue
        if found.id in seen_ids:
            problems.error(
                path, 1, f"framework id '{found.id}' is also used by {seen_ids[found.id]}"
            )
            continue
        seen_ids[found.id] = str(path)
        frameworks.append(found)
    # Codes from faulty files still count, so one typo in a framework does not make
    # every module that uses it report unknown codes too; so do those written in a file
    # that could not be read as YAML at all.
    codes = frozenset(seen_codes).union(unread_codes)
    return FrameworkResult(tuple(frameworks), codes, problems.sorted())


def unknown_code_message(code: str, known_codes: Iterable[str]) -> str:
    """Explain that a competency code is in no framework, suggesting a near one.

    The code nearest in number in the same framework and domain comes first (SPLW-1.1 for
    SPLW-1.2, not SPLW-8.2); failing that, a close spelling in the same framework, or any.
    """
    known = sorted(known_codes)
    missing = f"competency '{code}' is not in any framework"
    written = CODE.match(code)
    if written is None:
        return f"{missing}{did_you_mean(code, known)}"
    domain = f"{written['prefix']}-{written['domain']}."
    same_domain = [(int(c.removeprefix(domain)), c) for c in known if _in_domain(c, domain)]
    if same_domain:
        number = int(written["number"])
        nearest = min(same_domain, key=lambda found: (abs(found[0] - number), found[0]))[1]
        return f"{missing} (did you mean '{nearest}'?)"
    same_framework = [c for c in known if c.startswith(f"{written['prefix']}-")]
    return f"{missing}{did_you_mean(code, same_framework) or did_you_mean(code, known)}"


def _in_domain(code: str, domain: str) -> bool:
    return code.startswith(domain) and code.removeprefix(domain).isdigit()


def _read_framework(
    path: Path, problems: Problems, seen_codes: dict[str, str], unread_codes: set[str]
) -> Framework | None:
    text = read_text(path, problems)
    if text is None:
        unread_codes.update(_codes_written_in(path))
        return None
    try:
        root = compose(text)
    except yaml_failures() as exc:
        message = f"invalid YAML: {explain_yaml_error(exc, 1)}{UNREAD}"
        problems.error(path, error_line(exc, 1), message)
        unread_codes.update(WRITTEN_CODE.findall(text))
        _check_code_lines(path, text, problems, seen_codes)
        return None
    if root is None:
        problems.error(path, 1, "framework file is empty")
        return None
    before = len(problems)
    reader = YamlReader(str(path), 1, problems, text)
    fields = reader.mapping(root, "framework")
    if fields is None:
        return None
    reader.check_keys(
        fields,
        required=FRAMEWORK_KEYS,
        known=FRAMEWORK_OPTIONAL_KEYS,
        missing_line=1,
        what="framework",
    )
    framework_id = reader.text(fields, "id")
    if framework_id and not FRAMEWORK_ID.match(framework_id):
        reader.error(fields["id"].line, "'id' must be lowercase letters, digits and hyphens")
    elif framework_id and framework_id != path.stem:
        reader.warning(fields["id"].line, f"id '{framework_id}' differs from the file name")
    title, version = reader.text(fields, "title"), _version(reader, fields)
    publisher, source, licence = (
        reader.text(fields, key) for key in ("publisher", "source", "licence")
    )
    written_scale = _scale(reader, fields)
    scale = written_scale.levels
    attainment = _attainment(reader, fields)
    domains = read_domains(reader, fields, framework_id or path.stem, seen_codes, written_scale)
    applies_to = read_professions(reader, fields)
    valid_for = read_duration(reader, fields, "valid_for")
    renew_within = read_duration(reader, fields, "renew_within") or DEFAULT_RENEW_WITHIN
    met = read_met_rule(reader, fields, written_scale)
    # Not checked against the clock: a load depends on the files alone (the content cache
    # relies on it); `export-framework` warns of a date after today.
    updated = reader.calendar_date(
        fields,
        "updated",
        after=UPDATED_NOT_STATED,
        because="a CASE export writes that date to mean 'not stated'",
    )
    if any(problem.is_error for problem in problems.items[before:]):
        return None
    return Framework(
        framework_id,
        title,
        version,
        publisher,
        source,
        licence,
        scale,
        attainment,
        domains,
        str(path),
        applies_to,
        valid_for,
        renew_within if valid_for else None,
        met,
        updated,
    )


def _check_code_lines(
    path: Path, text: str, problems: Problems, seen_codes: dict[str, str]
) -> None:
    """Report a code used twice in a framework that is not YAML, by its `code:` lines.

    The file cannot be read past its YAML error, but one mistake should not hide another:
    a code already used, here or in another framework, is still reported at its line.
    """
    for number, line in enumerate(text.splitlines(), 1):
        if (match := CODE_LINE.match(line)) is None:
            continue
        code = match["code"]
        if code in seen_codes:
            problems.error(path, number, duplicate_code_message(code, seen_codes[code]))
        else:
            seen_codes[code] = f"{path}:{number}"


def _codes_written_in(path: Path) -> set[str]:
    """Return the codes in a file that is not UTF-8 text, its error already reported."""
    try:
        return set(WRITTEN_CODE.findall(path.read_bytes().decode("utf-8", "replace")))
    except OSError:
        return set()


def _version(reader: YamlReader, fields) -> str | None:
    found = fields.get("version")
    if found is not None and isinstance(reader.value(found.node), int | float):
        # Unquoted, 0.10 would silently become 0.1.
        reader.error(found.line, "'version' must be text; put it in quotes, e.g. \"0.1\"")
        return None
    return reader.text(fields, "version")


def _scale(reader: YamlReader, fields) -> WrittenScale:
    levels: list[ProficiencyLevel] = []
    names: list[str] = []
    for node in reader.sequence(fields, "scale") or ():
        level = reader.mapping(node, "a scale level")
        if level is None:
            continue
        reader.check_keys(
            level,
            required=("name", "threshold"),
            known=(),
            missing_line=reader.line(node),
            what="scale level",
        )
        name, threshold = reader.text(level, "name"), reader.number(level, "threshold")
        if name is not None:
            names.append(name)
        if name is None or threshold is None:
            continue
        if refused := claims_competence(name):
            reader.error(level["name"].line, refused)
        elif not 0 <= threshold <= 100:
            reader.error(level["threshold"].line, "'threshold' is a percentage from 0 to 100")
        elif levels and threshold <= levels[-1].threshold:
            reader.error(
                level["threshold"].line,
                "scale must be ascending: each threshold "
                f"must be above the one before ({levels[-1].threshold})",
            )
        elif not levels and threshold != 0:
            reader.error(
                level["threshold"].line,
                "the lowest level's threshold must be 0, so every score has a level",
            )
        else:
            levels.append(ProficiencyLevel(name, threshold))
    return WrittenScale(tuple(levels), tuple(names))


def _attainment(reader: YamlReader, fields) -> AttainmentSettings | None:
    found = fields.get("attainment")
    settings = reader.mapping(found.node, "attainment") if found else None
    if settings is None:
        return None
    reader.check_keys(
        settings,
        required=("method",),
        known=("latest_weight", "minimum_evidence"),
        missing_line=found.line,
        what="attainment",
    )
    method = reader.text(settings, "method")
    if method is not None and method not in ATTAINMENT_METHODS:
        known = ", ".join(sorted(ATTAINMENT_METHODS))
        hint = did_you_mean(method, ATTAINMENT_METHODS)
        reader.error(
            settings["method"].line,
            f"unknown attainment method '{method}'{hint}; known methods: {known}",
        )
    weight = reader.number(settings, "latest_weight")
    if weight is not None and not 0 < weight <= 1:
        reader.error(
            settings["latest_weight"].line, "'latest_weight' must be above 0 and at most 1"
        )
    evidence = reader.integer(settings, "minimum_evidence", minimum=1)
    defaults = AttainmentSettings(method or "")
    return AttainmentSettings(
        method or "",
        defaults.latest_weight if weight is None else weight,
        defaults.minimum_evidence if evidence is None else evidence,
    )
