"""Read the competency-rating keys of a framework file: met rules, validity and professions."""

from __future__ import annotations

from dataclasses import dataclass

from .accounts import PROFESSIONS
from .competencies.durations import LONGEST, Duration, out_of_range, parse_duration
from .competencies.met_rules import AllOf, AnyOf, KnowledgeAtLeast, PracticeConfirmed, Recent
from .frameworks import ProficiencyLevel
from .problems import did_you_mean
from .yamlfields import YamlReader

RULE_KEYS = ("all", "any", "knowledge", "practice", "recent")
EACH_PROFESSION = "each item is one profession code, such as gp, with nothing under it"
DEFAULT_RENEW_WITHIN = Duration(months=3, text="3m")


@dataclass(frozen=True)
class WrittenScale:
    """A framework's scale as read: its sound levels, and the name of every level written.

    A level with a faulty threshold is reported at its line and left out of `levels`; a met
    rule naming it is not reported again, so each mistake is reported once.
    """

    levels: tuple[ProficiencyLevel, ...] = ()
    names: tuple[str, ...] = ()


def read_duration(reader: YamlReader, fields, key: str) -> Duration | None:
    """Read a duration such as '3y' or '18m', reporting anything else at its line."""
    found = fields.get(key)
    if found is None or not reader.single(found, key, "a duration such as 3y or 18m"):
        return None
    text = reader.value(found.node)
    if reader.unbuilt(found.node):
        return None
    duration = parse_duration(text) if isinstance(text, str) else None
    if duration is None and not out_of_range(text):
        reader.error(
            found.line,
            f"'{key}' must be a number and a unit: y (years), m (months), w (weeks) "
            f"or d (days), e.g. 3y or 18m; not {text!r}",
        )
    return bounded(reader, found.line, key, text, duration)


def bounded(reader: YamlReader, line: int, key: str, text, duration: Duration | None):
    """Return the duration if a framework may set it, else report one out of range; else None."""
    if not out_of_range(text):
        return duration
    written = text.strip()
    if written[:-1] == "0":
        reader.error(line, f"'{key}' must be at least a day (1d), at most {LONGEST}; not {written}")
    else:
        reader.error(line, f"'{key}' can be at most {LONGEST}, not {written}")
    return None


def read_professions(reader: YamlReader, fields) -> tuple[str, ...]:
    """Read `applies_to`: profession codes as accounts know them."""
    found = []
    for line, code in reader.text_items(fields, "applies_to", EACH_PROFESSION) or ():
        if code not in PROFESSIONS:
            known = ", ".join(PROFESSIONS)
            reader.error(
                line,
                f"unknown profession '{code}'{did_you_mean(code, PROFESSIONS)}; known: {known}",
            )
        elif code in found:
            reader.error(line, f"profession '{code}' is listed twice")
        else:
            found.append(code)
    return tuple(found)


def read_met_rule(reader: YamlReader, fields, scale: WrittenScale):
    """Read the `met` rule of a framework or competency; None when absent or faulty."""
    found = fields.get("met")
    return _rule(reader, found.node, scale) if found is not None else None


def _rule(reader: YamlReader, node, scale):
    line = reader.line(node)
    mapping = reader.mapping(node, "a met rule")
    if mapping is None:
        return None
    if len(mapping) != 1:
        reader.error(line, f"a met rule has exactly one of: {', '.join(RULE_KEYS)}")
        return None
    key, field = next(iter(mapping.items()))
    if key in ("all", "any"):
        import yaml  # imported on first use: see app/domain/yamlfields.py

        if not isinstance(field.node, yaml.SequenceNode) or not field.node.value:
            reader.error(field.line, f"'{key}' needs a list of one or more rules")
            return None
        rules = [_rule(reader, child, scale) for child in field.node.value]
        if any(rule is None for rule in rules):
            return None
        return (AllOf if key == "all" else AnyOf)(tuple(rules))
    if key in ("knowledge", "practice", "recent") and not reader.single(field, key, "one value"):
        return None
    value = reader.value(field.node)
    if reader.unbuilt(field.node):
        return None
    if key == "knowledge":
        names = [level.name for level in scale.levels]
        if value not in names:
            if value in scale.names:
                return None  # a level of the scale with a mistake of its own, reported there
            names = list(scale.names) or names
            reader.error(
                field.line,
                f"'knowledge' must name a level of the scale{did_you_mean(str(value), names)}; "
                f"levels: {', '.join(names)}",
            )
            return None
        rank = names.index(value)
        return KnowledgeAtLeast(value, rank, top=rank == len(names) - 1)
    if key == "practice":
        if value != "confirmed":
            reader.error(field.line, "'practice' can only be 'confirmed'")
            return None
        return PracticeConfirmed()
    if key == "recent":
        duration = parse_duration(value) if isinstance(value, str) else None
        if duration is None and not out_of_range(value):
            reader.error(field.line, f"'recent' must be a duration such as 1y or 6m, not {value!r}")
        duration = bounded(reader, field.line, "recent", value, duration)
        return Recent(duration) if duration else None
    reader.error(
        field.line,
        f"unknown met rule '{key}'{did_you_mean(key, RULE_KEYS)}; use one of: "
        + ", ".join(RULE_KEYS),
    )
    return None


def claims_competence(name: str) -> str | None:
    """Return why a scale level's name is refused: quiz answers show knowledge, not competence."""
    if "competen" in name.lower():
        return (
            f"scale level '{name}' says 'competent', but quiz answers show knowledge; "
            "name levels for what they show, e.g. Secure, Developing, Not yet"
        )
    return None
